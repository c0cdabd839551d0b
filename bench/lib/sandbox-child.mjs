// Runs one sandbox for a benchmark: `node sandbox-child.mjs CONFIG.json` with {seed?, rateLimits}.
import { readFileSync } from 'node:fs';
import { dist } from './paths.mjs';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const { startSandbox } = await dist('sandbox/server.js');
const sandbox = await startSandbox({ ...(config.seed ? { seed: config.seed } : {}), rateLimits: config.rateLimits ?? 'discord' });
process.stdout.write(`sandbox listening on ${sandbox.url}\n`);
const stop = () => void sandbox.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
