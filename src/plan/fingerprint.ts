/**
 * Fingerprints of a saved plan's inputs: `apply PLAN.json` refuses the plan when the
 * manifest's differs (a stale plan); the live one is informational, since every change is
 * checked against a fresh plan anyway. Hashing 100k webhooks costs tens of milliseconds,
 * so only `plan --out` computes them. Neither input contains a secret: webhook
 * tokens and URLs, the bot token, action tokens, signing secrets and header values are
 * left out before hashing, and so are source positions (moving a line is not a change).
 */
import { createHash } from 'node:crypto';
import type { APIWebhook } from '../discord/types.js';
import type { GuildDeclaration, Manifest, WebhookDeclaration } from '../manifest/types.js';
import { canonicalCommandsFromLive } from './canonical-command.js';
import { stableStringify } from './stable-json.js';
import type { LiveState } from '../live/live-state.js';
import type { PlanFingerprints } from './plan-types.js';
import { compareSnowflakes, sortBy } from './sort.js';

export function planFingerprints(manifest: Manifest, live: LiveState): PlanFingerprints {
  return { live: liveFingerprint(manifest, live), manifest: manifestFingerprint(manifest) };
}

/**
 * sha256 of the live state of the manifest's guilds only (other guilds may change freely).
 * One line per record: it covers every webhook of every declared guild, and each normalized
 * record is built with a fixed key order, so plain JSON is canonical (no key sorting).
 */
export function liveFingerprint(manifest: Manifest, live: LiveState): string {
  const declared = new Set(manifest.guilds.map((g) => g.id));
  const lines = new LineHash();
  lines.add(JSON.stringify({ bot: live.bot.id, applicationId: live.applicationId }));
  for (const guild of sortBy(live.guilds.filter((g) => declared.has(g.guildId)), (g) => g.guildId)) {
    lines.add(`guild ${JSON.stringify(guild.guildId)}`);
    for (const webhook of [...guild.webhooks].sort((a, b) => compareSnowflakes(a.id, b.id))) {
      lines.add(`webhook ${JSON.stringify(normalizeWebhook(webhook))}`);
    }
    const channels = guild.channels === null ? null : sortBy(guild.channels, (c) => c.id).map((c) => ({ id: c.id, type: c.type }));
    lines.add(`channels ${JSON.stringify(channels)}`);
    lines.add(`commands ${guild.commands === null ? 'null' : stableStringify(canonicalCommandsFromLive(guild.commands))}`);
  }
  return lines.digest();
}

/** sha256 of the manifest without secrets or source positions, one line per record as above. */
export function manifestFingerprint(manifest: Manifest): string {
  const lines = new LineHash();
  lines.add(
    JSON.stringify({
      version: manifest.version,
      apiBase: manifest.discord.apiBase ?? null,
      applicationId: manifest.discord.applicationId ?? null,
    }),
  );
  for (const guild of sortBy(manifest.guilds, (g) => g.id)) {
    const { webhooks, commands, ...settings } = normalizeGuild(guild);
    lines.add(`guild ${stableStringify(settings)}`);
    for (const webhook of webhooks) lines.add(`webhook ${JSON.stringify(webhook)}`);
    lines.add(`commands ${stableStringify(commands)}`);
  }
  return lines.digest();
}

/** Only what the planner reads: never `token` or `url`. */
function normalizeWebhook(webhook: APIWebhook) {
  return {
    id: webhook.id,
    type: webhook.type,
    channel_id: webhook.channel_id,
    name: webhook.name,
    avatar: webhook.avatar,
    user_id: webhook.user?.id ?? null,
    application_id: webhook.application_id,
  };
}

function normalizeGuild(guild: GuildDeclaration) {
  return {
    id: guild.id,
    name: guild.name ?? null,
    prune: guild.prune,
    prefix: guild.prefix,
    thresholds: guild.thresholds,
    webhooks: sortBy(guild.webhooks, (w) => w.key).map(normalizeDeclaration),
    commands: sortBy(guild.commands, (c) => c.name).map((command) => withoutSecrets(command)),
  };
}

function normalizeDeclaration(webhook: WebhookDeclaration) {
  return {
    key: webhook.key,
    name: webhook.name,
    channel: webhook.channel,
    avatar: webhook.avatar === undefined ? null : { path: webhook.avatar.path, md5: webhook.avatar.md5.toLowerCase() },
    // Only when set, so fingerprints of manifests without `avatar: keep` are unchanged.
    ...(webhook.keepAvatar ? { keepAvatar: true } : {}),
    id: webhook.id ?? null,
    renamedFrom: webhook.renamedFrom ?? null,
    reason: webhook.reason ?? null,
  };
}

const DROPPED_KEYS = new Set(['location', 'token', 'signingSecret', 'dataUri']);

/** A copy without secret fields and source positions; header values (may be credentials) become names only. */
function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (DROPPED_KEYS.has(key)) continue;
    copy[key] = key === 'headers' && item !== null && typeof item === 'object' ? Object.keys(item).sort() : withoutSecrets(item);
  }
  return copy;
}

/**
 * sha256 of lines joined by '\n', fed to the hash in chunks of about 64 KiB as they come: at
 * 100k webhooks, joining first built a 25 MB string (and its UTF-8 copy) per fingerprint.
 */
export class LineHash {
  private readonly hash = createHash('sha256');
  private chunk = '';
  private empty = true;

  add(line: string): void {
    this.chunk += this.empty ? line : `\n${line}`;
    this.empty = false;
    if (this.chunk.length >= 65_536) {
      this.hash.update(this.chunk);
      this.chunk = '';
    }
  }

  digest(): string {
    return this.hash.update(this.chunk).digest('hex');
  }
}
