import { Agent, type Dispatcher } from 'undici';
import { CordformError } from '../errors.js';
import { Redactor } from '../redact.js';
import { VERSION } from '../version.js';
import { hostAndPort, isHttpUrl } from './api-base.js';
import {
  DiscordApiError,
  DiscordNetworkError,
  DiscordRequestNotSent,
  DiscordRequestOutcomeUnknown,
  flattenDiscordErrors,
} from './discord-api-error.js';
import { AbortFanout } from './abort-fanout.js';
import { sendAttempt, type AttemptResult } from './http-attempt.js';
import { parseRateLimitInfo } from './rate-limit/rate-limit-headers.js';
import { describeRoute, type HttpMethod, type RouteInfo } from './rate-limit/route-key.js';
import { RateLimitScheduler, type Permit } from './rate-limit/scheduler.js';
import {
  backoffDelay,
  classifyNetworkError,
  DEFAULT_BACKOFF,
  errorCode,
  isIdempotent,
  isRetryableStatus,
  type BackoffOptions,
} from './retry.js';

/**
 * The request engine under the Discord REST client: real HTTP over undici, Discord's
 * rate-limit buckets, retries and per-attempt timeouts. See rate-limit/scheduler.ts for when
 * requests go out, retry.ts for what is retried, discord-api-error.ts for what is thrown.
 * rest-client.ts adds one method per Discord endpoint on top.
 */
export interface ResponseInfo {
  method: HttpMethod;
  /** Path with webhook/interaction tokens replaced by `:token`. */
  route: string;
  /** Bucket hash (or route template while unknown) and major parameter, tokens masked. */
  bucketKey: string;
  /** HTTP status; 0 when the attempt got no answer (reset, timeout, refused). */
  status: number;
  /** 1 for the first attempt of a request. */
  attempt: number;
  durationMs: number;
  rateLimited: boolean;
}

export interface DiscordRestClientOptions {
  /** e.g. `https://discord.com/api/v10` or `http://127.0.0.1:PORT/api/v10`. */
  apiBase: string;
  /** Bot token, sent as `Authorization: Bot …`; never logged or put into errors. */
  token?: string;
  /** undici dispatcher; by default a keep-alive Agent owned (and closed) by this client. */
  dispatcher?: Dispatcher;
  userAgent?: string;
  /** Per attempt, headers and body included. Default 15000. */
  timeoutMs?: number;
  /** Retries for retryable failures (5xx, resets, timeouts); 429s do not count. Default 3. */
  maxRetries?: number;
  /** Proactive global limit for bot-authenticated requests. Default 50 (Discord's). */
  globalLimitPerSecond?: number;
  onResponse?: (info: ResponseInfo) => void;
  /** Backoff between retries (full jitter). Default 250 ms base, 10 s cap. */
  backoff?: Partial<BackoffOptions>;
  /** 429 answers tolerated per request before giving up. Default 10. */
  max429Retries?: number;
  /** Larger response bodies are refused. Default 8 MiB. */
  maxResponseBytes?: number;
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string>;
  /** Sent as X-Audit-Log-Reason, URI-encoded. */
  reason?: string;
  signal?: AbortSignal;
  /**
   * When this fires, no further attempt of the request goes out (one in flight finishes);
   * the request then fails with DiscordRequestNotSent. An interrupted apply uses it to stop
   * starting writes while letting the ones on the wire end.
   */
  stopSending?: AbortSignal;
}

export interface RestClientStats {
  /** Attempts sent (retries included). */
  requests: number;
  responses429: number;
  /** Attempts that repeated an earlier one, for any cause (429s included). */
  retries: number;
}

export const DEFAULT_USER_AGENT = `DiscordBot (https://github.com/cordform/cordform, ${VERSION}) cordform`;

type Decision<T> = { kind: 'done'; value: T } | { kind: 'retry'; delayMs: number; counts: boolean } | { kind: 'throw'; error: unknown };

interface RequestContext {
  route: RouteInfo;
  redact: (text: string) => string;
  retries: number;
  rateLimited: number;
  attempt: number;
  /** Some attempt got no clear answer (5xx, timeout, reset): Discord may have applied it. */
  maybeApplied: boolean;
}

