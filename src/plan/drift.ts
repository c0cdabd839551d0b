/**
 * Drift: a managed webhook changed or deleted by someone other than this bot. The planner
 * says who did it (from the guild's audit log, see audit-trail.ts) under the change that
 * undoes it, and warns once per guild when the bot may not read that log.
 */
import { assertNever } from '../errors.js';
import { AuditLogEvent } from '../discord/types.js';
import type { AuditTrail } from './audit-trail.js';
import { slotKey } from './ownership.js';
import type { LiveAuditLog } from '../live/live-state.js';
import type { Change, Plan, Warning } from './plan-types.js';

/**
 * The audit log events a guild's plan needs read, by guild: updates where the plan changes or
 * deletes a webhook the bot owns (someone may have renamed or moved it), deletes where it
 * creates one (someone may have deleted it). None for a plan without such changes, so a
 * converged plan reads no audit log. Creates (50) are not read: a webhook the bot owns was
 * created by the bot.
 */
export function auditLogReads(plan: Pick<Plan, 'changes'>): Map<string, number[]> {
  const reads = new Map<string, Set<number>>();
  const need = (guildId: string, event: number) => reads.set(guildId, (reads.get(guildId) ?? new Set()).add(event));
  for (const change of plan.changes) {
    const event = eventToRead(change);
    if (event !== null) need(change.guildId, event);
  }
  return new Map([...reads].map(([guildId, events]) => [guildId, [...events].sort((a, b) => a - b)]));
}

function eventToRead(change: Change): number | null {
  switch (change.action) {
    case 'create':
      return AuditLogEvent.WEBHOOK_DELETE;
    case 'update':
    case 'move':
    case 'delete':
    case 'replace':
      return change.ownership === 'managed' ? AuditLogEvent.WEBHOOK_UPDATE : null;
    case 'adopt':
    case 'sync_commands':
      return null;
    default:
      return assertNever(change, 'change');
  }
}

/** A managed webhook deleted while another is created: the audit log could pair them. */
function couldBeRenamedBack(changes: readonly Change[]): boolean {
  const deletes = changes.some((c) => (c.action === 'delete' || c.action === 'replace') && c.ownership === 'managed');
  return deletes && changes.some((c) => c.action === 'create' || c.action === 'replace');
}

/** The changes, each with `attribution` where the audit log shows who caused it. */
export function attributeDrift(changes: readonly Change[], trail: AuditTrail): Change[] {
  if (trail.drifted.size === 0 && trail.deleted.size === 0) return [...changes];
  return changes.map((change) => {
    const attribution = attributionFor(change, trail);
    return attribution === undefined ? change : { ...change, attribution };
  });
}

function attributionFor(change: Change, trail: AuditTrail) {
  switch (change.action) {
    case 'create':
      return trail.deleted.get(slotKey(change.channelId, change.name));
    case 'update':
    case 'move': {
      // Only when that write touched what the plan changes back: a manifest edit is not drift.
      const drift = trail.drifted.get(change.webhookId);
      return drift?.changed.some((field) => field in change.fields) ? drift.attribution : undefined;
    }
    case 'delete':
    case 'replace':
      return trail.drifted.get(change.webhookId)?.attribution;
    case 'adopt':
    case 'sync_commands':
      return undefined;
    default:
      return assertNever(change, 'change');
  }
}

/**
 * Once per guild whose audit log Discord refused, where the log could have changed what apply
 * does: the plan deletes a webhook the bot owns and creates one, which is what a webhook
 * renamed in Discord looks like. Elsewhere only the attribution is missing and the plan is the
 * same with or without the log, so a bot without View Audit Log does not get a warning on
 * every plan that adds or edits a webhook.
 */
export function auditLogWarnings(guildId: string, log: LiveAuditLog | null | undefined, changes: readonly Change[]): Warning[] {
  if (log === undefined || log === null || log.readable || !couldBeRenamedBack(changes)) return [];
  return [
    {
      code: 'audit_log_unreadable',
      message:
        `cannot read the audit log of guild ${guildId}: the bot lacks View Audit Log there (Discord answered 403 50013). ` +
        'Drift is shown without who made it, and a webhook renamed in Discord is replaced instead of renamed back. ' +
        'Give one of the bot\'s roles "View Audit Log" to see who changed what and to keep the URL of a renamed webhook.',
      guildId,
    },
  ];
}
