import { createMemoryIo } from '../../src/cli/io.js';
import type { CommandDeclaration, Manifest } from '../../src/manifest/types.js';
import { startRuntime, type Runtime, type RuntimeOptions } from '../../src/runtime/runtime.js';
import { FakeDiscordApi, FakeGateway, guild, manifest, webhook } from './fixtures.js';

/** The real runtime (HTTP server, actions, callbacks) on a DiscordApi and gateway double. */
export interface FakeRuntime {
  runtime: Runtime;
  api: FakeDiscordApi;
  gateway: FakeGateway;
  io: ReturnType<typeof createMemoryIo>;
  metrics(): Promise<string>;
  metric(name: string, labels: string): Promise<number>;
}

const running: Runtime[] = [];

export async function startFakeRuntime(
  commands: CommandDeclaration[],
  extra: Partial<RuntimeOptions> = {},
  m?: Manifest,
): Promise<FakeRuntime> {
  const api = new FakeDiscordApi();
  const gateway = new FakeGateway();
  const io = createMemoryIo({ cwd: process.cwd() });
  const runtime = await startRuntime({
    manifest: m ?? manifest([guild(commands, { webhooks: [webhook('Deploys')] })]),
    api,
    createGateway: gateway.factory,
    port: 0,
    host: '127.0.0.1',
    io,
    node: 'test-node-1',
    retry: { baseDelayMs: 10, maxDelayMs: 50, budgetMs: 3000 },
    drainTimeoutMs: 5000,
    ...extra,
  });
  running.push(runtime);
  const metrics = async () => (await fetch(`http://127.0.0.1:${runtime.port}/metrics`)).text();
  const metric = async (name: string, labels: string) => {
    const line = (await metrics()).split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
    return line ? Number(line.split(' ').pop()) : 0;
  };
  return { runtime, api, gateway, io, metrics, metric };
}

/** Stops every runtime started since the last call (an afterEach). */
export async function stopFakeRuntimes(): Promise<void> {
  await Promise.all(running.splice(0).map((runtime) => runtime.stop()));
}
