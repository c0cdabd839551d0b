import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeAuditReason } from '../store/audit-log.js';
import type { ApiRoute, RouteContext, RouteResult, SandboxCore } from '../context.js';
import type { FaultInjector } from './faults.js';
import { internalError, notFound, methodNotAllowed, SandboxHttpError, unauthorized } from './errors.js';
import { parseBody, parseRequestTarget, readBody, sendJson, sendText } from './io.js';
import type { RateLimiter } from './rate-limit.js';
import { maskWebhookToken, type RequestLog, type RequestLogEntry } from './request-log.js';
import { Router } from './router.js';
import { adminRoutes, type AdminRoute } from '../routes/admin.js';
import { applicationRoutes } from '../routes/applications.js';
import { auditLogRoutes } from '../routes/audit-log.js';
import { channelRoutes } from '../routes/channels.js';
import { currentApplicationRoutes } from '../routes/current-application.js';
import { messageRoutes } from '../routes/messages.js';
import { reactionRoutes } from '../routes/reactions.js';
import { threadRoutes } from '../routes/threads.js';
import { guildRoutes } from '../routes/guilds.js';
import { interactionAdminRoutes, interactionRoutes } from '../routes/interactions.js';
import { userRoutes } from '../routes/users.js';
import { webhookTokenRoutes } from '../routes/webhook-token.js';
import { webhookRoutes } from '../routes/webhooks.js';
import type { WorldBot } from '../store/world.js';

/**
 * One HTTP request through the sandbox: Discord's API under `/api/v10` and `/api`, the admin
 * API under `/__sandbox`. Order as on Discord: route (404/405) → auth (401) → global limit →
 * route bucket (429) → handler. Nothing a client sends can crash the process: every failure
 * becomes a Discord-shaped error response.
 */
// POST /webhooks/{id}/{token} and its /messages/{id} routes live in interactionRoutes: an
// interaction token makes them follow-ups and @original, any other token an ordinary webhook.
export const API_ROUTES: ApiRoute[] = [
  ...userRoutes,
  ...currentApplicationRoutes,
  ...guildRoutes,
  ...auditLogRoutes,
  ...channelRoutes,
  ...messageRoutes,
  ...reactionRoutes,
  ...threadRoutes,
  ...webhookRoutes,
  ...applicationRoutes,
  ...interactionRoutes,
  ...webhookTokenRoutes,
];
const ADMIN_PREFIX = '/__sandbox';
const API_PREFIXES = ['/api/v10', '/api'];

export interface HandlerDeps {
  core: SandboxCore;
  limiter: RateLimiter;
  requests: RequestLog;
  /** Fault injection (faults.ts); absent = none. */
  faults?: FaultInjector;
}

const apiRouter = new Router(API_ROUTES);
const adminRouter = new Router<AdminRoute>([...adminRoutes, ...interactionAdminRoutes]);

export async function handleRequest(req: IncomingMessage, res: ServerResponse, deps: HandlerDeps): Promise<void> {
  try {
    const url = parseRequestTarget(req.url);
    if (!url) throw notFound();
    if (url.pathname === ADMIN_PREFIX || url.pathname.startsWith(`${ADMIN_PREFIX}/`)) {
      await handleAdmin(req, res, url, deps);
    } else {
      await handleApi(req, res, url, deps);
    }
  } catch (error) {
    const failure = asHttpError(error);
    sendJson(res, failure.status, failure.body, failure.status === 413 ? { Connection: 'close' } : {});
  }
}

/** Unexpected errors become Discord's 500 body; CORDFORM_SANDBOX_DEBUG=1 prints their stack. */
function asHttpError(error: unknown): SandboxHttpError {
  if (error instanceof SandboxHttpError) return error;
  if (process.env.CORDFORM_SANDBOX_DEBUG) process.stderr.write(`sandbox: ${(error as Error)?.stack ?? String(error)}\n`);
  return internalError();
}

function stripApiPrefix(pathname: string): string | null {
  for (const prefix of API_PREFIXES) {
    if (pathname.startsWith(`${prefix}/`)) return pathname.slice(prefix.length);
  }
  return null;
}

