import type { IncomingMessage, ServerResponse } from 'node:http';
import { CordformError } from '../../errors.js';
import { applyEarlyFault, deliverWithFault } from './faults-response.js';
import { FAULT_KINDS, parseFaultSet, type FaultKind, type FaultSet, type FaultSpec } from './faults-spec.js';
import type { RouteResult } from '../context.js';
import type { BucketName } from './rate-limit-profile.js';
import type { RequestLogEntry } from './request-log.js';

export { readFaultFile, type FaultSet, type FaultSpec } from './faults-spec.js';

/**
 * Fault injection for the sandbox's Discord API (docs/sandbox.md "Fault injection"). The
 * request handler asks `before()` once a request has matched a route and its body is read
 * (latency waits here; 5xx/401/429 and resets answer here, without applying anything), and
 * `deliver()` just before the answer goes out (drop_after_write and truncate sabotage the
 * answer to a write that *was* applied). Deterministic: `probability` draws come from one
 * seeded PRNG per spec, `schedule` counts the requests that matched the spec.
 */
export interface FaultRoute {
  method: string;
  /** The sandbox's template, e.g. `/channels/:channel_id/webhooks`. */
  path: string;
  bucket: BucketName;
}

interface FaultCounters {
  /** API requests that matched the spec's route. */
  matched: number;
  /** Of those, how many got the fault. */
  injected: number;
}

export interface FaultsSnapshot {
  seed: number;
  faults: Array<FaultSpec & FaultCounters>;
  /** Injected faults per kind, over the current set. */
  injected: Record<FaultKind, number>;
  total_injected: number;
}

interface ActiveSpec {
  spec: FaultSpec;
  method: string;
  /** Path segments with every placeholder as `{}`; null = any path. */
  segments: string[] | null;
  random: () => number;
  counters: FaultCounters;
}

export class FaultInjector {
  private set: FaultSet = { seed: 1, faults: [] };
  private active: ActiveSpec[] = [];
  private readonly pending = new WeakMap<IncomingMessage, FaultSpec>();

  /** `routes`: the API routes the sandbox serves, so a spec naming no route is refused. */
  constructor(
    private readonly routes: ReadonlyArray<{ method: string; path: string }>,
    initial?: FaultSet | FaultSpec[],
  ) {
    if (initial) this.replace(initial);
  }

  /** Replaces the fault set (validated: a FaultSet, a list of specs, or raw JSON of either); counters and PRNGs start over. */
  replace(input: unknown, source = 'faults'): void {
    const set = parseFaultSet(input, source);
    const active = set.faults.map((spec, index) => this.activate(spec, set.seed + index, `${source}: faults[${index}]`));
    this.set = set;
    this.active = active;
  }

  clear(): void {
    this.set = { seed: this.set.seed, faults: [] };
    this.active = [];
  }

  snapshot(): FaultsSnapshot {
    const injected = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
    for (const { spec, counters } of this.active) injected[spec.fault] += counters.injected;
    return {
      seed: this.set.seed,
      faults: this.active.map(({ spec, counters }) => ({ ...spec, ...counters })),
      injected,
      total_injected: Object.values(injected).reduce((a, b) => a + b, 0),
    };
  }

  /** Picks the fault (if any) for a request; every matching spec counts it. First firing spec wins. */
  pick(method: string, path: string): FaultSpec | null {
    let chosen: FaultSpec | null = null;
    for (const active of this.active) {
      if (!matches(active, method, path)) continue;
      active.counters.matched += 1;
      // Draw for every matching request, so one spec's sequence never depends on another's.
      const fires = shouldFire(active);
      if (fires && chosen === null) {
        active.counters.injected += 1;
        chosen = active.spec;
      }
    }
    return chosen;
  }

  /** Hook 1 (route matched, body read): returns the answer to send instead of handling, or null. */
  async before(req: IncomingMessage, route: FaultRoute, entry: RequestLogEntry, headers: Record<string, string>): Promise<RouteResult | null> {
    if (this.active.length === 0) return null;
    const spec = this.pick(route.method, route.path);
    if (!spec) return null;
    entry.fault = spec.fault;
    this.pending.set(req, spec);
    return applyEarlyFault(spec, route, entry, headers);
  }

  /** Hook 2 (answer ready): true when the fault took over the socket (nothing else may be sent). */
  deliver(req: IncomingMessage, res: ServerResponse, result: RouteResult, headers: Record<string, string>): boolean {
    const spec = this.pending.get(req);
    if (!spec) return false;
    this.pending.delete(req);
    return deliverWithFault(spec, req, res, result, headers);
  }

  private activate(spec: FaultSpec, defaultSeed: number, where: string): ActiveSpec {
    const [method = '*', template = '*'] = spec.route === '*' ? ['*', '*'] : spec.route.split(' ');
    const segments = template === '*' ? null : normalize(stripApiPrefix(template));
    const active: ActiveSpec = {
      spec,
      method,
      segments,
      random: mulberry32(spec.seed ?? defaultSeed),
      counters: { matched: 0, injected: 0 },
    };
    if (!this.routes.some((route) => matches(active, route.method, route.path))) {
      throw new CordformError(
        'sandbox_faults_invalid',
        `${where}.route "${spec.route}" matches no sandbox API route (e.g. "POST /channels/{channel.id}/webhooks", "DELETE /webhooks/{webhook.id}", "*")`,
      );
    }
    return active;
  }
}

function shouldFire(active: ActiveSpec): boolean {
  const { spec, counters } = active;
  if (spec.max !== undefined && counters.injected >= spec.max) {
    if (spec.probability !== undefined) active.random();
    return false;
  }
  if (spec.schedule) return spec.schedule.includes(counters.matched);
  return active.random() < (spec.probability ?? 0);
}

function matches(active: ActiveSpec, method: string, path: string): boolean {
  if (active.method !== '*' && active.method !== method) return false;
  if (active.segments === null) return true;
  const actual = normalize(path);
  return actual.length === active.segments.length && actual.every((segment, i) => segment === active.segments![i]);
}

/** `/channels/{channel.id}/webhooks` and `/channels/:channel_id/webhooks` → [channels, {}, webhooks]. */
function normalize(path: string): string[] {
  return path
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => (segment.startsWith(':') || /^\{.*\}$/.test(segment) ? '{}' : segment));
}

function stripApiPrefix(path: string): string {
  return path.replace(/^\/api(\/v\d+)?(?=\/)/, '');
}

/** A small, well-known 32-bit PRNG: the same seed gives the same sequence on every platform. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
