import { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import type { AbortFanout } from './abort-fanout.js';
import type { HeaderBag } from './rate-limit/rate-limit-headers.js';
import { errorCode } from './retry.js';

/**
 * One HTTP attempt over undici, with a hard per-attempt deadline. undici's own
 * `headersTimeout`/`bodyTimeout` (300 s by default — not deadlines) are set to the same
 * value as a second line; the attempt's own abort is what bounds the whole attempt, and it
 * also follows the caller's signal and the client's "stop everything" (after a 401).
 * Never throws: every outcome is a value the retry policy can look at.
 */
export type AttemptResult =
  | { kind: 'response'; status: number; headers: HeaderBag; body: ParsedBody; tooLarge: boolean }
  | { kind: 'failed'; reason: 'timeout' | 'network' | 'aborted' | 'fatal'; error: unknown };

/** The body as JSON (an empty body is `undefined`), or not JSON at all. */
export type ParsedBody = { ok: true; value: unknown } | { ok: false };

export interface AttemptRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  dispatcher: Dispatcher;
  timeoutMs: number;
  maxResponseBytes: number;
  /** The caller's signal: aborts with reason 'aborted'. */
  signal: AbortFanout | undefined;
  /** The client's stop: aborts with reason 'fatal'. */
  stop: AbortFanout;
}

export async function sendAttempt(attempt: AttemptRequest): Promise<AttemptResult> {
  // undici takes an EventEmitter with `aborted` as a request's signal; an AbortController
  // per attempt cost several times as much CPU, which 1000 guild reads in one plan feel.
  const abort = Object.assign(new EventEmitter(), { aborted: false });
  let reason: 'timeout' | 'aborted' | 'fatal' | undefined;
  const abortWith = (why: 'timeout' | 'aborted' | 'fatal') => () => {
    reason ??= why;
    if (abort.aborted) return;
    abort.aborted = true;
    abort.emit('abort');
  };
  const timer = setTimeout(abortWith('timeout'), attempt.timeoutMs);
  const unsubscribe = [attempt.signal?.subscribe(abortWith('aborted')), attempt.stop.subscribe(abortWith('fatal'))];
  if (attempt.signal?.aborted) abortWith('aborted')();
  if (attempt.stop.aborted) abortWith('fatal')();
  try {
    const response = await request(attempt.url, {
      method: attempt.method as Dispatcher.HttpMethod,
      headers: attempt.headers,
      body: attempt.body,
      dispatcher: attempt.dispatcher,
      signal: abort,
      headersTimeout: attempt.timeoutMs,
      bodyTimeout: attempt.timeoutMs,
    });
    const { body, tooLarge } = await readBody(response, attempt.maxResponseBytes);
    return { kind: 'response', status: response.statusCode, headers: response.headers, body, tooLarge };
  } catch (error) {
    const code = errorCode(error);
    const timedOut = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
    return { kind: 'failed', reason: reason ?? (timedOut ? 'timeout' : 'network'), error };
  } finally {
    clearTimeout(timer);
    for (const stopListening of unsubscribe) stopListening?.();
  }
}

type Response = Dispatcher.ResponseData;

/**
 * With a declared length (the sandbox's answers, and Discord's usual ones), undici's own JSON
 * reader, which hands the bytes over without the stream's events and parses at once; a body
 * longer than allowed is not read at all. Without one, chunks as they come, capped.
 */
async function readBody(response: Response, maxBytes: number): Promise<{ body: ParsedBody; tooLarge: boolean }> {
  const declared = declaredLength(response.headers['content-length']);
  if (declared === undefined) return readCapped(response.body, maxBytes);
  if (declared > maxBytes) {
    response.body.destroy();
    return { body: { ok: false }, tooLarge: true };
  }
  if (declared === 0) {
    await response.body.dump();
    return { body: { ok: true, value: undefined }, tooLarge: false };
  }
  try {
    return { body: { ok: true, value: (await response.body.json()) as unknown }, tooLarge: false };
  } catch (error) {
    // Cut or garbled JSON is an answer we cannot read; a dropped connection is a failed attempt.
    if (error instanceof SyntaxError) return { body: { ok: false }, tooLarge: false };
    throw error;
  }
}

function declaredLength(header: string | string[] | undefined): number | undefined {
  if (typeof header !== 'string' || !/^\d+$/.test(header)) return undefined;
  return Number(header);
}

/**
 * Reads the body up to `maxBytes` (past that, drops the connection) and parses it as JSON
 * the moment it ends. Both choices are for 1000-guild plans: listening for chunks instead of
 * iterating the stream saves a promise per chunk, and a 60 KB body string parsed later, in a
 * promise continuation, outlived young-generation collections and was copied by them.
 */
function readCapped(body: Readable, maxBytes: number): Promise<{ body: ParsedBody; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (outcome: { body: ParsedBody; tooLarge: boolean } | Error) => {
      if (settled) return;
      settled = true;
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      body.off('data', onData);
      body.destroy();
      settle({ body: { ok: false }, tooLarge: true });
    };
    body.on('data', onData);
    body.once('end', () => settle({ body: parseJson(Buffer.concat(chunks, size).toString('utf8')), tooLarge: false }));
    body.once('error', settle);
    // Closed without an end or an error (destroyed): never leave the attempt waiting. (The
    // error is made only then: a stack trace per response was a fifth of a request's CPU.)
    body.once('close', () => settled || settle(new Error('response body closed before its end')));
  });
}

export function parseJson(text: string): ParsedBody {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}