async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, deps: HandlerDeps): Promise<void> {
  const started = new Date();
  const method = (req.method ?? 'GET').toUpperCase();
  const entry: RequestLogEntry = {
    method,
    path: maskWebhookToken(url.pathname),
    route: null,
    status: 0,
    bucket: null,
    time: started.toISOString(),
    bot_id: null,
  };
  const headers: Record<string, string> = {};
  let result: RouteResult;
  try {
    result = await routeApi(req, url, method, deps, entry, headers);
  } catch (error) {
    const failure = asHttpError(error);
    if (failure.status === 413) headers.Connection = 'close';
    result = { status: failure.status, body: failure.body };
  }
  result = await whenDurable(deps, result);
  entry.status = result.status;
  deps.requests.add(entry);
  if (deps.faults?.deliver(req, res, result, headers)) return;
  if (result.text !== undefined) sendText(res, result.status, result.text, headers);
  else sendJson(res, result.status, result.body, headers);
}

async function routeApi(
  req: IncomingMessage,
  url: URL,
  method: string,
  deps: HandlerDeps,
  entry: RequestLogEntry,
  headers: Record<string, string>,
): Promise<RouteResult> {
  const path = stripApiPrefix(url.pathname);
  if (path === null) throw notFound();
  const match = apiRouter.match(method, path);
  if (match.kind === 'not-found') throw notFound();
  if (match.kind === 'method-not-allowed') throw methodNotAllowed();
  const { route, params } = match;
  entry.route = `${route.method} ${route.path}`;
  const rawBody = await readBody(req);
  const injected = await deps.faults?.before(req, route, entry, headers);
  if (injected) return injected;

  let bot: WorldBot | null = null;
  if (route.auth === 'bot') {
    bot = authenticate(deps.core, req.headers.authorization);
    if (!bot) throw unauthorized();
    entry.bot_id = bot.id;
    const global = deps.limiter.checkGlobal(bot.id);
    if (global) {
      Object.assign(headers, global.headers);
      entry.scope = 'global';
      return { status: 429, body: global.limited };
    }
  }
  const outcome = deps.limiter.take({ bucket: route.bucket, major: route.major(params), identity: bot?.id ?? null });
  Object.assign(headers, outcome.headers);
  entry.bucket = outcome.bucketHash;
  if (outcome.limited) {
    entry.scope = bot ? 'user' : 'shared';
    return { status: 429, body: outcome.limited };
  }

  let parsed: ReturnType<typeof parseBody> | null = null;
  const parse = () => (parsed ??= parseBody(rawBody, req.headers['content-type']));
  const ctx: RouteContext = {
    core: deps.core,
    params,
    request: { method, headers: req.headers, query: url.searchParams, rawBody },
    bot,
    reason: decodeAuditReason(req.headers['x-audit-log-reason']),
    body: async () => (await parse()).json,
    files: async () => (await parse()).files,
  };
  return route.handle(ctx);
}

/**
 * The answer, once what the request changed is durable (`--state`); if that cannot be made
 * so, a 500: the client must not take a write as done that a crash could still lose.
 */
async function whenDurable(deps: HandlerDeps, result: RouteResult): Promise<RouteResult> {
  try {
    await deps.core.durable();
    return result;
  } catch {
    const failure = internalError();
    return { status: failure.status, body: failure.body };
  }
}

/** `Authorization: Bot TOKEN` → the seeded bot with that token. */
function authenticate(core: SandboxCore, header: string | undefined): WorldBot | null {
  if (!header) return null;
  const match = /^Bot\s+(\S+)$/i.exec(header.trim());
  if (!match) return null;
  return core.state.world.botsByToken.get(match[1]!) ?? null;
}

async function handleAdmin(req: IncomingMessage, res: ServerResponse, url: URL, deps: HandlerDeps): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const match = adminRouter.match(method, url.pathname.slice(ADMIN_PREFIX.length) || '/');
  if (match.kind === 'not-found') throw notFound();
  if (match.kind === 'method-not-allowed') throw methodNotAllowed();
  const rawBody = await readBody(req);
  let parsed: ReturnType<typeof parseBody> | null = null;
  const result = await match.route.handle({
    core: deps.core,
    requests: deps.requests,
    ...(deps.faults ? { faults: deps.faults } : {}),
    params: match.params,
    body: async () => (await (parsed ??= parseBody(rawBody, req.headers['content-type']))).json,
  });
  const durable = await whenDurable(deps, result);
  sendJson(res, durable.status, durable.body);
}
