import { pino, type Logger } from 'pino';
import type { Redactor } from '../redact.js';

/**
 * JSON logs (pino) for the runtime, one line per event, written to the CLI's output sink.
 * Two layers keep secrets out: pino's `redact` censors fields that hold secrets by name,
 * and every line passes through the Redactor, which knows each secret value the runtime
 * has seen (bot token, Bearer tokens, signing secrets, live webhook tokens).
 */
export type RuntimeLogger = Logger;

const REDACT_PATHS = [
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers["x-api-key"]',
  'signingSecret',
  '*.signingSecret',
  'signing_secret',
  '*.signing_secret',
  'secret',
  '*.secret',
];

export function createRuntimeLogger(options: {
  write(line: string): void;
  redactor: Redactor;
  level?: string;
  /** Fields on every line, e.g. `{shard: "1/4"}` for a sharded process. */
  base?: Record<string, unknown>;
}): RuntimeLogger {
  const { write, redactor } = options;
  return pino(
    {
      level: options.level ?? 'info',
      base: options.base,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '***' },
      formatters: { level: (label) => ({ level: label }) },
    },
    { write: (line: string) => write(redactor.redact(line)) },
  );
}
