/**
 * The programmatic API: the same functions the CLI calls, taking options (cwd, env,
 * output sink, HTTP dispatcher) and returning results. Nothing here prints or exits.
 */
import type { Dispatcher } from 'undici';
import { resolveApiBase } from './discord/api-base.js';
import { DiscordRestClient } from './discord/rest-client.js';
import { readLiveState } from './discord/read-live-state.js';
import type { Manifest } from './manifest/types.js';
import { buildPlan, type LiveState, type Plan, type PlanOptions } from './plan/index.js';
import type { Redactor } from './redact.js';

export { DEFAULT_API_BASE, resolveApiBase } from './discord/api-base.js';

export interface ClientOptions {
  env: Record<string, string | undefined>;
  dispatcher?: Dispatcher;
  /** Every secret the client will carry is registered here so no output can show it. */
  redactor?: Redactor;
  timeoutMs?: number;
}

/** The REST client for a manifest's bot, its token registered with the redactor. */
export function createClientFor(manifest: Manifest, options: ClientOptions): DiscordRestClient {
  options.redactor?.add(manifest.discord.token);
  const client = new DiscordRestClient({
    apiBase: resolveApiBase(manifest, options.env),
    token: manifest.discord.token,
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  return client;
}

export interface ComputedPlan {
  plan: Plan;
  live: LiveState;
}

/** Reads live state (one list request per guild) and builds the plan. */
export async function computePlan(
  manifest: Manifest,
  api: DiscordRestClient,
  options: PlanOptions & { signal?: AbortSignal; redactor?: Redactor } = {},
): Promise<ComputedPlan> {
  const live = await readLiveState(manifest, api, options.signal ? { signal: options.signal } : {});
  if (options.redactor) registerLiveSecrets(live, options.redactor);
  const plan = buildPlan(manifest, live, options.targets ? { targets: options.targets } : {});
  return { plan, live };
}

/** Webhook tokens come back in list responses; none of them may reach any output. */
export function registerLiveSecrets(live: LiveState, redactor: Redactor): void {
  for (const guild of live.guilds) for (const webhook of guild.webhooks) redactor.add(webhook.token);
}
