import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/main.js';
import { createMemoryIo } from '../../src/cli/io.js';
import { VERSION } from '../../src/version.js';

const bin = fileURLToPath(new URL('../../bin/cordform', import.meta.url));

describe('cordform entry point', () => {
  it('bin/cordform runs from the built dist and prints the version', async () => {
    const { stdout } = await promisify(execFile)(bin, ['--version']);
    expect(stdout.trim()).toBe(VERSION);
  });

  it('an unknown command is an error with usage and exit 1', async () => {
    const io = createMemoryIo({ cwd: process.cwd() });
    const code = await runCli(['frobnicate'], io);
    expect(code).toBe(1);
    expect(io.stderr()).toContain('unknown command "frobnicate"');
    expect(io.stderr()).toContain('Usage: cordform <command>');
  });

  it('a mistyped command or flag gets the nearest real one suggested', async () => {
    const command = createMemoryIo({ cwd: process.cwd() });
    expect(await runCli(['aply'], command)).toBe(1);
    expect(command.stderr()).toContain('unknown command "aply"; did you mean "apply"?');
    const flag = createMemoryIo({ cwd: process.cwd() });
    expect(await runCli(['plan', '--formt', 'json'], flag)).toBe(1);
    expect(flag.stderr()).toContain(`plan: Unknown option '--formt'; did you mean "--format"?`);
    const far = createMemoryIo({ cwd: process.cwd() });
    expect(await runCli(['plan', '--zzzzzz'], far)).toBe(1);
    expect(far.stderr()).toContain('see `cordform plan --help`');
  });
});
