/**
 * The plan for one declared guild: match, turn matches into changes, keep what `--target`
 * selects, then derive what depends on the selected changes (limits, hints, thresholds).
 */
import type { APIWebhook } from '../discord/types.js';
import { assertNever } from '../errors.js';
import type { GuildDeclaration } from '../manifest/types.js';
import { channelBlockers, limitBlockers } from './blockers.js';
import type { LiveGuild } from '../live/live-state.js';
import { matchWebhooks, type MatchResult } from './match-webhooks.js';
import { permissionBlockers } from './permission-blockers.js';
import { classifyWebhook, slotKey, type Owner } from './ownership.js';
import type { Blocker, Change, DeleteChange, GuildThreshold, IgnoredWebhook, Warning } from './plan-types.js';
import { planCommandSync } from './slash-commands.js';
import { selectTargets } from './targets.js';
import { guildThreshold } from './thresholds.js';
import { adoptHints, changeWarnings, renameHints } from './warnings.js';
import { changeForMatch, createChange, deleteChange } from './webhook-changes.js';
import { orderReplacements, pairReplacements } from './replacements.js';
import { readAuditTrail, type AuditTrail, type WebhookOrigin } from './audit-trail.js';
import { attributeDrift, auditLogWarnings } from './drift.js';

export interface GuildPlan {
  changes: Change[];
  blockers: Blocker[];
  warnings: Warning[];
  ignored: IgnoredWebhook[];
  /** null when the guild could not be planned (not read). */
  threshold: GuildThreshold | null;
}

export function planGuild(guild: GuildDeclaration, live: LiveGuild, owner: Owner, targets: readonly string[]): GuildPlan {
  const trail = readAuditTrail(live.auditLog, live.webhooks, owner);
  const match = matchWebhooks(guild.id, guild.webhooks, live.webhooks, owner, originsOf(trail));
  const leftovers = splitLeftovers(guild, match, owner);
  const commands = planCommandSync(guild, live, owner.applicationId);
  const paired = pairReplacements(match.unmatched.map(createChange), leftovers.deletes);
  const ordered = orderReplacements(
    selectTargets(
      [
        ...match.matches.flatMap((m) => changeForMatch(m) ?? []),
        ...paired.creates,
        ...paired.replaces,
        ...paired.deletes,
        ...leftovers.twins,
        ...(commands.change === null ? [] : [commands.change]),
      ],
      targets,
    ),
    live,
  );
  const changes = attributeDrift(ordered, trail);
  const creates = changes.filter((c) => c.action === 'create');
  return {
    changes,
    blockers: [
      ...channelBlockers(guild, live),
      ...match.blockers,
      ...limitBlockers(guild, live, changes),
      ...permissionBlockers(guild, live, changes, owner.botId),
    ],
    warnings: [
      ...auditLogWarnings(guild.id, live.auditLog, changes),
      ...match.warnings,
      ...commands.warnings,
      ...renameHints(changes),
      ...adoptHints(creates, leftovers.unowned),
      ...changeWarnings(changes),
    ],
    ignored: leftovers.ignored,
    threshold: guildThreshold(guild, live, changes, owner),
  };
}

/** Where each drifted webhook came from, for the matcher's drift step. */
function originsOf(trail: AuditTrail): Map<string, WebhookOrigin> {
  const origins = new Map<string, WebhookOrigin>();
  for (const [webhookId, drift] of trail.drifted) if (drift.origin !== null) origins.set(webhookId, drift.origin);
  return origins;
}

interface Leftovers {
  deletes: DeleteChange[];
  /** Owned duplicates of a matched webhook (same channel and name), pruned apart from replacements. */
  twins: DeleteChange[];
  ignored: IgnoredWebhook[];
  /** Unclaimed webhooks the bot does not own (for adoption hints). */
  unowned: APIWebhook[];
}

/**
 * Unclaimed webhooks: managed ones are pruned (when the guild prunes); the rest are ignored.
 * An owned twin of a matched webhook (what two concurrent applies, or an interrupted one,
 * leave behind) is pruned as a duplicate, never shown as half of a replacement: the oldest
 * is the one every apply keeps.
 */
function splitLeftovers(guild: GuildDeclaration, match: MatchResult, owner: Owner): Leftovers {
  const leftovers: Leftovers = { deletes: [], twins: [], ignored: [], unowned: [] };
  if (match.unclaimed.length === 0) return leftovers; // a converged guild: no index of its matches to build
  const kept = new Map(match.matches.map((m) => [slotKey(m.declaration.channel, m.declaration.name), m.webhook.id]));
  for (const webhook of match.unclaimed) {
    const webhookClass = classifyWebhook(webhook, owner);
    const twinOf = kept.size === 0 ? undefined : kept.get(slotKey(webhook.channel_id ?? '', webhook.name ?? ''));
    if (webhookClass === 'managed' && twinOf !== undefined && guild.prune) {
      leftovers.twins.push({ ...deleteChange(guild.id, webhook), note: `duplicate of webhook ${twinOf} (same channel and name), which is kept` });
      continue;
    }
    if (webhookClass === 'managed' && guild.prune) {
      leftovers.deletes.push(deleteChange(guild.id, webhook));
      continue;
    }
    if (webhookClass !== 'managed') leftovers.unowned.push(webhook);
    leftovers.ignored.push({
      webhookId: webhook.id,
      guildId: guild.id,
      name: webhook.name,
      channelId: webhook.channel_id,
      class: webhookClass,
      reason: ignoredReason(webhookClass),
    });
  }
  return leftovers;
}

function ignoredReason(webhookClass: IgnoredWebhook['class']): string {
  switch (webhookClass) {
    case 'managed':
      return 'not declared; kept because the guild has prune: false';
    case 'foreign':
      return 'ignored (not owned): created by another user or app; pin it with id: to adopt it';
    case 'channel_follower':
      return 'channel-follower webhook (type 2): never touched';
    case 'application':
      return 'application webhook (type 3): never touched';
    default:
      return assertNever(webhookClass, 'webhook class');
  }
}