export class RestEngine {
  private readonly apiBase: string;
  /** `host:port`, named in connection errors. */
  private readonly host: string;
  private readonly token: string | undefined;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly userAgent: string;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly max429Retries: number;
  private readonly maxResponseBytes: number;
  private readonly backoff: BackoffOptions;
  private readonly onResponse: ((info: ResponseInfo) => void) | undefined;
  private readonly scheduler: RateLimitScheduler;
  private readonly stopAll = new AbortFanout();
  private fatal: DiscordApiError | undefined;
  private nextSeq = 0;
  private readonly fanouts = new WeakMap<AbortSignal, AbortFanout>();
  private readonly counters: RestClientStats = { requests: 0, responses429: 0, retries: 0 };

  constructor(options: DiscordRestClientOptions) {
    this.apiBase = options.apiBase.replace(/\/+$/, '');
    if (!isHttpUrl(this.apiBase)) {
      throw new CordformError('config_invalid', `the API base must be an http:// or https:// URL, got ${JSON.stringify(options.apiBase)}`);
    }
    this.host = hostAndPort(this.apiBase);
    this.token = options.token;
    this.userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.maxRetries = options.maxRetries ?? 3;
    this.max429Retries = options.max429Retries ?? 10;
    this.maxResponseBytes = options.maxResponseBytes ?? 8 * 1024 * 1024;
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.onResponse = options.onResponse;
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher =
      options.dispatcher ??
      new Agent({
        connections: 50,
        keepAliveTimeout: 10_000,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
    this.scheduler = new RateLimitScheduler({ globalLimitPerSecond: options.globalLimitPerSecond ?? 50 });
  }

  stats(): RestClientStats {
    return { ...this.counters };
  }

  /** Closes the default Agent; an injected dispatcher is left to its owner. */
  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  // ── DiscordApi ───────────────────────────────────────────────────────────────────────

  // ── Requests ─────────────────────────────────────────────────────────────────────────

  /**
   * Sends one logical request through the rate limiter, retrying as retry.ts allows.
   * `path` is relative to the API base (build it with `routes`).
   */
  async request<T>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
    const route = describeRoute(method, path);
    const context: RequestContext = { route, redact: this.redactorFor(route), retries: 0, rateLimited: 0, attempt: 0, maybeApplied: false };
    const url = this.urlFor(path, options.query);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers = this.headersFor(route, body !== undefined, options.reason);
    const seq = this.nextSeq++;
    const signal = options.signal ? this.fanoutFor(options.signal) : undefined;
    const stopSending = options.stopSending ? this.fanoutFor(options.stopSending) : undefined;
    let notBefore = 0;
    for (;;) {
      if (stopSending?.aborted) throw notSent(context);
      const permit = await this.acquire(context, seq, notBefore, { signal, stopSending });
      context.attempt += 1;
      this.counters.requests += 1;
      if (context.attempt > 1) this.counters.retries += 1;
      const started = performance.now();
      const result = await sendAttempt({
        url,
        method,
        headers,
        body,
        dispatcher: this.dispatcher,
        timeoutMs: this.timeoutMs,
        maxResponseBytes: this.maxResponseBytes,
        signal,
        stop: this.stopAll,
      });
      this.record(context, permit, result, started);
      const decision = this.decide<T>(context, result, signal);
      if (decision.kind === 'done') return decision.value;
      if (decision.kind === 'throw') throw decision.error;
      if (decision.counts) context.retries += 1;
      notBefore = performance.now() + decision.delayMs;
    }
  }

  /**
   * One caller signal (the CLI's SIGINT signal, apply's interrupt) commonly covers every
   * request of an apply, each listening on it while queued and in flight: hundreds of
   * listeners by design. Each caller signal gets one listener, fanned out (abort-fanout.ts)
   * with its reason to the waiting and running attempts.
   */
  private fanoutFor(callerSignal: AbortSignal): AbortFanout {
    let fanout = this.fanouts.get(callerSignal);
    if (fanout === undefined) {
      fanout = new AbortFanout(callerSignal);
      this.fanouts.set(callerSignal, fanout);
    }
    return fanout;
  }

  /**
   * Waits for the rate limiter's permit. The caller's signal ends the wait with its reason;
   * `stopSending` ends it as "not sent" (unless the signal aborted too); a 401 elsewhere
   * ends it with the fatal error.
   */
  private async acquire(
    context: RequestContext,
    seq: number,
    notBefore: number,
    { signal, stopSending }: { signal: AbortFanout | undefined; stopSending: AbortFanout | undefined },
  ): Promise<Permit> {
    const aborts = [signal, stopSending].filter((abort) => abort !== undefined);
    try {
      return await this.scheduler.acquire(context.route, { seq, notBefore, aborts });
    } catch (error) {
      if (stopSending?.aborted && !signal?.aborted) throw notSent(context);
      throw error === this.fatal ? this.fatalErrorFor(context.route) : error;
    }
  }

  private record(context: RequestContext, permit: Permit, result: AttemptResult, started: number): void {
    const info = result.kind === 'response' ? parseRateLimitInfo(result.headers, rateLimitBody(result)) : undefined;
    const bucketKey = permit.complete(
      result.kind === 'response' && info ? { kind: 'response', status: result.status, info } : { kind: 'no-response' },
    );
    const status = result.kind === 'response' ? result.status : 0;
    if (status === 429) this.counters.responses429 += 1;
    if (!this.onResponse) return;
    try {
      this.onResponse({
        method: context.route.method,
        route: context.route.redactedPath,
        bucketKey,
        status,
        attempt: context.attempt,
        durationMs: performance.now() - started,
        rateLimited: status === 429,
      });
    } catch {
      // A metrics callback must not break requests.
    }
  }

  private decide<T>(context: RequestContext, result: AttemptResult, signal?: AbortFanout): Decision<T> {
    if (result.kind === 'failed') return this.decideFailure(context, result, signal);
    const { route } = context;
    if (result.tooLarge) {
      return { kind: 'throw', error: badResponse(route, `response body over ${this.maxResponseBytes} bytes`) };
    }
    const parsed = result.body;
    if (result.status >= 200 && result.status < 300) {
      if (parsed.ok) return { kind: 'done', value: parsed.value as T };
      return this.decideBrokenBody(context);
    }
    const apiError = this.apiError(context, result.status, parsed.ok ? parsed.value : undefined);
    if (result.status === 429) {
      context.rateLimited += 1;
      // The scheduler has paused the bucket (or everything, for a global 429) already.
      if (context.rateLimited <= this.max429Retries) return { kind: 'retry', delayMs: 0, counts: false };
      return { kind: 'throw', error: apiError };
    }
    if (result.status === 401 && route.botAuth) return { kind: 'throw', error: this.becomeFatal(apiError) };
    if (!isRetryableStatus(result.status)) return { kind: 'throw', error: apiError };
    if (!isIdempotent(route.method)) {
      const reason = `Discord answered ${result.status}`;
      return { kind: 'throw', error: new DiscordRequestOutcomeUnknown(route.method, route.redactedPath, reason, apiError) };
    }
    if (context.retries >= this.maxRetries) return { kind: 'throw', error: apiError };
    // A 503's Retry-After is honoured, but never beyond the backoff cap.
    const retryAfter = Math.min(parseRateLimitInfo(result.headers).retryAfterMs ?? 0, this.backoff.maxMs);
    context.maybeApplied = true;
    return { kind: 'retry', delayMs: Math.max(retryAfter, this.backoffFor(context)), counts: true };
  }

  private decideFailure<T>(
    context: RequestContext,
    result: Extract<AttemptResult, { kind: 'failed' }>,
    signal?: AbortFanout,
  ): Decision<T> {
    const { route } = context;
    if (result.reason === 'fatal') return { kind: 'throw', error: this.fatalErrorFor(route) };
    if (result.reason === 'aborted') return { kind: 'throw', error: signal?.reason ?? result.error };
    const what = result.reason === 'timeout' ? `no answer within ${this.timeoutMs} ms from ${this.host}` : networkReason(result.error, this.host);
    const notSent = result.reason === 'network' && classifyNetworkError(result.error) === 'not-sent';
    if ((isIdempotent(route.method) || notSent) && context.retries < this.maxRetries) {
      if (!notSent) context.maybeApplied = true;
      return { kind: 'retry', delayMs: this.backoffFor(context), counts: true };
    }
    if (!isIdempotent(route.method) && !notSent) {
      return { kind: 'throw', error: new DiscordRequestOutcomeUnknown(route.method, route.redactedPath, what, result.error) };
    }
    return {
      kind: 'throw',
      error: new DiscordNetworkError(route.method, route.redactedPath, what, context.attempt, result.error),
    };
  }

  /**
   * A 2xx whose JSON is cut off (a proxy or connection dropped mid-body): Discord did the
   * work, we just cannot read the result. A POST's outcome is then unknown — the caller
   * re-reads instead of failing (or blindly re-creating); an idempotent request is simply
   * asked again.
   */
  private decideBrokenBody<T>(context: RequestContext): Decision<T> {
    const { route } = context;
    const error = badResponse(route, 'response is not valid JSON');
    if (!isIdempotent(route.method)) {
      const reason = 'the answer was 2xx but its body was not valid JSON';
      return { kind: 'throw', error: new DiscordRequestOutcomeUnknown(route.method, route.redactedPath, reason, error) };
    }
    if (context.retries >= this.maxRetries) return { kind: 'throw', error };
    context.maybeApplied = true;
    return { kind: 'retry', delayMs: this.backoffFor(context), counts: true };
  }

  private backoffFor(context: RequestContext): number {
    return backoffDelay(context.retries + 1, this.backoff);
  }

  private apiError(context: RequestContext, status: number, body: unknown): DiscordApiError {
    const { code, message, errors } = (typeof body === 'object' && body !== null ? body : {}) as {
      code?: unknown;
      message?: unknown;
      errors?: unknown;
    };
    return new DiscordApiError({
      status,
      method: context.route.method,
      route: context.route.redactedPath,
      discordCode: typeof code === 'number' ? code : undefined,
      discordMessage: typeof message === 'string' ? message : undefined,
      errors: flattenDiscordErrors(errors),
      redact: context.redact,
    });
  }

  /** A 401 on a bot request: the token is bad, so nothing else may go out. */
  private becomeFatal(error: DiscordApiError): DiscordApiError {
    if (!this.fatal) {
      this.fatal = error;
      this.scheduler.failAll(error);
      this.stopAll.abort();
    }
    return error;
  }

  private fatalErrorFor(route: RouteInfo): DiscordApiError {
    const first = this.fatal;
    return new DiscordApiError({
      status: 401,
      method: route.method,
      route: route.redactedPath,
      discordCode: first?.discordCode,
      discordMessage: `not sent: an earlier request was refused with 401 (${first?.discordMessage ?? 'Unauthorized'}), the bot token is not valid`,
    });
  }

  private urlFor(path: string, query: Record<string, string> | undefined): string {
    const search = query && Object.keys(query).length > 0 ? `?${new URLSearchParams(query).toString()}` : '';
    return `${this.apiBase}${path}${search}`;
  }

  private headersFor(route: RouteInfo, hasBody: boolean, reason: string | undefined): Record<string, string> {
    const headers: Record<string, string> = { 'user-agent': this.userAgent, accept: 'application/json' };
    // Webhook-token and interaction routes authenticate with the token in the path.
    if (route.botAuth && this.token) headers.authorization = `Bot ${this.token}`;
    if (hasBody) headers['content-type'] = 'application/json';
    if (reason !== undefined && reason !== '') headers['x-audit-log-reason'] = encodeURIComponent(reason);
    return headers;
  }

  /**
   * Masks the bot token and the route's own token in anything taken from a response. Made
   * on first use: only error paths redact, and a plan of 1000 guilds sends 1001 requests.
   */
  private redactorFor(route: RouteInfo): (text: string) => string {
    let redactor: Redactor | undefined;
    return (text) => {
      if (redactor === undefined) {
        redactor = new Redactor();
        redactor.add(this.token);
        const segment = route.botAuth ? undefined : route.path.split('/')[3];
        if (segment !== undefined) {
          redactor.add(segment);
          redactor.add(safeDecode(segment));
        }
      }
      return redactor.redact(text);
    };
  }
}

/** The request never went out: an interrupt stopped it before the next attempt. */
function notSent(context: RequestContext): DiscordRequestNotSent {
  return new DiscordRequestNotSent(context.route.method, context.route.redactedPath, context.maybeApplied);
}

/** The 429 body carries `retry_after` with more precision than the header. */
function rateLimitBody(result: Extract<AttemptResult, { kind: 'response' }>): unknown {
  if (result.status !== 429) return undefined;
  return result.body.ok ? result.body.value : undefined;
}

function badResponse(route: RouteInfo, why: string): CordformError {
  return new CordformError('discord_bad_response', `${route.method} ${route.redactedPath}: ${why}`, {
    fault: 'remote',
    details: { method: route.method, route: route.redactedPath },
  });
}

function networkReason(error: unknown, host: string): string {
  const code = errorCode(error);
  return `connection to ${host} failed${code === undefined ? '' : ` (${code})`}`;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
