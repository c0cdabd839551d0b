import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CordformError } from '../../errors.js';
import { readFaultFile } from '../../sandbox/http/faults.js';
import { readRateLimitProfile, type RateLimitProfile } from '../../sandbox/http/rate-limit-profile.js';
import { readSeedFile } from '../../sandbox/store/seed.js';
import { startSandbox, type SandboxOptions } from '../../sandbox/server.js';
import type { CliIo } from '../io.js';

const HELP = `Usage: cordform sandbox [options]

A local Discord-compatible API (REST under /api/v10 and /api, gateway, admin API under
/__sandbox) for demos and tests; reference in docs/sandbox.md. Prints one line
"sandbox listening on http://HOST:PORT" when ready and runs until SIGINT/SIGTERM.

Options:
  --port N                     port to listen on (default 0: pick a free one)
  --host HOST                  address to bind (default 127.0.0.1)
  --seed FILE                  YAML/JSON seed: bots, users, guilds, channels (default: built-in;
                               schema/sandbox-seed.schema.json)
  --state FILE                 load from and persist to FILE: every write is journaled to
                               FILE.journal and fsynced before it is answered
  --rate-limits discord|off|FILE
                               rate-limit profile (default discord)
  --gateway-heartbeat-ms N     gateway heartbeat interval (default 41250)
  --faults FILE                YAML/JSON fault injection set (docs/sandbox.md "Fault injection")
`;

/** `cordform sandbox`: parse flags, start the server, wait for the abort signal, close cleanly. */
export async function runSandbox(args: string[], io: CliIo): Promise<number> {
  const flags = parseFlags(args);
  if (flags.help) {
    io.out(HELP);
    return 0;
  }
  const options = await buildOptions(flags, io.cwd);
  const sandbox = await startSandbox(options);
  io.out(`sandbox listening on ${sandbox.url}\n`);
  await new Promise<void>((done) => {
    if (io.signal.aborted) done();
    else io.signal.addEventListener('abort', () => done(), { once: true });
  });
  await sandbox.close();
  return 0;
}

interface SandboxFlags {
  help?: boolean;
  port?: string;
  host?: string;
  seed?: string;
  state?: string;
  'rate-limits'?: string;
  'gateway-heartbeat-ms'?: string;
  faults?: string;
}

function parseFlags(args: string[]): SandboxFlags {
  try {
    return parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        state: { type: 'string' },
        'rate-limits': { type: 'string' },
        'gateway-heartbeat-ms': { type: 'string' },
        faults: { type: 'string' },
      },
    }).values;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CordformError('cli_usage', `sandbox: ${message.replace(/\. To specify.*$/s, '')}`);
  }
}

async function buildOptions(flags: SandboxFlags, cwd: string): Promise<SandboxOptions> {
  const options: SandboxOptions = {};
  if (flags.port !== undefined) options.port = integerFlag('--port', flags.port, 65535);
  if (flags.host !== undefined) options.host = flags.host;
  if (flags.seed !== undefined) options.seed = await readSeedFile(resolve(cwd, flags.seed));
  if (flags.state !== undefined) options.statePath = resolve(cwd, flags.state);
  if (flags.faults !== undefined) options.faults = await readFaultFile(resolve(cwd, flags.faults));
  if (flags['gateway-heartbeat-ms'] !== undefined) {
    options.gatewayHeartbeatMs = integerFlag('--gateway-heartbeat-ms', flags['gateway-heartbeat-ms'], 3_600_000, 1);
  }
  const limits = flags['rate-limits'];
  if (limits !== undefined) options.rateLimits = await rateLimitsFlag(limits, cwd);
  return options;
}

async function rateLimitsFlag(value: string, cwd: string): Promise<'discord' | 'off' | RateLimitProfile> {
  if (value === 'discord' || value === 'off') return value;
  return readRateLimitProfile(resolve(cwd, value));
}

function integerFlag(flag: string, value: string, max: number, min = 0): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < min || parsed > max) {
    throw new CordformError('cli_usage', `${flag} expects an integer between ${min} and ${max}, got "${value}"`);
  }
  return parsed;
}
