import type { CliIo } from '../io.js';
import { runPlan } from './plan.js';

/** `cordform check` = `cordform plan --check`: exit 0 in sync, 2 on drift, 1 on error. */
export async function runCheck(args: string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(`Usage: cordform check [-f FILE]... [--target KEY]... [--quiet]\n\nDrift check for a scheduled job: exit 0 when Discord matches the manifest, 2 on drift (with a summary), 1 on error.\n`);
    return 0;
  }
  return runPlan(['--check', ...args], io);
}
