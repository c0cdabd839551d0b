import { CordformError } from '../errors.js';
import type { ShardSpec } from '../runtime/shard-set.js';

/**
 * `--shard I/N`, `--shards auto` and CORDFORM_SHARD (same forms as the flags; a flag wins).
 * `I` may be a StatefulSet pod name: `cordform-2/4` is shard 2 of 4, so a pod can pass its
 * own name (`$(POD_NAME)/4`) when the `apps.kubernetes.io/pod-index` label is not available.
 */
export function parseShardFlags(
  flags: { shard?: string | undefined; shards?: string | undefined },
  env: Record<string, string | undefined>,
): ShardSpec | undefined {
  if (flags.shard !== undefined && flags.shards !== undefined) {
    throw usage('--shard and --shards exclude each other: one shard per process, or every shard in this one');
  }
  if (flags.shards !== undefined) {
    if (flags.shards !== 'auto') throw usage(`--shards accepts only "auto" (every shard Discord recommends), got "${flags.shards}"`);
    return { kind: 'auto' };
  }
  if (flags.shard !== undefined) return parseShard(flags.shard, '--shard');
  const fromEnv = env.CORDFORM_SHARD?.trim();
  if (fromEnv === undefined || fromEnv === '') return undefined;
  return fromEnv === 'auto' ? { kind: 'auto' } : parseShard(fromEnv, 'CORDFORM_SHARD');
}

function parseShard(value: string, source: string): ShardSpec {
  const slash = value.lastIndexOf('/');
  const index = slash < 0 ? null : shardIndex(value.slice(0, slash));
  const countText = slash < 0 ? '' : value.slice(slash + 1);
  if (index === null || !/^\d+$/.test(countText)) {
    throw usage(`${source} expects I/N (shard I of N, e.g. 0/2; I may be a pod name ending in -ORDINAL), got "${value}"`);
  }
  const count = Number(countText);
  if (count < 1) throw usage(`${source} "${value}": the shard count must be at least 1`);
  if (index >= count) throw usage(`${source} "${value}": the shard id must be below the shard count (ids run from 0 to ${count - 1})`);
  return { kind: 'fixed', id: index, count };
}

/** `2`, or the ordinal of a StatefulSet pod name such as `cordform-2`. */
function shardIndex(text: string): number | null {
  const match = /^(?:\d+|.*-(\d+))$/.exec(text);
  if (!match) return null;
  return Number(match[1] ?? text);
}

/** `--public-url`: an absolute http(s) URL without query or fragment; no trailing slash. */
export function parsePublicUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw usage(`--public-url expects an absolute URL such as https://cordform.example.com, got "${value}"`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '' || url.username !== '') {
    throw usage(`--public-url must be an http(s) URL without credentials, query or fragment, got "${value}"`);
  }
  return url.toString().replace(/\/+$/, '');
}

function usage(message: string): CordformError {
  return new CordformError('cli_usage', message);
}
