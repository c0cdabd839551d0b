/**
 * Who caused a drift, in words, for the text and Markdown views and `check`'s summary:
 * `changed in Discord by other-bot (1000…) at 2025-06-01T12:00:00.000Z; reason: "tidy up"`.
 */
import { AuditLogEvent } from '../../discord/types.js';
import type { Attribution, Change } from '../plan-types.js';

export function attributionText(attribution: Attribution): string {
  const what = attribution.actionType === AuditLogEvent.WEBHOOK_DELETE ? 'deleted' : 'changed';
  const reason = attribution.reason === null ? 'no reason given' : `reason: ${JSON.stringify(attribution.reason)}`;
  return `${what} in Discord by ${who(attribution)} at ${attribution.at}; ${reason}`;
}

/** The change's attribution as text, or null when it has none. */
export function changeAttributionText(change: Change): string | null {
  return 'attribution' in change && change.attribution !== undefined ? attributionText(change.attribution) : null;
}

function who(attribution: Attribution): string {
  if (attribution.userId === null) return "someone with the webhook's own token";
  return attribution.userName === null ? `user ${attribution.userId}` : `${attribution.userName} (${attribution.userId})`;
}
