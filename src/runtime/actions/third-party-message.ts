import { setTimeout as sleep } from 'node:timers/promises';
import { userAgent } from '../../version.js';
import { codeLabel } from '../metrics.js';
import { QueueFullError } from '../dispatch-queue.js';
import { OutboundHttpError, failureOutcome, type OutboundResponse } from '../outbound-http.js';
import { errorMessage, withDeadline, type ActionContext, type ActionResult, type ResolvedAction } from './context.js';
import { targetKey } from './http-post.js';

/**
 * THIRD_PARTY_MESSAGE, after ../shared/seeds/third-party-outgoing-message.txt: POST
 * `{userId, message}` with `Authorization: Bearer TOKEN`; the answer is
 * `{code, result: {message, cid, count, total}}` and only 2xx with `code: 0` is success.
 * Connection errors, 429 (honouring Retry-After) and 5xx are retried with exponential
 * backoff and full jitter, within a bounded number of attempts and total time. A timeout
 * is not retried: the sink may have delivered the message already.
 */
type ThirdPartyAction = Extract<ResolvedAction, { type: 'THIRD_PARTY_MESSAGE' }>;

type Attempt =
  | { done: true; result: ActionResult }
  | { done: false; result: ActionResult; retryAfterMs?: number };

/** `lane` is the invoking command's (commandLane): its queue share. */
export async function sendThirdPartyMessage(ctx: ActionContext, action: ThirdPartyAction, lane: string): Promise<ActionResult> {
  const { attempts, budgetMs } = ctx.retry;
  const giveUpAt = Date.now() + budgetMs;
  const body = JSON.stringify({ userId: action.userId, message: action.message });
  let last: ActionResult = { outcome: 'error' };
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    const remaining = giveUpAt - Date.now();
    if (remaining <= 0) break;
    const step = await attemptOnce(ctx, action, lane, body, Math.min(action.timeoutMs, remaining));
    last = { ...step.result, detail: { ...step.result.detail, attempts: attempt } };
    if (step.done || attempt === attempts) break;
    const wait = step.retryAfterMs ?? backoff(ctx, attempt);
    if (Date.now() + wait >= giveUpAt) break;
    try {
      await sleep(wait, undefined, { signal: ctx.hardStop });
    } catch {
      break;
    }
  }
  if (last.outcome !== 'ok') ctx.metrics.thirdPartyCodes.inc({ code: codeLabel(last.detail?.code) });
  return last;
}

function attemptOnce(ctx: ActionContext, action: ThirdPartyAction, lane: string, body: string, timeoutMs: number): Promise<Attempt> {
  return withDeadline(ctx, timeoutMs, (signal) => attemptWithin(ctx, action, { lane, body, timeoutMs, signal }));
}

async function attemptWithin(
  ctx: ActionContext,
  action: ThirdPartyAction,
  request: { lane: string; body: string; timeoutMs: number; signal: AbortSignal },
): Promise<Attempt> {
  const { lane, body, timeoutMs, signal } = request;
  const target = targetKey(action.url);
  let response: OutboundResponse;
  try {
    response = await ctx.queue.run(
      lane,
      () =>
        ctx.http.post({
          url: action.url,
          timeoutMs,
          signal,
          body,
          headers: {
            authorization: `Bearer ${action.token}`,
            accept: 'application/json',
            'content-type': 'application/json',
            'user-agent': userAgent(ctx.node),
          },
        }),
      signal,
    );
  } catch (error) {
    if (error instanceof QueueFullError) return { done: true, result: { outcome: 'dropped', detail: { target } } };
    if (error instanceof OutboundHttpError && error.kind === 'connection') {
      return { done: false, result: { outcome: 'error', detail: { target, error: error.message } } };
    }
    const outcome = error instanceof OutboundHttpError ? failureOutcome(error.kind) : 'timeout';
    return { done: true, result: { outcome, detail: { target, error: errorMessage(error) } } };
  }
  const status = response.status;
  if (status === 429 || status >= 500) {
    return {
      done: false,
      result: { outcome: 'http_error', detail: { target, status } },
      retryAfterMs: status === 429 ? retryAfterMs(response.headers['retry-after']) : undefined,
    };
  }
  if (status < 200 || status > 299) return { done: true, result: { outcome: 'http_error', detail: { target, status } } };
  const code = answerCode(response.body);
  if (code === 0) return { done: true, result: { outcome: 'ok', detail: { target, status, code } } };
  return { done: true, result: { outcome: 'rejected', detail: { target, status, code: code ?? null } } };
}

/** The `code` of a `{code, result}` answer; undefined when the body is not one. */
function answerCode(body: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed !== null && typeof parsed === 'object' && 'code' in parsed && typeof parsed.code === 'number') return parsed.code;
  } catch {
    // not JSON: no code
  }
  return undefined;
}

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3), in ms; undefined when absent. */
function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Full jitter: uniform in [0, min(max, base·2^(attempt-1))]. */
function backoff(ctx: Pick<ActionContext, 'retry' | 'random'>, attempt: number): number {
  const cap = Math.min(ctx.retry.maxDelayMs, ctx.retry.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ctx.random() * cap);
}
