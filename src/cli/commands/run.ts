import { CordformError } from '../../errors.js';
import { startManifestRuntime } from '../../api/start-runtime.js';
import { parseChoice, parseCommandArgs, parseCount } from '../args.js';
import type { CliIo } from '../io.js';
import { MANIFEST_FLAGS, loadManifestFor, manifestFiles } from '../manifest-flags.js';
import { VARIABLE_NEEDS } from '../../manifest/variable-classes.js';
import { parsePublicUrl, parseShardFlags } from '../shard-flag.js';

const USAGE = `Usage: cordform run [-f FILE]... [--port N] [--host ADDRESS] [--public-url URL]
                    [--shard I/N | --shards auto] [--log-level LEVEL]

Runs the manifest's command bindings: connects to the Discord gateway, executes the
declared actions, and serves on one HTTP port:
  GET  /healthz       200 once every gateway shard is READY, else 503
  GET  /metrics       Prometheus text
  POST /interactions  slash commands (needs discord.public_key)
  POST /v1/actions    callbacks from HTTP_POST targets (Authorization: Bearer TOKEN)
Stops on SIGINT/SIGTERM after draining in-flight actions up to their deadline. Logs are
JSON lines on stdout. Needs every \${VAR} the manifest references, runtime secrets
included (docs/runtime.md).

Options:
  -f, --file FILE      manifest file or directory (repeatable; default cordform.yaml)
  --port N             HTTP port (default: the manifest's runtime.port, else 8080)
  --host ADDRESS       address to bind (default 127.0.0.1; 0.0.0.0 in a container)
  --public-url URL     this runtime's base URL as HTTP_POST targets reach it, sent as
                       X-CloudCord-APIBase with a 15-minute X-Cordform-Callback-Token
                       (default: the listen address)
  --shard I/N          run gateway shard I of N (Discord routes guild G to shard
                       (G >> 22) % N); one process per shard, e.g. a StatefulSet pod
                       ordinal. I may be a pod name ending in -ORDINAL. Also
                       CORDFORM_SHARD=I/N (or CORDFORM_SHARD=auto)
  --shards auto        run every shard GET /gateway/bot recommends, in this process
  --log-level LEVEL    debug, info (default), warn or error

See docs/runtime.md for sharding, deployment (Docker, Kubernetes), a shared REST
rate-limit proxy (discord.api_base), callbacks and the server's limits.
`;

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** `cordform run`: load the manifest, connect, run until the signal, drain, exit 0. */
export async function runRuntime(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs('run', args, {
    ...MANIFEST_FLAGS,
    port: { type: 'string' },
    host: { type: 'string' },
    'public-url': { type: 'string' },
    shard: { type: 'string' },
    shards: { type: 'string' },
    'log-level': { type: 'string' },
  });
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const port = parseCount('--port', values.port);
  if (port !== undefined && port > 65535) throw new CordformError('cli_usage', `--port must be at most 65535, got ${port}`);
  const logLevel = parseChoice('--log-level', values['log-level'], LOG_LEVELS, 'info');
  const shards = parseShardFlags(values, io.env);
  const publicUrl = parsePublicUrl(values['public-url']);

  const manifest = await loadManifestFor(manifestFiles(values), io, VARIABLE_NEEDS.runtime);
  const runtime = await startManifestRuntime(manifest, {
    env: io.env,
    redactor: io.redactor,
    // Each line comes masked by the runtime's logger (with io.redactor): no second pass.
    log: (line) => io.revealOut(line),
    ...(port === undefined ? {} : { port }),
    ...(values.host === undefined ? {} : { host: values.host }),
    logLevel,
    ...(shards ? { shards } : {}),
    ...(publicUrl ? { publicUrl } : {}),
  });
  const fatal = await untilStopped(io.signal, runtime.closed);
  await runtime.stop();
  if (fatal !== undefined) throw fatal;
  return 0;
}

/** Resolves on the abort signal (undefined) or with the error that ended the gateway. */
function untilStopped(signal: AbortSignal, closed: Promise<void>): Promise<unknown> {
  const ended = new CordformError('gateway_closed', 'the gateway connection closed', { fault: 'remote' });
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(undefined);
    signal.addEventListener('abort', () => resolve(undefined), { once: true });
    closed.then(
      () => resolve(ended),
      (error: unknown) => resolve(error ?? ended),
    );
  });
}
