import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CordformError } from '../errors.js';
import { didYouMean } from '../manifest/did-you-mean.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type HelpOption = { help: { type: 'boolean'; short: 'h' } };

/**
 * node:util parseArgs with cordform's error style: an unknown flag or a missing value is a
 * usage error (exit 1) that names the flag, and `--help` is handled by the caller.
 */
export function parseCommandArgs<O extends Options>(
  command: string,
  args: string[],
  options: O,
  allowPositionals = false,
): ReturnType<typeof parseArgs<{ args: string[]; options: O & HelpOption; allowPositionals: boolean; strict: true }>> {
  try {
    const withHelp: O & HelpOption = { ...options, help: { type: 'boolean', short: 'h' } };
    return parseArgs({ args, options: withHelp, allowPositionals, strict: true });
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).replace(/\. To specify.*$/s, '');
    const unknown = /^Unknown option '(--?[^']+)'/.exec(message)?.[1];
    const flags = Object.entries(options).flatMap(([name, option]) => [`--${name}`, ...(option.short ? [`-${option.short}`] : [])]);
    const hint = unknown ? didYouMean(unknown, flags) || `; see \`cordform ${command} --help\`` : '';
    throw new CordformError('cli_usage', `${command}: ${message}${hint}`, { details: { command } });
  }
}

/** Parses a non-negative integer flag value or throws a usage error naming the flag. */
export function parseCount(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) {
    throw new CordformError('cli_usage', `${flag} expects a non-negative integer, got "${value}"`);
  }
  return Number(value);
}

export function parseChoice<T extends string>(flag: string, value: string | undefined, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new CordformError('cli_usage', `${flag} must be one of ${choices.join(', ')}; got "${value}"`);
}
