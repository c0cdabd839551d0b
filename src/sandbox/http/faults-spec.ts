import { checkInput, codeSource, parseInputText, readInputText, type InputKind, type InputSource } from '../input/input-file.js';

/**
 * The sandbox's fault-injection format (docs/sandbox.md "Fault injection",
 * schema/sandbox-faults.schema.json, examples/sandbox-faults.yaml). Each spec names a route
 * — `METHOD /path/template` with Discord's `{channel.id}` or the sandbox's `:channel_id` placeholders, `METHOD *`, or `*` —
 * when it fires (a seeded `probability`, or an exact `schedule` of matching-request numbers),
 * and what happens then.
 */
export const FAULT_KINDS = ['status', 'rate_limit', 'latency', 'reset', 'drop_after_write', 'truncate'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** 401 stops a well-behaved client; the 5xx are what Discord's edge sends when it struggles. */
export const FAULT_STATUSES = [401, 500, 502, 503, 504] as const;
type FaultStatus = (typeof FAULT_STATUSES)[number];

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

const FAULTS: InputKind = { kind: 'faults', code: 'sandbox_faults_invalid', title: 'invalid sandbox fault set' };

type RawFaultSet = null | FaultSpec[] | { seed?: number; faults?: FaultSpec[] | null };

/**
 * A fault set given as data — `{seed?, faults: [...]}`, a bare list of specs, or null — checked
 * against schema/sandbox-faults.schema.json, with routes normalized (`post  /x` → `POST /x`).
 */
export function parseFaultSet(value: unknown, source: InputSource | string): FaultSet {
  const raw = checkInput<RawFaultSet>(value ?? null, FAULTS, typeof source === 'string' ? codeSource(source) : source);
  const { seed = 1, faults } = raw === null ? {} : Array.isArray(raw) ? { faults: raw } : raw;
  return { seed, faults: (faults ?? []).map((spec) => ({ ...spec, route: normalizeRoute(spec.route) })) };
}

function normalizeRoute(route: string): string {
  const trimmed = route.trim().replace(/\s+/g, ' ');
  if (trimmed === '*') return trimmed;
  const [method = '', template = ''] = trimmed.split(' ');
  return `${method.toUpperCase()} ${template}`;
}

/** Reads `--faults FILE` (YAML or JSON); problems are reported at file:line:col. */
export async function readFaultFile(path: string): Promise<FaultSet> {
  const text = await readInputText(path, 'sandbox_faults_unreadable', 'fault file');
  const { value, source } = parseInputText(text, path, FAULTS);
  return parseFaultSet(value, source);
}
