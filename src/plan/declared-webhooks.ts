/**
 * Which live webhook stands for each declaration — the one whose URL the declaration's
 * users post to. The planner's own matching decides (pins, exact, renamed_from, moves), so
 * `output` and `rotate` agree with `plan` about which webhook a key means; a declaration
 * that matching leaves unmatched has no webhook yet.
 */
import type { APIWebhook } from '../discord/types.js';
import type { Manifest, WebhookDeclaration } from '../manifest/types.js';
import { liveGuildsById, type LiveState } from '../live/live-state.js';
import { matchWebhooks } from './match-webhooks.js';
import { resolveChannelNames } from './resolve-channels.js';

export interface DeclaredWebhook {
  declaration: WebhookDeclaration;
  /** undefined: not created yet (or its guild was not read). */
  webhook: APIWebhook | undefined;
}

/** Declarations come back with their channel resolved to an id (one written by name that cannot be resolved has no webhook). */
export function declaredWebhooks(manifest: Manifest, live: LiveState): DeclaredWebhook[] {
  const owner = { botId: live.bot.id, applicationId: live.applicationId };
  const resolved = resolveChannelNames(manifest, live).manifest;
  const placed = new Set(resolved.guilds.flatMap((g) => g.webhooks.map((d) => d.key)));
  const unplaced = manifest.guilds.flatMap((g) => g.webhooks.filter((d) => !placed.has(d.key)));
  const liveGuilds = liveGuildsById(live);
  return [...unplaced.map((declaration) => ({ declaration, webhook: undefined })), ...resolved.guilds.flatMap((guild) => {
    const liveGuild = liveGuilds.get(guild.id);
    const matched = new Map<WebhookDeclaration, APIWebhook>();
    if (liveGuild !== undefined) {
      for (const match of matchWebhooks(guild.id, guild.webhooks, liveGuild.webhooks, owner).matches) {
        matched.set(match.declaration, match.webhook);
      }
    }
    return guild.webhooks.map((declaration) => ({ declaration, webhook: matched.get(declaration) }));
  })];
}

/** Declarations a KEY names: a webhook key (`GUILD/CHANNEL/NAME`) or a webhook name, as `--target` takes. */
export function declarationsFor(keys: readonly string[], manifest: Manifest): { found: WebhookDeclaration[]; unknown: string[] } {
  const all = manifest.guilds.flatMap((guild) => guild.webhooks);
  const found = new Set<WebhookDeclaration>();
  const unknown: string[] = [];
  for (const key of keys) {
    const named = all.filter((d) => d.key === key || d.name === key);
    if (named.length === 0) unknown.push(key);
    for (const declaration of named) found.add(declaration);
  }
  return { found: all.filter((d) => found.has(d)), unknown };
}
