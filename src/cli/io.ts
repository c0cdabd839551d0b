import { setMaxListeners } from 'node:events';
import { Redactor } from '../redact.js';

/**
 * Everything a command needs from its surroundings, injected so that tests run commands
 * in-process and so that all output goes through one sink (which redacts secrets).
 */
export interface CliIo {
  cwd: string;
  env: Record<string, string | undefined>;
  /** True when a human is at a terminal: prompts and colour are allowed. */
  interactive: boolean;
  color: boolean;
  out(text: string): void;
  err(text: string): void;
  /**
   * stdout without redaction: webhook URLs with their tokens. Only `output` (and `rotate` on
   * a terminal) print through it — the one place cordform shows a secret, on purpose. `run`
   * writes its log lines here too: the runtime's logger has masked them with `redactor`.
   */
  revealOut(text: string): void;
  /** Ask a yes/no question; only called when `interactive`. */
  confirm(question: string): Promise<boolean>;
  redactor: Redactor;
  /**
   * Aborted on the first SIGINT/SIGTERM: reads stop, long-running commands (run, sandbox)
   * shut down, apply starts no new writes.
   */
  signal: AbortSignal;
  /** Aborted on the second SIGINT/SIGTERM: apply aborts the writes still in flight too. */
  hardSignal: AbortSignal;
}

/** Exit code after SIGINT/SIGTERM, as shells report a process ended by SIGINT (128 + 2). */
export const INTERRUPTED_EXIT_CODE = 130;

/** Running in CI: CI set to anything but empty, `false` or `0` (CI=true, CI=1, …). */
export function isCi(env: Record<string, string | undefined>): boolean {
  return env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';
}

/** Decides interactivity and colour the way the CLI contract says: CI=true, no TTY or NO_COLOR. */
export function detectTerminal(
  env: Record<string, string | undefined>,
  stdoutIsTTY: boolean,
): { interactive: boolean; color: boolean } {
  const interactive = stdoutIsTTY && !isCi(env);
  const color = interactive && env.NO_COLOR === undefined && env.TERM !== 'dumb';
  return { interactive, color };
}

/** The real process's io: stdout/stderr with redaction, readline prompt on a TTY. */
export function createProcessIo(signal: AbortSignal, hardSignal: AbortSignal): CliIo {
  const redactor = new Redactor();
  const { interactive, color } = detectTerminal(process.env, Boolean(process.stdout.isTTY));
  return {
    cwd: process.cwd(),
    env: process.env,
    interactive,
    color,
    redactor,
    signal,
    hardSignal,
    out: (text) => void process.stdout.write(redactor.redact(text)),
    err: (text) => void process.stderr.write(redactor.redact(text)),
    revealOut: (text) => void process.stdout.write(text),
    confirm: async (question) => {
      const { createInterface } = await import('node:readline/promises');
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      try {
        const answer = await rl.question(`${question} `);
        return answer.trim().toLowerCase() === 'yes';
      } finally {
        rl.close();
      }
    },
  };
}

/** An in-memory io for tests and the programmatic API: collects output as strings. */
export function createMemoryIo(options: {
  cwd: string;
  env?: Record<string, string | undefined>;
  interactive?: boolean;
  answer?: boolean;
  signal?: AbortSignal;
  hardSignal?: AbortSignal;
}): CliIo & { stdout: () => string; stderr: () => string } {
  const redactor = new Redactor();
  let out = '';
  let err = '';
  return {
    cwd: options.cwd,
    env: options.env ?? {},
    interactive: options.interactive ?? false,
    color: false,
    redactor,
    signal: options.signal ?? unlimitedSignal(),
    hardSignal: options.hardSignal ?? unlimitedSignal(),
    out: (text) => void (out += redactor.redact(text)),
    err: (text) => void (err += redactor.redact(text)),
    revealOut: (text) => void (out += text),
    confirm: async () => options.answer ?? false,
    stdout: () => out,
    stderr: () => err,
  };
}

/** Like the process io's signal: many concurrent operations listen on it by design. */
function unlimitedSignal(): AbortSignal {
  const { signal } = new AbortController();
  setMaxListeners(0, signal);
  return signal;
}
