import { request, type Dispatcher } from 'undici';
import type { HeaderBag } from './rate-limit/rate-limit-headers.js';
import { errorCode } from './retry.js';

/**
 * One HTTP attempt over undici, with a hard per-attempt deadline. undici's own
 * `headersTimeout`/`bodyTimeout` (300 s by default — not deadlines) are set to the same
 * value as a second line; the AbortController is what bounds the whole attempt, and it also
 * follows the caller's signal and the client's "stop everything" signal (after a 401).
 * Never throws: every outcome is a value the retry policy can look at.
 */
export type AttemptResult =
  | { kind: 'response'; status: number; headers: HeaderBag; text: string; tooLarge: boolean }
  | { kind: 'failed'; reason: 'timeout' | 'network' | 'aborted' | 'fatal'; error: unknown };

export interface AttemptRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  dispatcher: Dispatcher;
  timeoutMs: number;
  maxResponseBytes: number;
  /** The caller's signal: aborts with reason 'aborted'. */
  signal: AbortSignal | undefined;
  /** The client's stop signal: aborts with reason 'fatal'. */
  stop: AbortSignal;
}

export async function sendAttempt(attempt: AttemptRequest): Promise<AttemptResult> {
  const controller = new AbortController();
  let reason: 'timeout' | 'aborted' | 'fatal' | undefined;
  const abortWith = (why: 'timeout' | 'aborted' | 'fatal') => () => {
    reason ??= why;
    controller.abort();
  };
  const onCaller = abortWith('aborted');
  const onStop = abortWith('fatal');
  const timer = setTimeout(abortWith('timeout'), attempt.timeoutMs);
  attempt.signal?.addEventListener('abort', onCaller, { once: true });
  attempt.stop.addEventListener('abort', onStop, { once: true });
  if (attempt.signal?.aborted) onCaller();
  if (attempt.stop.aborted) onStop();
  try {
    const response = await request(attempt.url, {
      method: attempt.method as Dispatcher.HttpMethod,
      headers: attempt.headers,
      body: attempt.body,
      dispatcher: attempt.dispatcher,
      signal: controller.signal,
      headersTimeout: attempt.timeoutMs,
      bodyTimeout: attempt.timeoutMs,
    });
    const { text, tooLarge } = await readCapped(response.body, attempt.maxResponseBytes);
    return { kind: 'response', status: response.statusCode, headers: response.headers, text, tooLarge };
  } catch (error) {
    const code = errorCode(error);
    const timedOut = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
    return { kind: 'failed', reason: reason ?? (timedOut ? 'timeout' : 'network'), error };
  } finally {
    clearTimeout(timer);
    attempt.signal?.removeEventListener('abort', onCaller);
    attempt.stop.removeEventListener('abort', onStop);
  }
}

/** Reads the body up to `maxBytes`; past that, drops the connection. */
async function readCapped(
  body: AsyncIterable<Buffer> & { destroy(error?: Error): unknown },
  maxBytes: number,
): Promise<{ text: string; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      return { text: '', tooLarge: true };
    }
    chunks.push(chunk);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), tooLarge: false };
}
