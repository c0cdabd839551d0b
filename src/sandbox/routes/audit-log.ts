import { majorParam, type ApiRoute, type RouteContext } from '../context.js';
import { FormErrors } from '../http/errors.js';
import { queryInteger, queryLimit, querySnowflake } from '../http/query.js';
import { DOCUMENTED_AUDIT_LOG_EVENTS, type AuditLogEntry } from '../store/audit-log.js';
import { Perm } from '../store/permissions.js';
import { toApiUser } from '../store/serialize.js';
import { compareSnowflakes } from '../store/snowflake.js';
import { requireGuild, requireGuildPermission } from './access.js';

/**
 * Get Guild Audit Log (https://discord.com/developers/docs/resources/audit-log#get-guild-audit-log):
 * VIEW_AUDIT_LOG (403 50013), filters `user_id`, `action_type`, `before`, `after` and `limit`
 * (1–100, default 50). Newest first; with `after`, oldest first. The answer has Discord's
 * top-level lists: the users and webhooks the returned entries name, the others empty.
 * Webhooks are shown without their tokens: an auditor is not a webhook manager.
 */
interface AuditQuery {
  userId: string | null;
  actionType: number | null;
  before: string | null;
  after: string | null;
  limit: number;
}

function auditQuery(query: URLSearchParams): AuditQuery {
  const errors = new FormErrors();
  const userId = querySnowflake(query, 'user_id', errors);
  const before = querySnowflake(query, 'before', errors);
  const after = querySnowflake(query, 'after', errors);
  const actionType = queryInteger(query, 'action_type', errors);
  if (actionType !== null && !DOCUMENTED_AUDIT_LOG_EVENTS.has(actionType)) {
    errors.add(['action_type'], { code: 'ENUM_TYPE_COERCE', message: `Value "${actionType}" is not a valid enum value.` });
  }
  const limit = queryLimit(query, errors, 100, 50);
  errors.throwIfAny();
  return { userId, actionType, before, after, limit };
}

function select(entries: AuditLogEntry[], guildId: string, query: AuditQuery): AuditLogEntry[] {
  const matching = entries.filter(
    (entry) =>
      entry.guild_id === guildId &&
      (query.userId === null || entry.user_id === query.userId) &&
      (query.actionType === null || entry.action_type === query.actionType) &&
      (query.before === null || compareSnowflakes(entry.id, query.before) < 0) &&
      (query.after === null || compareSnowflakes(entry.id, query.after) > 0),
  );
  matching.sort((a, b) => compareSnowflakes(a.id, b.id));
  return query.after !== null ? matching.slice(0, query.limit) : matching.slice(-query.limit).reverse();
}

function auditLog(ctx: RouteContext) {
  const bot = ctx.bot!;
  const guild = requireGuild(ctx.core, bot, ctx.params.guild_id!);
  requireGuildPermission(ctx.core, bot.id, guild.id, Perm.VIEW_AUDIT_LOG);
  const { state } = ctx.core;
  const entries = select(state.audit(), guild.id, auditQuery(ctx.request.query));
  const userIds = [...new Set(entries.map((entry) => entry.user_id).filter((id): id is string => id !== null))];
  const webhookIds = [...new Set(entries.map((entry) => entry.target_id))];
  return {
    application_commands: [],
    audit_log_entries: entries.map((entry) => ({
      id: entry.id,
      user_id: entry.user_id,
      target_id: entry.target_id,
      action_type: entry.action_type,
      ...(entry.changes.length > 0 ? { changes: entry.changes } : {}),
      ...(entry.reason !== null ? { reason: entry.reason } : {}),
    })),
    auto_moderation_rules: [],
    guild_scheduled_events: [],
    integrations: [],
    threads: [],
    users: userIds.flatMap((id) => {
      const user = state.world.users.get(id);
      return user ? [toApiUser(user)] : [];
    }),
    webhooks: webhookIds.flatMap((id) => {
      const webhook = state.webhooks.get(id);
      if (!webhook) return [];
      const { token: _token, creator_id: _creator, ...shown } = webhook;
      return [shown];
    }),
  };
}

export const auditLogRoutes: ApiRoute[] = [
  {
    method: 'GET',
    path: '/guilds/:guild_id/audit-logs',
    bucket: 'guild-audit-logs',
    auth: 'bot',
    major: majorParam('guild_id'),
    handle: (ctx) => ({ status: 200, body: auditLog(ctx) }),
  },
];
