/**
 * Path-template matching for the sandbox's routes. A path that matches a template under a
 * different method is "method not allowed" (405), one that matches nothing is 404, as Discord.
 */
export interface RouteTemplate {
  method: string;
  path: string;
}

export type RouteMatch<R> =
  | { kind: 'found'; route: R; params: Record<string, string> }
  | { kind: 'method-not-allowed' }
  | { kind: 'not-found' };

interface Compiled<R> {
  route: R;
  segments: string[];
}

export class Router<R extends RouteTemplate> {
  private readonly compiled: Array<Compiled<R>>;

  constructor(routes: readonly R[]) {
    this.compiled = routes.map((route) => ({ route, segments: splitPath(route.path) ?? [] }));
  }

  match(method: string, path: string): RouteMatch<R> {
    const segments = splitPath(path);
    if (!segments) return { kind: 'not-found' };
    let pathMatched = false;
    for (const { route, segments: template } of this.compiled) {
      const params = matchSegments(template, segments);
      if (!params) continue;
      if (route.method === method) return { kind: 'found', route, params };
      pathMatched = true;
    }
    return pathMatched ? { kind: 'method-not-allowed' } : { kind: 'not-found' };
  }
}

/** Splits and URI-decodes a path; null when a segment is not valid percent-encoding. */
function splitPath(path: string): string[] | null {
  const parts = path.split('/').filter((part, index) => index > 0 || part !== '');
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  try {
    return parts.map((part) => decodeURIComponent(part));
  } catch {
    return null;
  }
}

function matchSegments(template: string[], actual: string[]): Record<string, string> | null {
  if (template.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i += 1) {
    const expected = template[i]!;
    const value = actual[i]!;
    if (expected.startsWith(':')) {
      if (value === '') return null;
      params[expected.slice(1)] = value;
    } else if (expected !== value) {
      return null;
    }
  }
  return params;
}
