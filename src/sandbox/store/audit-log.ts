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
