/**
 * Route → rate-limit identity.
 *
 * Discord computes per-route limits on the route *template* and the top-level resource in
 * the path — channel_id, guild_id, or webhook_id (+ token) — the "major parameter"
 * (https://discord.com/developers/docs/topics/rate-limits). Two paths with the same template
 * and major parameter always share a limit; paths with different major parameters never do.
 *
 * Webhook-token and interaction routes carry their own secret in the path: they are sent
 * without the bot's Authorization header and are not counted against the bot's global limit.
 * The token never appears in anything this module returns for display (`redactedPath`,
 * `majorLabel`); it only lives in `major`, which is used as a Map key and never printed.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteInfo {
  method: HttpMethod;
  /** The real path (may contain a webhook/interaction token): never log it. */
  path: string;
  /** e.g. `/channels/:id/webhooks`. */
  template: string;
  /** `${method} ${template}` — what a bucket hash is learned for. */
  routeKey: string;
  /** Major parameter used in keys (may contain a token: never print it). */
  major: string;
  /** Major parameter safe to print (token replaced by `:token`). */
  majorLabel: string;
  /** `path` with tokens replaced by `:token`: safe for errors, logs and metrics. */
  redactedPath: string;
  /** Sends `Authorization: Bot …`; false for webhook-token and interaction routes. */
  botAuth: boolean;
}

const NUMERIC = /^\d+$/;

/** Describes `path` (no query string) for rate limiting and redaction. */
export function describeRoute(method: HttpMethod, path: string): RouteInfo {
  const segments = path.split('/').slice(1);
  const tokenIndex = tokenSegmentIndex(segments);
  const templateParts = segments.map((segment, i) => {
    if (i === tokenIndex) return ':token';
    return NUMERIC.test(segment) ? ':id' : segment;
  });
  const redactedParts = segments.map((segment, i) => (i === tokenIndex ? ':token' : segment));
  const template = `/${templateParts.join('/')}`;
  const { major, majorLabel } = majorParameter(segments, tokenIndex);
  return {
    method,
    path,
    template,
    routeKey: `${method} ${template}`,
    major,
    majorLabel,
    redactedPath: `/${redactedParts.join('/')}`,
    botAuth: tokenIndex === -1,
  };
}

/**
 * Index of the token segment in `/webhooks/{id}/{token}/…` and
 * `/interactions/{id}/{token}/callback`, or -1.
 */
function tokenSegmentIndex(segments: string[]): number {
  const [resource, id, token] = segments;
  if ((resource === 'webhooks' || resource === 'interactions') && id !== undefined && NUMERIC.test(id)) {
    if (token !== undefined && token !== '') return 2;
  }
  return -1;
}

function majorParameter(segments: string[], tokenIndex: number): { major: string; majorLabel: string } {
  const [resource, id, token] = segments;
  if (id === undefined || !NUMERIC.test(id)) return { major: 'global', majorLabel: 'global' };
  switch (resource) {
    case 'channels':
    case 'guilds':
      return { major: id, majorLabel: id };
    case 'webhooks':
      return tokenIndex === 2 && token !== undefined
        ? { major: `${id}/${token}`, majorLabel: `${id}/:token` }
        : { major: id, majorLabel: id };
    case 'interactions':
      // Each interaction has its own callback limit; keying on the id keeps them apart.
      return { major: id, majorLabel: id };
    default:
      return { major: 'global', majorLabel: 'global' };
  }
}
