import type { HttpPostAction } from '../../manifest/types.js';
import { userAgent } from '../../version.js';
import { QueueFullError } from '../dispatch-queue.js';
import { OutboundHttpError, failureOutcome } from '../outbound-http.js';
import { parseReplyAction, type ReplyAction } from '../reply-actions.js';
import { signatureHeaders } from '../signing.js';
import { commandLane, errorMessage, withDeadline, type ActionContext, type ActionResult, type CommandEvent } from './context.js';

/**
 * HTTP_POST, after CloudCord's contract (../shared/seeds/cloudcord-http-post-action.md):
 * POST the triggering payload with the X-CloudCord-* headers; 204 or an empty body means
 * nothing to do; a 2xx body is an action object to validate. Past the deadline the request
 * is aborted and the reply dismissed. No failure here is ever thrown to the caller.
 */
export interface HttpPostResult extends ActionResult {
  /** A valid reply action, not yet authorized. */
  reply?: ReplyAction;
}

function httpPostHeaders(
  ctx: Pick<ActionContext, 'botUserId' | 'publicUrl' | 'node'>,
  event: Pick<CommandEvent, 'command'>,
  action: Pick<HttpPostAction, 'headers' | 'signingSecret'>,
  delivery: { id: string; body: string; timestamp: number; callbackToken: string },
): Record<string, string> {
  return {
    ...action.headers,
    'x-cloudcord-botid': ctx.botUserId,
    'x-cloudcord-emitter': `command:${event.command.name}`,
    'x-cloudcord-apibase': ctx.publicUrl,
    'x-cordform-callback-token': delivery.callbackToken,
    'x-cloudcord-node': ctx.node,
    'user-agent': userAgent(ctx.node),
    'content-type': 'application/json',
    ...(action.signingSecret
      ? signatureHeaders({ id: delivery.id, timestamp: delivery.timestamp, body: delivery.body, secret: action.signingSecret })
      : {}),
  };
}

export async function postToTarget(ctx: ActionContext, event: CommandEvent, action: HttpPostAction): Promise<HttpPostResult> {
  const body = JSON.stringify(event.message);
  const headers = httpPostHeaders(ctx, event, action, {
    id: event.message.id,
    body,
    timestamp: Math.floor(Date.now() / 1000),
    callbackToken: ctx.callbackTokens.mint({ guildId: event.guild.id, command: event.command.name, sourceId: event.message.id }),
  });
  const started = performance.now();
  const lane = commandLane(event);
  const result = await withDeadline(ctx, action.timeoutMs, (signal) => send(ctx, action, lane, { body, headers, signal }));
  ctx.metrics.httpPostDuration.observe({ outcome: result.outcome }, (performance.now() - started) / 1000);
  return result;
}

async function send(
  ctx: ActionContext,
  action: HttpPostAction,
  lane: string,
  request: { body: string; headers: Record<string, string>; signal: AbortSignal },
): Promise<HttpPostResult> {
  const target = targetKey(action.url);
  let response;
  try {
    response = await ctx.queue.run(
      lane,
      () => ctx.http.post({ url: action.url, timeoutMs: action.timeoutMs, ...request }),
      request.signal,
    );
  } catch (error) {
    if (error instanceof QueueFullError) return { outcome: 'dropped', detail: { target } };
    if (error instanceof OutboundHttpError) {
      return { outcome: failureOutcome(error.kind), detail: { target, error: error.message } };
    }
    if (request.signal.aborted) return { outcome: 'timeout', detail: { target, error: 'deadline exceeded while queued' } };
    return { outcome: 'error', detail: { target, error: errorMessage(error) } };
  }
  const detail = { target, status: response.status };
  if (response.status < 200 || response.status > 299) return { outcome: 'http_error', detail };
  if (response.status === 204 || response.body.trim() === '') return { outcome: 'nothing', detail };
  const parsed = parseReplyAction(response.body);
  if (!parsed.ok) return { outcome: 'invalid_reply', detail: { ...detail, reason: parsed.reason, errors: parsed.errors } };
  return { outcome: 'ok', detail: { ...detail, reply: parsed.reply.action }, reply: parsed.reply };
}

/** A target as logged: its origin (never credentials or path). */
export function targetKey(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'invalid-url';
  }
}
