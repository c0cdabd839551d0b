import type { Manifest } from '../manifest/types.js';

export const DEFAULT_API_BASE = 'https://discord.com/api/v10';

/** `discord.api_base` in the manifest, else CORDFORM_API_BASE, else Discord itself. */
export function resolveApiBase(manifest: Manifest, env: Record<string, string | undefined>): string {
  const base = manifest.discord.apiBase ?? env.CORDFORM_API_BASE ?? DEFAULT_API_BASE;
  return base.replace(/\/+$/, '');
}
