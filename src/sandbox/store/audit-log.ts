/**
 * What the sandbox records for each webhook write, with the `X-Audit-Log-Reason` header
 * (URI-decoded). Action types are Discord's
 * (https://discord.com/developers/docs/resources/audit-log#audit-log-entry-object-audit-log-events).
 */
export const AuditLogEvent = {
  WEBHOOK_CREATE: 50,
  WEBHOOK_UPDATE: 51,
  WEBHOOK_DELETE: 52,
} as const;

export type AuditLogAction = keyof typeof AuditLogEvent;

/**
 * Every `action_type` Discord documents: a filter may name any of them (the sandbox records
 * only the webhook ones, so the others match nothing); anything else is ENUM_TYPE_COERCE.
 */
export const DOCUMENTED_AUDIT_LOG_EVENTS: ReadonlySet<number> = new Set([
  1, 10, 11, 12, 13, 14, 15, 20, 21, 22, 23, 24, 25, 26, 27, 28, 30, 31, 32, 40, 41, 42, 50, 51, 52, 60, 61, 62, 72, 73, 74, 75,
  80, 81, 82, 83, 84, 85, 90, 91, 92, 100, 101, 102, 110, 111, 112, 121, 130, 131, 132, 140, 141, 142, 143, 144, 145, 150, 151,
  163, 164, 165, 166, 167, 190, 191,
]);

export interface AuditLogChange {
  key: string;
  old_value?: unknown;
  new_value?: unknown;
}

export interface AuditLogEntry {
  id: string;
  action: AuditLogAction;
  action_type: number;
  guild_id: string;
  /** Who made the change: the bot's user id, or null for a webhook-token route (no auth). */
  user_id: string | null;
  target_id: string;
  reason: string | null;
  changes: AuditLogChange[];
  /** ISO 8601 time of the write. */
  time: string;
}

/** Decodes an `X-Audit-Log-Reason` header; Discord requires it URI-encoded. Malformed → raw text. */
export function decodeAuditReason(header: string | string[] | undefined): string | null {
  const raw = Array.isArray(header) ? header[0] : header;
  if (raw === undefined || raw === '') return null;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
