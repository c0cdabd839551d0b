import type { LiveAuditLog } from './live-state.js';
import type { DiscordApi } from '../discord/api.js';
import { DiscordApiError } from '../discord/discord-api-error.js';
import type { APIUser } from '../discord/types.js';
import type { ReadLiveStateOptions } from './read-live-state.js';

/**
 * Discord returns at most 100 entries a page; one page per event is what a plan reads, so
 * the trail of a webhook changed more often than that in a guild ends early (and is not
 * used beyond what agrees with live state).
 */
const PAGE = 100;

/**
 * The webhook entries of each given guild's audit log: one `GET /guilds/{id}/audit-logs`
 * per event (Discord filters on one `action_type` per request), all at once. A guild where
 * the bot lacks VIEW_AUDIT_LOG (403 50013) is `{readable: false}`, not an error: the plan
 * goes on without attribution and says so. Any other failure is the read's error.
 * https://discord.com/developers/docs/resources/audit-log#get-guild-audit-log
 */
export async function readWebhookAuditLogs(
  reads: ReadonlyMap<string, readonly number[]>,
  api: DiscordApi,
  options: ReadLiveStateOptions = {},
): Promise<Map<string, LiveAuditLog>> {
  const read = { signal: options.signal };
  const logs = await Promise.all(
    [...reads].map(async ([guildId, events]): Promise<[string, LiveAuditLog]> => {
      const pages = await Promise.allSettled(events.map((event) => api.getGuildAuditLog(guildId, { action_type: event, limit: PAGE }, read)));
      const failure = pages.find((page) => page.status === 'rejected');
      if (failure !== undefined) {
        if (isMissingPermissions(failure.reason)) return [guildId, { readable: false }];
        throw failure.reason;
      }
      const answers = pages.flatMap((page) => (page.status === 'fulfilled' ? [page.value] : []));
      const users = new Map<string, APIUser>();
      for (const user of answers.flatMap((answer) => answer.users)) users.set(user.id, user);
      return [guildId, { readable: true, entries: answers.flatMap((answer) => answer.audit_log_entries), users: [...users.values()] }];
    }),
  );
  return new Map(logs);
}

function isMissingPermissions(error: unknown): boolean {
  return error instanceof DiscordApiError && error.status === 403 && error.discordCode === 50013;
}
