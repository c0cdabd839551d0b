import { CordformError } from '../errors.js';

export const DEFAULT_API_BASE = 'https://discord.com/api/v10';
export const API_BASE_ENV = 'CORDFORM_API_BASE';

/**
 * CORDFORM_API_BASE, else Discord. A value that is not an http(s) URL is refused at once,
 * naming the variable: sent anyway, every request would fail and be retried as if the
 * network were down.
 */
export function apiBaseFromEnv(env: Record<string, string | undefined>): string {
  const raw = env[API_BASE_ENV]?.trim();
  if (raw === undefined || raw === '') return DEFAULT_API_BASE;
  if (!isHttpUrl(raw)) {
    throw new CordformError('config_invalid', `${API_BASE_ENV} must be an http:// or https:// URL such as http://127.0.0.1:PORT/api/v10 (a \`cordform sandbox\`) or ${DEFAULT_API_BASE}; got ${JSON.stringify(raw)}`);
  }
  return raw.replace(/\/+$/, '');
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** `host:port` of an API base, the port always shown (what a connection error should name). */
export function hostAndPort(apiBase: string): string {
  const url = new URL(apiBase);
  return `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
}
