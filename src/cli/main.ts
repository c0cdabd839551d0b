import { setMaxListeners } from 'node:events';
import { CordformError, formatLocation } from '../errors.js';
import { formatManifestIssues } from '../manifest/format-issues.js';
import { ManifestError } from '../manifest/issues.js';
import { didYouMean } from '../manifest/did-you-mean.js';
import { VERSION } from '../version.js';
import { createProcessIo, INTERRUPTED_EXIT_CODE, type CliIo } from './io.js';

/**
 * The CLI only parses arguments and calls into the stages. Each command lives in its own
 * module, loaded lazily so that `cordform validate` does not pay for undici or listr2.
 */
export type CommandRunner = (args: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandRunner> }> = {
  validate: {
    summary: 'schema + semantic checks of the manifest, no network',
    load: async () => (await import('./commands/validate.js')).runValidate,
  },
  plan: {
    summary: 'show what apply would change',
    load: async () => (await import('./commands/plan.js')).runPlan,
  },
  apply: {
    summary: 'make Discord match the manifest',
    load: async () => (await import('./commands/apply.js')).runApply,
  },
  check: {
    summary: 'drift check for a schedule: exit 2 on drift',
    load: async () => (await import('./commands/check.js')).runCheck,
  },
  import: {
    summary: 'write a manifest from live webhooks',
    load: async () => (await import('./commands/import.js')).runImport,
  },
  output: {
    summary: "webhook URLs from live state (prints tokens: secrets)",
    load: async () => (await import('./commands/output.js')).runOutput,
  },
  rotate: {
    summary: 'a new URL for a webhook (replace it, delete the old one)',
    load: async () => (await import('./commands/rotate.js')).runRotate,
  },
  run: {
    summary: 'the runtime: execute command bindings',
    load: async () => (await import('./commands/run.js')).runRuntime,
  },
  sandbox: {
    summary: 'local Discord-compatible API for demos and tests',
    load: async () => (await import('./commands/sandbox.js')).runSandbox,
  },
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(
    ([name, { summary }]) => `  ${name.padEnd(width)}  ${summary}`,
  );
  return `cordform ${VERSION} — Discord webhooks and command bindings, as code\n\nUsage: cordform <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun \`cordform <command> --help\` (or \`cordform help <command>\`) for a command's options.\n`;
}

/** Runs one CLI invocation against an io; returns the exit code. Never calls process.exit. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  // `cordform help plan` is `cordform plan --help`, for every command.
  if (name === 'help' && rest[0] !== undefined) return runCli([rest[0], '--help'], io);
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name === undefined ? 1 : 0;
  }
  if (name === '--version' || name === '-V') {
    io.out(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`cordform: unknown command "${name}"${didYouMean(name, Object.keys(COMMANDS))}\n\n${usage()}`);
    return 1;
  }
  const debug = rest.includes('--debug');
  try {
    const runner = await command.load();
    return await runner(
      rest.filter((arg) => arg !== '--debug'),
      io,
    );
  } catch (error) {
    if (io.signal.aborted && isInterruption(error, io.signal)) {
      io.err('Interrupted: the command was interrupted before it wrote anything; nothing was changed.\n');
      return INTERRUPTED_EXIT_CODE;
    }
    reportError(error, io, debug);
    return 1;
  }
}

/** The error is the interrupt itself (a read or wait cut short), not a failure of its own. */
function isInterruption(error: unknown, signal: AbortSignal): boolean {
  if (error === signal.reason) return true;
  const e = error as { name?: unknown; code?: unknown } | null;
  return e?.name === 'AbortError' || e?.code === 'discord_request_not_sent';
}

/** Prints an error the way users should see it: code, location, message; stack only with --debug. */
export function reportError(error: unknown, io: CliIo, debug: boolean): void {
  if (error instanceof ManifestError) {
    // Every issue on its own file:line:col line (plus GitHub annotations in Actions).
    const errors = error.issues.filter((issue) => issue.severity === 'error');
    // Workflow commands are read from stdout by the Actions runner.
    if (io.env.GITHUB_ACTIONS === 'true') io.out(formatManifestIssues(errors, { githubActions: true }));
    else io.err(formatManifestIssues(errors, { githubActions: false }));
    io.err(`\nError: the manifest is invalid (${errors.length} error${errors.length === 1 ? '' : 's'}); nothing was changed.\n`);
    return;
  }
  if (error instanceof CordformError) {
    const where = error.location ? `${formatLocation(error.location)}: ` : '';
    io.err(`Error: ${where}${error.message} [${error.code}]\n`);
    if (debug && error.stack) io.err(`${error.stack}\n`);
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.err(`Error: internal error: ${message} [internal]\n`);
  if (debug && error instanceof Error && error.stack) io.err(`${error.stack}\n`);
  else io.err('Run again with --debug for the stack trace; this is a bug in cordform.\n');
}

/**
 * The process entry point used by bin/cordform. The first SIGINT/SIGTERM aborts `signal`
 * (stop reading, start no new writes, shut down), the second `hardSignal` (abort writes in
 * flight); the command still reports what happened and exits 130.
 */
export async function main(argv: string[]): Promise<number> {
  const soft = new AbortController();
  const hard = new AbortController();
  // One signal pair for the whole invocation: every queued request and action of an apply
  // or a running runtime listens on it at once, by design.
  setMaxListeners(0, soft.signal);
  setMaxListeners(0, hard.signal);
  let signals = 0;
  const stop = () => {
    signals += 1;
    if (signals === 1) soft.abort();
    else if (signals === 2) hard.abort();
    // A third: whatever is stuck, the user wants out now.
    else process.exit(INTERRUPTED_EXIT_CODE);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    return await runCli(argv, createProcessIo(soft.signal, hard.signal));
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
