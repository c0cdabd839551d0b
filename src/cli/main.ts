import { setMaxListeners } from 'node:events';
import { CordformError, formatLocation } from '../errors.js';
import { formatManifestIssues } from '../manifest/format-issues.js';
import { ManifestError } from '../manifest/issues.js';
import { didYouMean } from '../manifest/did-you-mean.js';
import { VERSION } from '../version.js';
import { createProcessIo, type CliIo } from './io.js';

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
    reportError(error, io, debug);
    return 1;
  }
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

/** The process entry point used by bin/cordform. */
export async function main(argv: string[]): Promise<number> {
  const controller = new AbortController();
  // One signal for the whole invocation: every queued request and action of an apply or a
  // running runtime listens on it at once, by design.
  setMaxListeners(0, controller.signal);
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await runCli(argv, createProcessIo(controller.signal));
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
