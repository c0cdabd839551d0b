/**
 * `cordform run` as a function: the manifest's client (the one `createClientFor`), a real
 * gateway connection per shard, and the runtime over them. The returned `stop()` also
 * closes the client.
 */
import { GatewayClient } from '../discord/gateway-client.js';
import type { Manifest } from '../manifest/types.js';
import { Redactor } from '../redact.js';
import { startRuntime, type Runtime, type RuntimeOptions } from '../runtime/runtime.js';
import { createClientFor, type ClientOptions } from './client.js';

export interface StartRuntimeOptions extends Omit<ClientOptions, 'redactor'>, Pick<RuntimeOptions, 'port' | 'host' | 'logLevel' | 'shards' | 'publicUrl'> {
  /** Where JSON log lines go (default: stdout). Secrets are masked before they get here. */
  log?: (line: string) => void;
  redactor?: Redactor;
}

export async function startManifestRuntime(manifest: Manifest, options: StartRuntimeOptions): Promise<Runtime> {
  const redactor = options.redactor ?? new Redactor();
  const api = createClientFor(manifest, { ...options, redactor });
  const write = options.log ?? ((line: string) => void process.stdout.write(line));
  try {
    const runtime = await startRuntime({
      manifest,
      api,
      createGateway: (gatewayOptions) => new GatewayClient(gatewayOptions),
      // Loopback unless told otherwise: expose it deliberately (--host 0.0.0.0, or behind a
      // reverse proxy that terminates TLS for Discord's interaction deliveries).
      host: options.host ?? '127.0.0.1',
      // The runtime writes here only through its logger, which masks every line already.
      io: { out: write, redactor },
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
      ...(options.shards === undefined ? {} : { shards: options.shards }),
      ...(options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }),
    });
    return {
      ...runtime,
      stop: async () => {
        try {
          await runtime.stop();
        } finally {
          await api.close();
        }
      },
    };
  } catch (error) {
    await api.close();
    throw error;
  }
}
