/**
 * Reading live state and planning: the I/O around the pure planner, shared by every command
 * and the programmatic API. Nothing here prints or exits.
 */
import type { DiscordApi } from '../discord/api.js';
import { readLiveState, readPermissionFacts } from '../live/read-live-state.js';
import { readWebhookAuditLogs } from '../live/read-audit-log.js';
import { CordformError } from '../errors.js';
import type { Manifest } from '../manifest/types.js';
import { auditLogReads, buildPlan, type LiveAuditLog, type Change, type LiveState, type Plan, type PlanOptions } from '../plan/index.js';
import { selectTargets, unknownTargets } from '../plan/targets.js';
import type { Redactor } from '../redact.js';

export interface ComputedPlan {
  plan: Plan;
  live: LiveState;
}

export interface ComputePlanOptions extends PlanOptions {
  signal?: AbortSignal;
  redactor?: Redactor;
}

/**
 * Reads live state and builds the plan, in two phases so that a converged plan costs
 * guilds + 1 requests: (1) `GET /users/@me` + one webhook list per guild, then a first plan;
 * (2) only for guilds where that plan writes webhooks, the permission facts (guild roles and
 * owner, the bot's member, the channels' overwrites) and, where its changes could be drift,
 * the webhook entries of the audit log; then the final plan — with `missing_permissions`
 * blockers where the bot could not make the writes, who made each drift, and webhooks
 * someone renamed in Discord renamed back. Both plans come from the pure planner; only this
 * function does I/O.
 *
 * A `--target` that names neither a change nor a declaration is refused (`unknown_target`,
 * with the nearest keys): a typo must not read as "No changes".
 */
export async function computePlan(manifest: Manifest, api: DiscordApi, options: ComputePlanOptions = {}): Promise<ComputedPlan> {
  const read = options.signal ? { signal: options.signal } : {};
  const targets = options.targets ?? [];
  const live = await readLiveState(manifest, api, read);
  if (options.redactor) registerLiveSecrets(live, options.redactor);
  // The whole first plan answers both whether every target names something and, narrowed
  // to the targets, which guilds need the second reads.
  const first = buildPlan(manifest, live, {});
  if (targets.length > 0) refuseUnknownTargets(targets, manifest, first);
  const selected = { changes: selectTargets(first.changes, targets) };
  const writing = guildsWithWebhookWrites(selected.changes);
  if (writing.size === 0) return { plan: targets.length === 0 ? first : buildPlan(manifest, live, { targets }), live };
  const [withPermissions, auditLogs] = await Promise.all([
    readPermissionFacts(live, writing, api, read),
    readWebhookAuditLogs(auditLogReads(selected), api, read),
  ]);
  const complete = withAuditLogs(withPermissions, auditLogs);
  return { plan: buildPlan(manifest, complete, { targets }), live: complete };
}

function withAuditLogs(live: LiveState, logs: ReadonlyMap<string, LiveAuditLog>): LiveState {
  if (logs.size === 0) return live;
  return { ...live, guilds: live.guilds.map((guild) => (logs.has(guild.guildId) ? { ...guild, auditLog: logs.get(guild.guildId)! } : guild)) };
}

function refuseUnknownTargets(targets: readonly string[], manifest: Manifest, fullPlan: Plan): void {
  const unknown = unknownTargets(targets, manifest, fullPlan);
  if (unknown.length === 0) return;
  const lines = unknown.map(({ target, nearest }) =>
    nearest.length === 0 ? `"${target}" (the manifest declares nothing to target)` : `"${target}" — nearest: ${nearest.map((key) => `"${key}"`).join(', ')}`,
  );
  throw new CordformError(
    'unknown_target',
    `--target matches no change and no declaration: ${lines.join('; ')}. A target is a webhook key (GUILD/CHANNEL/NAME), a webhook name, or GUILD/commands; nothing was changed`,
    { details: { targets: unknown } },
  );
}

/** Guilds where the plan creates, updates, moves, adopts, replaces or deletes a webhook. */
function guildsWithWebhookWrites(changes: readonly Change[]): Set<string> {
  return new Set(changes.filter((change) => change.action !== 'sync_commands').map((change) => change.guildId));
}

/** Webhook tokens come back in list responses; none of them may reach any output. */
export function registerLiveSecrets(live: LiveState, redactor: Redactor): void {
  for (const guild of live.guilds) for (const webhook of guild.webhooks) redactor.add(webhook.token);
}
