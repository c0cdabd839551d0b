/**
 * The URLs of a manifest's webhooks, read from live state: what `cordform output`, `apply
 * --urls-out` and `rotate --urls-out` hand to the systems that post to them. These are
 * secrets (the token is in the URL); callers decide where they may go.
 */
import { open, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { APIWebhook } from '../discord/types.js';
import { CordformError } from '../errors.js';
import { tempPathFor, writeFileAtomic } from '../fs/atomic-write.js';
import type { Manifest, WebhookDeclaration } from '../manifest/types.js';
import { declaredWebhooks } from '../plan/declared-webhooks.js';
import type { LiveState } from '../plan/index.js';

export interface WebhookUrl {
  key: string;
  declaration: WebhookDeclaration;
  webhookId: string;
  url: string;
}

export interface DeclaredUrls {
  urls: WebhookUrl[];
  /** Declarations with no webhook (not created yet), by key. */
  missing: string[];
}

/** The URL Discord gives in webhook objects, or the documented one built from id and token. */
function webhookUrl(webhook: APIWebhook, apiBase: string): string | undefined {
  if (webhook.url) return webhook.url;
  if (!webhook.token) return undefined;
  const origin = new URL(apiBase).origin;
  return `${origin}/api/webhooks/${webhook.id}/${webhook.token}`;
}

/** URLs for `declarations` (default: every declaration), from a live read. */
export function declaredUrls(manifest: Manifest, live: LiveState, apiBase: string, declarations?: readonly WebhookDeclaration[]): DeclaredUrls {
  const wanted = declarations === undefined ? undefined : new Set(declarations.map((d) => d.key));
  const result: DeclaredUrls = { urls: [], missing: [] };
  for (const { declaration, webhook } of declaredWebhooks(manifest, live)) {
    if (wanted !== undefined && !wanted.has(declaration.key)) continue;
    const url = webhook === undefined ? undefined : webhookUrl(webhook, apiBase);
    if (webhook === undefined || url === undefined) result.missing.push(declaration.key);
    else result.urls.push({ key: declaration.key, declaration, webhookId: webhook.id, url });
  }
  return result;
}

/**
 * Environment variable names for `output --format env`: `WEBHOOK_` + the webhook name in
 * upper case with every run of other characters as one `_` (`Release Notes` →
 * `WEBHOOK_RELEASE_NOTES`). Names that would collide get the channel id appended, then the
 * guild id as well, so every declaration has its own variable.
 */
export function envNames(declarations: readonly WebhookDeclaration[]): Map<WebhookDeclaration, string> {
  const base = (d: WebhookDeclaration) => `WEBHOOK_${d.name.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'UNNAMED'}`;
  const levels = [base, (d: WebhookDeclaration) => `${base(d)}_${d.channel}`, (d: WebhookDeclaration) => `${base(d)}_${d.guildId}_${d.channel}`];
  const names = new Map<WebhookDeclaration, string>();
  let pending = [...declarations];
  for (const level of levels) {
    const counts = new Map<string, number>();
    for (const d of pending) counts.set(level(d), (counts.get(level(d)) ?? 0) + 1);
    const last = level === levels[levels.length - 1];
    for (const d of pending) if (counts.get(level(d)) === 1 || last) names.set(d, level(d));
    pending = pending.filter((d) => !names.has(d));
  }
  return names;
}

/**
 * Refuses a `--urls-out` path that cannot be written — a missing directory, a directory
 * path, no write permission — before anything is written to Discord.
 */
export async function assertUrlsFileWritable(path: string, flag = '--urls-out'): Promise<void> {
  const directory = dirname(path);
  const problem = await (async () => {
    const dirStat = await stat(directory).catch(() => undefined);
    if (dirStat === undefined) return `the directory ${directory} does not exist`;
    if (!dirStat.isDirectory()) return `${directory} is not a directory`;
    const target = await stat(path).catch(() => undefined);
    if (target?.isDirectory()) return `${path} is a directory`;
    // The file is replaced through a temp file beside it, so what must work is creating a
    // file in the directory: try exactly that (permission bits do not tell, e.g. for root).
    const probe = tempPathFor(path);
    try {
      await (await open(probe, 'wx', 0o600)).close();
      await rm(probe, { force: true });
    } catch (error) {
      return `${directory} is not writable (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
    }
    return null;
  })();
  if (problem !== null) {
    throw new CordformError('urls_out_unwritable', `${flag} ${path}: ${problem}; nothing was changed`, { details: { path } });
  }
}

/** `{key: url}` as indented JSON: what `output --format json` prints and `--urls-out` holds. */
export function urlsJson(urls: readonly WebhookUrl[]): string {
  return `${JSON.stringify(Object.fromEntries(urls.map((u) => [u.key, u.url])), null, 2)}\n`;
}

/** Writes urlsJson(urls), mode 0600, replacing the file atomically. */
export async function writeUrlsFile(path: string, urls: readonly WebhookUrl[]): Promise<void> {
  try {
    await writeFileAtomic(path, urlsJson(urls));
  } catch (error) {
    throw new CordformError('urls_out_failed', `cannot write ${path}: ${(error as Error).message}`, { details: { path } });
  }
}
