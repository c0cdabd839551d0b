import { Agent, request } from 'undici';
import { assertNever } from '../errors.js';
import { PrivateAddressError, isPrivateUrlHost, publicOnlyLookup } from './private-addresses.js';

/**
 * The one module through which the runtime talks HTTP to targets that are not Discord
 * (HTTP_POST servers, third-party message sinks). One undici Agent with no connection
 * limit per origin: every post runs inside the caller's DispatchQueue lane (the invoking
 * command, actions/context.ts commandLane), which already bounds the sockets per command.
 * A cap here would be shared by every command bound to an origin, so a target that hangs
 * would let one command hold the connections another needs. Response bodies are capped
 * (`maxResponseSize`), header/body timeouts set to the request's deadline — undici's 300 s
 * defaults are not deadlines. The caller's AbortSignal is the deadline that also covers
 * time spent queued before the request.
 */
const MAX_RESPONSE_BYTES = 64 * 1024;

export type OutboundFailureKind = 'timeout' | 'too_large' | 'connection' | 'aborted' | 'blocked';

export class OutboundHttpError extends Error {
  constructor(
    readonly kind: OutboundFailureKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OutboundHttpError';
  }
}

/** How a failed request counts in `cordform_actions_total`. */
export function failureOutcome(kind: OutboundFailureKind): 'too_large' | 'error' | 'refused' | 'timeout' {
  switch (kind) {
    case 'too_large':
      return 'too_large';
    case 'connection':
      return 'error';
    case 'blocked':
      return 'refused';
    case 'timeout':
    case 'aborted':
      return 'timeout';
    default:
      return assertNever(kind, 'failure kind');
  }
}

export interface OutboundRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Upper bound for waiting on headers and on each body chunk, in ms. */
  timeoutMs: number;
  /** The deadline (and shutdown): aborts the request when it fires. */
  signal: AbortSignal;
}

export interface OutboundResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as UTF-8 text (at most MAX_RESPONSE_BYTES). */
  body: string;
}

export interface OutboundHttpOptions {
  maxResponseBytes?: number;
  /** Refuse targets that are or resolve to private/loopback addresses (default false). */
  blockPrivateAddresses?: boolean;
}

export class OutboundHttp {
  private readonly agent: Agent;
  private readonly maxResponseBytes: number;
  private readonly blockPrivate: boolean;

  constructor(options: OutboundHttpOptions = {}) {
    this.maxResponseBytes = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
    this.blockPrivate = options.blockPrivateAddresses ?? false;
    this.agent = new Agent({
      pipelining: 1,
      maxResponseSize: this.maxResponseBytes,
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
      connectTimeout: 10_000,
      keepAliveTimeout: 4_000,
      ...(this.blockPrivate ? { connect: { lookup: publicOnlyLookup } } : {}),
    });
  }

  async post(req: OutboundRequest): Promise<OutboundResponse> {
    if (req.signal.aborted) throw classify(req.signal.reason, req.signal);
    if (this.blockPrivate && isPrivateUrlHost(req.url)) {
      throw new OutboundHttpError('blocked', 'target is a private or loopback address (runtime.block_private_addresses)');
    }
    try {
      const res = await request(req.url, {
        method: 'POST',
        headers: req.headers,
        body: req.body,
        dispatcher: this.agent,
        signal: req.signal,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
      });
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > this.maxResponseBytes) {
        res.body.destroy();
        throw new OutboundHttpError('too_large', `response of ${declared} bytes exceeds ${this.maxResponseBytes}`);
      }
      const body = await res.body.text();
      return { status: res.statusCode, headers: res.headers, body };
    } catch (error) {
      throw classify(error, req.signal);
    }
  }

  /** Closes idle connections and waits for running requests (which their signals bound). */
  async close(): Promise<void> {
    await this.agent.close();
  }
}

function classify(error: unknown, signal: AbortSignal): OutboundHttpError {
  if (error instanceof OutboundHttpError) return error;
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    const timedOut = reason instanceof Error && reason.name === 'TimeoutError';
    return new OutboundHttpError(timedOut ? 'timeout' : 'aborted', timedOut ? 'deadline exceeded' : 'aborted', {
      cause: error,
    });
  }
  if (causedByPrivateAddress(error)) {
    return new OutboundHttpError('blocked', 'target resolves to a private or loopback address', { cause: error });
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') {
    return new OutboundHttpError('too_large', 'response body exceeds the size limit', { cause: error });
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new OutboundHttpError('timeout', 'deadline exceeded', { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new OutboundHttpError('connection', message, { cause: error });
}

/** undici wraps connect errors; the lookup's refusal may sit a few `cause`s deep. */
function causedByPrivateAddress(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth += 1) {
    if (current instanceof PrivateAddressError) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
