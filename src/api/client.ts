/**
 * The one way cordform builds its Discord REST client — every command, the runtime and
 * programs using the API: the API base (the manifest's `discord.api_base`, else
 * CORDFORM_API_BASE, else Discord), the per-attempt timeout and the global rate limit from
 * the environment, and the token registered with the redactor so no output can show it.
 */
import type { Dispatcher } from 'undici';
import { apiBaseFromEnv } from '../discord/api-base.js';
import { resolveApiBase } from '../live/api-base.js';
import { resolveGlobalRateLimit, resolveRequestTimeout } from '../discord/client-settings.js';
import { DiscordRestClient } from '../discord/rest-client.js';
import type { Manifest } from '../manifest/types.js';
import type { Redactor } from '../redact.js';

export interface ClientOptions {
  env: Record<string, string | undefined>;
  dispatcher?: Dispatcher;
  /** Every secret the client will carry is registered here so no output can show it. */
  redactor?: Redactor;
  /** Per-attempt deadline; default CORDFORM_HTTP_TIMEOUT_MS, else the client's 15 s. */
  timeoutMs?: number;
}

export function createClient(token: string, options: ClientOptions & { apiBase?: string }): DiscordRestClient {
  options.redactor?.add(token);
  const timeoutMs = options.timeoutMs ?? resolveRequestTimeout(options.env);
  const globalLimitPerSecond = resolveGlobalRateLimit(options.env);
  return new DiscordRestClient({
    apiBase: options.apiBase ?? apiBaseFromEnv(options.env),
    token,
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    ...(timeoutMs ? { timeoutMs } : {}),
    ...(globalLimitPerSecond ? { globalLimitPerSecond } : {}),
  });
}

/** The client for a manifest's bot: its token and its `discord.api_base`. */
export function createClientFor(manifest: Manifest, options: ClientOptions): DiscordRestClient {
  return createClient(manifest.discord.token, { ...options, apiBase: resolveApiBase(manifest, options.env) });
}
