import { QueueFullError } from '../dispatch-queue.js';
import {
  DISCORD_ACTION_DEADLINE_MS,
  deadline,
  errorMessage,
  type ActionContext,
  type ActionResult,
  type CommandEvent,
  type ResolvedAction,
} from './context.js';
import { allowedMentions, truncateContent } from './send-message.js';

/**
 * EXECUTE_WEBHOOK: post through a webhook the manifest declares — one the bot owns, or the
 * one the manifest pins by `id:`. Its token is looked up live (GET /guilds/{id}/webhooks,
 * cached briefly in memory) and never stored or logged. When there is none, the action
 * fails (logged, counted in cordform_webhook_unavailable_total) rather than borrow another.
 */
export async function executeDeclaredWebhook(
  ctx: ActionContext,
  event: CommandEvent,
  action: Extract<ResolvedAction, { type: 'EXECUTE_WEBHOOK' }>,
): Promise<ActionResult> {
  const detail = { webhook: action.webhook.name, channel_id: action.webhook.channel };
  const live = await ctx.directory.webhook(action.webhook, ctx.botUserId);
  if (!live) {
    ctx.metrics.webhooksUnavailable.inc({ reason: action.webhook.id === undefined ? 'not_created' : 'pinned_missing' });
    const error =
      action.webhook.id === undefined
        ? `no webhook "${action.webhook.name}" owned by the bot exists in channel ${action.webhook.channel} (run cordform apply to create it; webhooks of other bots or users are never used)`
        : `the webhook pinned by id ${action.webhook.id} does not exist or has no token`;
    return { outcome: 'error', detail: { ...detail, error } };
  }
  const content = action.content === undefined ? undefined : truncateContent(action.content);
  if (!content && !action.embeds?.length) return { outcome: 'nothing', detail: { ...detail, reason: 'empty message' } };
  const { signal, clear } = deadline(ctx, DISCORD_ACTION_DEADLINE_MS);
  try {
    await ctx.queue.run(
      `discord:webhook:${live.id}`,
      () =>
        ctx.api.executeWebhook(
          live.id,
          live.token,
          {
            ...(content ? { content } : {}),
            ...(action.username ? { username: action.username } : {}),
            ...(action.embeds?.length ? { embeds: action.embeds } : {}),
            allowed_mentions: allowedMentions(event.command),
          },
          { signal },
        ),
      signal,
    );
    return { outcome: 'ok', detail };
  } catch (error) {
    if (error instanceof QueueFullError) return { outcome: 'dropped', detail };
    // The webhook may have been deleted or its token reset: look it up again next time.
    ctx.directory.forgetWebhooks(action.webhook.guildId);
    return { outcome: 'error', detail: { ...detail, error: errorMessage(error) } };
  } finally {
    clear();
  }
}
