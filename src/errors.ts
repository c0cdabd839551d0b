/**
 * One error base class for everything cordform reports to a user.
 *
 * `code` is stable (tests and scripts match on it), `fault` says whether the user's input
 * or cordform itself is to blame, `details` is JSON-safe, and `location` points into a
 * manifest when there is one. Only the CLI decides how to print it and which exit code
 * follows; the stack is shown only with `--debug`.
 */
import type { ErrorCode } from './error-codes.js';

export type Fault = 'user' | 'tool' | 'remote';

export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export interface CordformErrorOptions {
  fault?: Fault;
  details?: Record<string, unknown>;
  location?: SourceLocation;
  cause?: unknown;
}

export type { ErrorCode } from './error-codes.js';

export class CordformError extends Error {
  readonly code: ErrorCode;
  readonly fault: Fault;
  readonly details: Record<string, unknown>;
  readonly location: SourceLocation | undefined;

  constructor(code: ErrorCode, message: string, options: CordformErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CordformError';
    this.code = code;
    this.fault = options.fault ?? 'user';
    this.details = options.details ?? {};
    this.location = options.location;
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      fault: this.fault,
      ...(this.location ? { location: this.location } : {}),
      ...(Object.keys(this.details).length > 0 ? { details: this.details } : {}),
    };
  }
}

/** Formats `file:line:col` the way editors and GitHub annotations understand it. */
export function formatLocation(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}

/** Exhaustiveness check for `switch` statements over unions. */
export function assertNever(value: never, what = 'value'): never {
  throw new CordformError('internal_unreachable', `unexpected ${what}: ${JSON.stringify(value)}`, {
    fault: 'tool',
  });
}
