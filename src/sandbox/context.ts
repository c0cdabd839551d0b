import type { IncomingHttpHeaders } from 'node:http';
import type { GatewayHub } from './gateway/server.js';
import type { FileInput } from './http/io.js';
import type { SessionStartLimiter } from './gateway/session-starts.js';
import type { BucketName } from './http/rate-limit-profile.js';
import type { SandboxState } from './store/state.js';
import type { WorldBot } from './store/world.js';

/** What every route handler can reach: the data, the gateway hub and the public URLs. */
export interface SandboxCore {
  state: SandboxState;
  hub(): GatewayHub;
  /** IDENTIFYs per bot against Discord's daily session start limit. */
  sessionStarts: SessionStartLimiter;
  /** http://HOST:PORT */
  httpUrl(): string;
  /** ws://HOST:PORT/gateway */
  gatewayUrl(): string;
  /**
   * Resolves once every change made so far is durable (with `--state`: journaled and
   * fsynced; else at once). Requests are answered only after it.
   */
  durable(): Promise<void>;
}

interface RequestInput {
  method: string;
  headers: IncomingHttpHeaders;
  query: URLSearchParams;
  rawBody: Buffer;
}

export interface RouteContext {
  core: SandboxCore;
  params: Record<string, string>;
  request: RequestInput;
  /** The authenticated bot (routes with `auth: 'bot'`), else null. */
  bot: WorldBot | null;
  /** `X-Audit-Log-Reason`, URI-decoded. */
  reason: string | null;
  /** The parsed JSON body, or `payload_json` (+ text fields) of a multipart body. 50109 on bad JSON. */
  body(): Promise<unknown>;
  /** The files of a multipart body (never part of `body()`). */
  files(): Promise<FileInput[]>;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  /** A plain-text answer instead of JSON (the Slack-compatible webhook answers `ok`). */
  text?: string;
}

export type RouteHandler = (ctx: RouteContext) => RouteResult | Promise<RouteResult>;

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface ApiRoute {
  method: HttpMethod;
  /** Path template below /api/v10, e.g. `/channels/:channel_id/webhooks`. */
  path: string;
  bucket: BucketName;
  /** `bot`: Authorization: Bot TOKEN required, bot's global limit applies. `webhook-token`: no auth. */
  auth: 'bot' | 'webhook-token';
  /** The top-level resource of Discord's per-route limits. */
  major: (params: Record<string, string>) => string;
  handle: RouteHandler;
}

export const majorNone = () => '';
export const majorParam = (name: string) => (params: Record<string, string>) => params[name] ?? '';
