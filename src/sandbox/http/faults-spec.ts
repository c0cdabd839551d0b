import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { CordformError } from '../../errors.js';

/**
 * The sandbox's fault-injection format (README "Sandbox → Fault injection",
 * examples/sandbox-faults.yaml). Each spec names a route — `METHOD /path/template` with
 * Discord's `{channel.id}` or the sandbox's `:channel_id` placeholders, `METHOD *`, or `*` —
 * when it fires (a seeded `probability`, or an exact `schedule` of matching-request numbers),
 * and what happens then.
 */
export const FAULT_KINDS = ['status', 'rate_limit', 'latency', 'reset', 'drop_after_write', 'truncate'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** 401 stops a well-behaved client; the 5xx are what Discord's edge sends when it struggles. */
export const FAULT_STATUSES = [401, 500, 502, 503, 504] as const;
export type FaultStatus = (typeof FAULT_STATUSES)[number];

interface FaultBase {
  /** `POST /channels/{channel.id}/webhooks`, `GET *`, or `*` (every API route). */
  route: string;
  /** Chance per matching request, 0–1, drawn from a PRNG seeded with `seed`. */
  probability?: number;
  /** 1-based numbers of the matching requests that get the fault, e.g. [2, 5]. */
  schedule?: number[];
  /** PRNG seed for `probability` (default: the set's seed + the spec's index). */
  seed?: number;
  /** Stop after injecting this many times. */
  max?: number;
}

export type FaultSpec = FaultBase &
  (
    | { fault: 'status'; status: FaultStatus }
    | { fault: 'rate_limit'; global?: boolean; scope?: 'user' | 'shared' | 'global'; retry_after_ms?: number }
    | { fault: 'latency'; latency_ms: number }
    | { fault: 'reset' }
    | { fault: 'drop_after_write' }
    | { fault: 'truncate' }
  );

/** A whole fault set as accepted by `--faults FILE` and `POST /__sandbox/faults`. */
export interface FaultSet {
  /** Default seed for every spec's PRNG (default 1). */
  seed: number;
  faults: FaultSpec[];
}

const BASE_KEYS = ['route', 'fault', 'probability', 'schedule', 'seed', 'max'];
const KIND_KEYS: Record<FaultKind, string[]> = {
  status: ['status'],
  rate_limit: ['global', 'scope', 'retry_after_ms'],
  latency: ['latency_ms'],
  reset: [],
  drop_after_write: [],
  truncate: [],
};
const METHODS = new Set(['GET', 'POST', 'PATCH', 'PUT', 'DELETE', '*']);

type Fail = (message: string) => never;

/** Validates a fault set given as data: `{seed?, faults: [...]}` or a bare list of specs. */
export function parseFaultSet(value: unknown, source: string): FaultSet {
  const fail: Fail = (message) => {
    throw new CordformError('sandbox_faults_invalid', `${source}: ${message}`);
  };
  if (value === null || value === undefined) return { seed: 1, faults: [] };
  let list: unknown = value;
  let seed = 1;
  if (!Array.isArray(value)) {
    if (typeof value !== 'object') fail('must be a list of faults or a mapping {seed, faults}');
    const input = value as Record<string, unknown>;
    for (const key of Object.keys(input)) if (key !== 'seed' && key !== 'faults') fail(`unknown key "${key}" (allowed: seed, faults)`);
    if (input.seed !== undefined) seed = integer(input.seed, 'seed', fail);
    list = input.faults ?? [];
  }
  if (!Array.isArray(list)) fail('`faults` must be a list');
  return { seed, faults: (list as unknown[]).map((item, index) => parseFaultSpec(item, `faults[${index}]`, fail)) };
}

/** Validates one spec; `path` prefixes every message (e.g. `faults[2]`). */
export function parseFaultSpec(value: unknown, path: string, fail: Fail): FaultSpec {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${path} must be a mapping`);
  const input = value as Record<string, unknown>;
  const kind = input.fault;
  if (typeof kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(kind)) {
    fail(`${path}.fault must be one of ${FAULT_KINDS.join(', ')}`);
  }
  const allowed = [...BASE_KEYS, ...KIND_KEYS[kind as FaultKind]];
  for (const key of Object.keys(input)) {
    if (!allowed.includes(key)) fail(`${path}: unknown key "${key}" for fault ${String(kind)} (allowed: ${allowed.join(', ')})`);
  }
  const base: FaultBase = { route: parseRoute(input.route, `${path}.route`, fail) };
  if ((input.probability === undefined) === (input.schedule === undefined)) {
    fail(`${path}: give exactly one of probability (0–1) or schedule (list of request numbers)`);
  }
  if (input.probability !== undefined) {
    const p = input.probability;
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) fail(`${path}.probability must be a number from 0 to 1`);
    base.probability = p as number;
  }
  if (input.schedule !== undefined) {
    if (!Array.isArray(input.schedule) || input.schedule.length === 0) fail(`${path}.schedule must be a non-empty list`);
    base.schedule = (input.schedule as unknown[]).map((n, i) => integer(n, `${path}.schedule[${i}]`, fail, 1));
  }
  if (input.seed !== undefined) base.seed = integer(input.seed, `${path}.seed`, fail);
  if (input.max !== undefined) base.max = integer(input.max, `${path}.max`, fail, 1);
  return { ...base, ...parseKind(kind as FaultKind, input, path, fail) } as FaultSpec;
}

function parseKind(kind: FaultKind, input: Record<string, unknown>, path: string, fail: Fail): Record<string, unknown> {
  switch (kind) {
    case 'status': {
      const status = input.status;
      if (!(FAULT_STATUSES as readonly unknown[]).includes(status)) fail(`${path}.status must be one of ${FAULT_STATUSES.join(', ')}`);
      return { fault: kind, status };
    }
    case 'rate_limit': {
      const out: Record<string, unknown> = { fault: kind };
      if (input.global !== undefined) {
        if (typeof input.global !== 'boolean') fail(`${path}.global must be true or false`);
        out.global = input.global;
      }
      if (input.scope !== undefined) {
        if (input.scope !== 'user' && input.scope !== 'shared' && input.scope !== 'global') fail(`${path}.scope must be user, shared or global`);
        out.scope = input.scope;
      }
      if (input.retry_after_ms !== undefined) out.retry_after_ms = integer(input.retry_after_ms, `${path}.retry_after_ms`, fail, 1);
      return out;
    }
    case 'latency':
      if (input.latency_ms === undefined) fail(`${path}.latency_ms is required`);
      return { fault: kind, latency_ms: integer(input.latency_ms, `${path}.latency_ms`, fail, 0, 600_000) };
    case 'reset':
    case 'drop_after_write':
    case 'truncate':
      return { fault: kind };
    default:
      return fail(`${path}.fault: unknown kind`);
  }
}

function parseRoute(value: unknown, path: string, fail: Fail): string {
  if (typeof value !== 'string' || value.trim() === '') fail(`${path} must be "METHOD /path" (e.g. "POST /channels/{channel.id}/webhooks"), "METHOD *" or "*"`);
  const route = (value as string).trim().replace(/\s+/g, ' ');
  if (route === '*') return route;
  const [method, template, ...rest] = route.split(' ');
  if (rest.length > 0 || template === undefined || !METHODS.has(method!.toUpperCase())) {
    fail(`${path} must be "METHOD /path", "METHOD *" or "*", got "${route}"`);
  }
  if (template !== '*' && !template!.startsWith('/')) fail(`${path}: the path must start with "/", got "${template}"`);
  return `${method!.toUpperCase()} ${template}`;
}

function integer(value: unknown, path: string, fail: Fail, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    fail(`${path} must be an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? '' : ` to ${max}`}`);
  }
  return value as number;
}

/** Reads `--faults FILE` (YAML or JSON). */
export async function readFaultFile(path: string): Promise<FaultSet> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CordformError('sandbox_faults_unreadable', `cannot read fault file ${path}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new CordformError('sandbox_faults_invalid', `${path}: ${(error as Error).message}`);
  }
  return parseFaultSet(value, path);
}
