import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/server.js';

export const BOT = { id: '100000000000000010', token: 'sandbox-bot-token' };
export const OTHER_BOT = { id: '100000000000000030', token: 'sandbox-other-bot-token' };
export const USER_ID = '100000000000000020';
export const GUILD_ID = '100000000000000001';
export const GENERAL = '100000000000000002';
export const DEPLOYS = '100000000000000003';

/** A 1×1 PNG, as a data URI, and its MD5 (the avatar hash the sandbox reports). */
export const PNG_BYTES = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
export const PNG_DATA_URI = `data:image/png;base64,${PNG_BYTES.toString('base64')}`;

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** A tiny client for raw assertions on status, headers and bodies. */
export class Api {
  constructor(
    readonly sandbox: Sandbox,
    private readonly token: string | null = BOT.token,
  ) {}

  as(token: string | null): Api {
    return new Api(this.sandbox, token);
  }

  async request<T = any>(
    method: string,
    path: string,
    options: { body?: unknown; raw?: string; headers?: Record<string, string>; base?: string } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.token !== null) headers.Authorization = `Bot ${this.token}`;
    let body: string | undefined;
    if (options.raw !== undefined) {
      body = options.raw;
      headers['Content-Type'] ??= 'application/json';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['Content-Type'] = 'application/json';
    }
    const response = await fetch(`${options.base ?? this.sandbox.apiBase}${path}`, { method, headers, body });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
  }

  get<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('GET', path, headers ? { headers } : {});
  }

  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, { body: body ?? {}, ...(headers ? { headers } : {}) });
  }

  patch<T = any>(path: string, body: unknown, headers?: Record<string, string>) {
    return this.request<T>('PATCH', path, { body, ...(headers ? { headers } : {}) });
  }

  delete<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('DELETE', path, headers ? { headers } : {});
  }

  admin<T = any>(method: string, path: string, body?: unknown) {
    return this.as(null).request<T>(method, path, { base: `${this.sandbox.url}/__sandbox`, ...(body !== undefined ? { body } : {}) });
  }
}

export async function startTestSandbox(options: SandboxOptions = {}): Promise<{ sandbox: Sandbox; api: Api }> {
  const sandbox = await startSandbox({ rateLimits: 'off', ...options });
  return { sandbox, api: new Api(sandbox) };
}

/**
 * One sandbox for the tests of a file (or describe block): started before all of them, closed
 * after all, and reset before each unless `reset: false`. Call it before registering the
 * file's own hooks: its beforeAll and beforeEach then run first and its afterAll last
 * (vitest runs after-hooks in reverse). `sandbox` and `api` stand for the running sandbox,
 * so they may be taken at module scope and used once the tests run.
 */
export function useTestSandbox(options: SandboxOptions = {}, { reset = true } = {}): { sandbox: Sandbox; api: Api } {
  let running: Sandbox | undefined;
  const current = (): Sandbox => {
    if (!running) throw new Error('the test sandbox is not running (used outside a test or hook?)');
    return running;
  };
  beforeAll(async () => {
    ({ sandbox: running } = await startTestSandbox(options));
  });
  afterAll(async () => {
    await running?.close();
    running = undefined;
  });
  if (reset) beforeEach(() => current().reset());
  const sandbox = new Proxy({} as Sandbox, { get: (_target, key) => Reflect.get(current(), key) });
  return { sandbox, api: new Api(sandbox) };
}

export async function createWebhook(api: Api, channelId = GENERAL, name = 'Deploys'): Promise<any> {
  const response = await api.post(`/channels/${channelId}/webhooks`, { name });
  if (response.status !== 200) throw new Error(`create failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
