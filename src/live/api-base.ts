import { apiBaseFromEnv } from '../discord/api-base.js';
import type { Manifest } from '../manifest/types.js';

/** `discord.api_base` in the manifest (the schema checked it), else CORDFORM_API_BASE, else Discord itself. */
export function resolveApiBase(manifest: Manifest, env: Record<string, string | undefined>): string {
  return manifest.discord.apiBase?.replace(/\/+$/, '') ?? apiBaseFromEnv(env);
}
