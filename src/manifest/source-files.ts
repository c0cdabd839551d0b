import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { issue, type ManifestIssue } from './issues.js';

/** Files larger than this are refused before reading: a manifest is a few KiB. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

export interface ManifestSource {
  /** Absolute path. */
  absolutePath: string;
  /** What messages show: relative to cwd when inside it, else absolute. */
  displayPath: string;
  bytes: Uint8Array;
}

/** The path users see in messages and annotations (GitHub wants repo-relative paths). */
export function displayPath(absolutePath: string, cwd: string): string {
  const relative = path.relative(cwd, absolutePath);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? absolutePath : relative;
}

/**
 * Expands `-f` arguments: a file stays itself, a directory yields its `*.yaml`/`*.yml` files
 * (not recursive, sorted by name). The same file named twice is read once.
 */
export async function expandManifestPaths(
  inputs: string[],
  cwd: string,
): Promise<{ paths: string[]; issues: ManifestIssue[] }> {
  const paths: string[] = [];
  const issues: ManifestIssue[] = [];
  for (const input of inputs) {
    const absolute = path.resolve(cwd, input);
    const info = await stat(absolute).catch(() => undefined);
    if (!info) {
      issues.push(issue('manifest_not_found', `manifest file not found: ${displayPath(absolute, cwd)} (pass -f FILE, or see examples/basic.yaml)`, undefined));
      continue;
    }
    if (!info.isDirectory()) {
      paths.push(absolute);
      continue;
    }
    const names = (await readdir(absolute)).filter((name) => /\.ya?ml$/i.test(name)).sort();
    if (names.length === 0) {
      issues.push(issue('manifest_not_found', `no *.yaml or *.yml files in directory ${displayPath(absolute, cwd)}`, undefined));
    }
    paths.push(...names.map((name) => path.join(absolute, name)));
  }
  return { paths: [...new Set(paths)], issues };
}

/** Reads one manifest file, refusing non-files and anything over MAX_MANIFEST_BYTES without reading it. */
export async function readManifestSource(
  absolutePath: string,
  cwd: string,
): Promise<{ source?: ManifestSource; issues: ManifestIssue[] }> {
  const shown = displayPath(absolutePath, cwd);
  const at = { file: shown, line: 1, column: 1 };
  let handle;
  try {
    handle = await open(absolutePath, 'r');
  } catch (error) {
    return { issues: [issue('manifest_unreadable', `cannot read ${shown}: ${describeFsError(error)}`, undefined)] };
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      return { issues: [issue('manifest_unreadable', `${shown} is not a regular file`, at)] };
    }
    if (info.size > MAX_MANIFEST_BYTES) {
      return { issues: [issue('manifest_too_large', `manifest is ${info.size} bytes; the limit is ${MAX_MANIFEST_BYTES} bytes (1 MiB)`, at)] };
    }
    // Read at most one byte past the limit, in case the file grows between stat and read.
    const buffer = new Uint8Array(MAX_MANIFEST_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > MAX_MANIFEST_BYTES) {
      return { issues: [issue('manifest_too_large', `manifest is larger than the limit of ${MAX_MANIFEST_BYTES} bytes (1 MiB)`, at)] };
    }
    return { source: { absolutePath, displayPath: shown, bytes: buffer.subarray(0, bytesRead) }, issues: [] };
  } catch (error) {
    return { issues: [issue('manifest_unreadable', `cannot read ${shown}: ${describeFsError(error)}`, undefined)] };
  } finally {
    await handle.close();
  }
}

export function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return error instanceof Error ? error.message : String(error);
}
