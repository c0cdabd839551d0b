import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * The X-Audit-Log-Reason for writes without a declared `reason`: `cordform apply` plus the
 * commit being applied (GITHUB_SHA in Actions, else `git rev-parse HEAD` when cwd is a repo),
 * so Discord's audit log says which change of the manifest did it.
 */
export async function defaultAuditReason(
  cwd: string,
  env: Record<string, string | undefined>,
): Promise<string> {
  const commit = env.GITHUB_SHA ?? (await readGitHead(cwd));
  return commit ? `cordform apply (${commit.slice(0, 12)})` : 'cordform apply';
}

async function readGitHead(cwd: string): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)('git', ['rev-parse', 'HEAD'], { cwd, timeout: 2000 });
    const sha = stdout.trim();
    return /^[0-9a-f]{40}$/.test(sha) ? sha : undefined;
  } catch {
    return undefined;
  }
}

/** Discord caps audit log reasons at 512 characters. */
export function clampReason(reason: string): string {
  return reason.length > 512 ? reason.slice(0, 512) : reason;
}
