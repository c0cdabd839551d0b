import type { APIEmbed } from '../discord/types.js';
import { assertNever } from '../errors.js';
import type { ActionDeclaration, ThirdPartyMessageAction } from '../manifest/types.js';
import {
  commandLane,
  errorMessage,
  type ActionContext,
  type ActionResult,
  type CommandEvent,
  type ResolvedAction,
} from './actions/context.js';
import { executeDeclaredWebhook } from './actions/execute-webhook.js';
import { postToTarget } from './actions/http-post.js';
import { sendChannelMessage } from './actions/send-message.js';
import { sendThirdPartyMessage } from './actions/third-party-message.js';
import { authorizeReplyAction, findDeclaredWebhook, referencedChannels, type Authorized, type ReplyAction } from './reply-actions.js';
import { renderTemplate, renderTemplateDeep } from './templates.js';

/**
 * Runs a matched command's actions in order. Each action's outcome is logged and counted;
 * a failing action never stops the ones after it, and nothing here throws.
 */
export async function runCommand(ctx: ActionContext, event: CommandEvent): Promise<void> {
  for (const [index, action] of event.command.actions.entries()) {
    const started = performance.now();
    let result: ActionResult;
    try {
      result = await runDeclaredAction(ctx, event, action);
    } catch (error) {
      result = { outcome: 'error', detail: { error: errorMessage(error) } };
    }
    record(ctx, event, action.type, result, { index, ms: Math.round(performance.now() - started) });
  }
}

async function runDeclaredAction(ctx: ActionContext, event: CommandEvent, action: ActionDeclaration): Promise<ActionResult> {
  if (action.type === 'HTTP_POST') {
    const posted = await postToTarget(ctx, event, action);
    if (!posted.reply) return posted;
    return runReply(ctx, event, posted.reply, posted);
  }
  const resolved = resolveDeclaredAction(event, action);
  if (!resolved.ok) return { outcome: 'refused', detail: { reason: resolved.reason } };
  return executeResolved(ctx, event, resolved.action);
}

/** Authorizes a reply against the manifest, runs it, and reports on the HTTP_POST. */
async function runReply(
  ctx: ActionContext,
  event: CommandEvent,
  reply: ReplyAction,
  posted: ActionResult,
): Promise<ActionResult> {
  const authorized = await authorizeReply(ctx, event, reply);
  if (!authorized.ok) {
    return { outcome: 'refused', detail: { ...posted.detail, reply: reply.action, reason: authorized.reason } };
  }
  record(ctx, event, reply.action, await executeSafely(ctx, event, authorized.action), { source: 'reply' });
  return posted;
}

/**
 * The scope rules of a reply (reply-actions.ts) for one invocation: channels of the
 * command's guild (looked up live), the guild's declared webhooks, the command's sinks.
 * Replies and later callbacks (callbacks/actions-endpoint.ts) go through exactly this.
 */
export async function authorizeReply(ctx: ActionContext, event: CommandEvent, reply: ReplyAction): Promise<Authorized> {
  const known = new Set<string>();
  for (const channelId of referencedChannels(reply)) {
    if (await ctx.directory.hasChannel(event.guild.id, channelId)) known.add(channelId);
  }
  return authorizeReplyAction(reply, {
    guild: event.guild,
    isGuildChannel: (id) => known.has(id),
    commandSinks: event.command.actions.filter(
      (action): action is ThirdPartyMessageAction => action.type === 'THIRD_PARTY_MESSAGE',
    ),
  });
}

/** Runs an authorized action; a throw becomes an `error` result. */
export async function executeSafely(ctx: ActionContext, event: CommandEvent, action: ResolvedAction): Promise<ActionResult> {
  try {
    return await executeResolved(ctx, event, action);
  } catch (error) {
    return { outcome: 'error', detail: { error: errorMessage(error) } };
  }
}

/** Renders a declared action's templates and resolves its webhook reference. */
function resolveDeclaredAction(
  event: CommandEvent,
  action: Exclude<ActionDeclaration, { type: 'HTTP_POST' }>,
): { ok: true; action: ResolvedAction } | { ok: false; reason: string } {
  const t = event.template;
  switch (action.type) {
    case 'SEND_MESSAGE_TO_CHANNEL':
      return {
        ok: true,
        action: { type: action.type, channelId: renderTemplate(action.channelId, t), message: renderTemplate(action.message, t) },
      };
    case 'SEND_EMBED_TO_CHANNEL':
      return {
        ok: true,
        action: {
          type: action.type,
          channelId: renderTemplate(action.channelId, t),
          embed: renderTemplateDeep(action.embed, t) as APIEmbed,
        },
      };
    case 'EXECUTE_WEBHOOK': {
      const found = findDeclaredWebhook(event.guild, action.webhook);
      if (!found.ok) return found;
      return {
        ok: true,
        action: {
          type: action.type,
          webhook: found.webhook,
          content: action.content === undefined ? undefined : renderTemplate(action.content, t),
          username: action.username === undefined ? undefined : renderTemplate(action.username, t),
          embeds: action.embeds === undefined ? undefined : (renderTemplateDeep(action.embeds, t) as APIEmbed[]),
        },
      };
    }
    case 'THIRD_PARTY_MESSAGE':
      return {
        ok: true,
        action: {
          type: action.type,
          url: action.url,
          token: action.token,
          timeoutMs: action.timeoutMs,
          userId: renderTemplate(action.userId, t),
          message: renderTemplateDeep(action.message, t),
        },
      };
    default:
      return assertNever(action, 'action');
  }
}

async function executeResolved(ctx: ActionContext, event: CommandEvent, action: ResolvedAction): Promise<ActionResult> {
  switch (action.type) {
    case 'SEND_MESSAGE_TO_CHANNEL':
    case 'SEND_EMBED_TO_CHANNEL':
      return sendChannelMessage(ctx, event, action);
    case 'EXECUTE_WEBHOOK':
      return executeDeclaredWebhook(ctx, event, action);
    case 'THIRD_PARTY_MESSAGE':
      return sendThirdPartyMessage(ctx, action, commandLane(event));
    default:
      return assertNever(action, 'action');
  }
}

/** Counts an action's outcome and logs it (failures always, successes at debug). */
export function record(
  ctx: ActionContext,
  event: CommandEvent,
  action: string,
  result: ActionResult,
  extra: Record<string, unknown>,
): void {
  ctx.metrics.actions.inc({ action, outcome: result.outcome });
  if (result.outcome === 'dropped') ctx.metrics.eventsDropped.inc({ reason: 'queue_full' });
  const ok = result.outcome === 'ok' || result.outcome === 'nothing';
  const fields = {
    guild_id: event.guild.id,
    command: event.command.name,
    message_id: event.message.id,
    action,
    outcome: result.outcome,
    ...extra,
    ...result.detail,
  };
  // Successes are counted in cordform_actions_total; a line each at 500 events/s would be
  // most of the runtime's CPU (see BENCHMARKS.md), so they log at debug. Failures always log.
  if (ok) ctx.logger.debug(fields, 'action done');
  else ctx.logger.warn(fields, 'action failed');
}
