import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { issue, type ManifestIssue } from './issues.js';

/**
 * Files larger than this are refused before reading. A manifest is usually a few KiB; one
 * file declaring 100 guilds × 1000 webhooks (Discord's limit per guild) is about 6 MiB, and
 * larger fleets split their manifest across files (`-f DIR`). parse-yaml.ts also caps the
 * YAML tokens, which bounds the parser's memory for dense documents of this size.
 */
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
const LIMIT_TEXT = `${MAX_MANIFEST_BYTES} bytes (${MAX_MANIFEST_BYTES / (1024 * 1024)} MiB)`;

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
      return { issues: [issue('manifest_too_large', `manifest is ${info.size} bytes; the limit is ${LIMIT_TEXT}; split it across files (-f DIR reads every *.yaml in DIR)`, at)] };
    }
    const bytes = await readUpTo(handle, Math.min(info.size + 1, MAX_MANIFEST_BYTES + 1));
    if (bytes.length > MAX_MANIFEST_BYTES) {
      return { issues: [issue('manifest_too_large', `manifest is larger than the limit of ${LIMIT_TEXT}; split it across files (-f DIR reads every *.yaml in DIR)`, at)] };
    }
    return { source: { absolutePath, displayPath: shown, bytes }, issues: [] };
  } catch (error) {
    return { issues: [issue('manifest_unreadable', `cannot read ${shown}: ${describeFsError(error)}`, undefined)] };
  } finally {
    await handle.close();
  }
}

/**
 * The file's bytes, reading one byte more than its size at stat time: a file that grew
 * since is read again with room for one byte past the limit, so growth cannot slip past it.
 */
async function readUpTo(handle: FileHandle, size: number): Promise<Uint8Array> {
  const first = new Uint8Array(size);
  const { bytesRead } = await handle.read(first, 0, size, 0);
  if (bytesRead < size || size > MAX_MANIFEST_BYTES) return first.subarray(0, bytesRead);
  const again = new Uint8Array(MAX_MANIFEST_BYTES + 1);
  const reread = await handle.read(again, 0, again.length, 0);
  return again.subarray(0, reread.bytesRead);
}

export function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return error instanceof Error ? error.message : String(error);
}
