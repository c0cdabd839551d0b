import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usage } from '../../src/cli/main.js';
import { DEPLOYS, GENERAL, GUILD, manifestYaml, startHarness, type Harness } from '../support/cli-harness.js';

/** A port nothing listens on: bound, then closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Every command the CLI lists, from its own usage text. */
const commands = usage()
  .split('Commands:\n')[1]!
  .split('\n\n')[0]!
  .split('\n')
  .map((line) => line.trim().split(/\s+/)[0]!);

describe('CLI errors say what and where, through the CLI against the sandbox', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await h.manifest(manifestYaml([{ name: 'Deploys', channel: GENERAL }]));
  });
  afterAll(async () => h.close());

  it('CORDFORM_API_BASE that is not a URL is refused at once, naming the variable (no retries)', async () => {
    for (const args of [['plan'], ['check'], ['apply', '--auto-approve'], ['import', '--guild', GUILD]]) {
      const run = await h.cli(args, { env: { CORDFORM_API_BASE: 'not-a-url' } });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('CORDFORM_API_BASE must be an http:// or https:// URL');
      expect(run.stderr).toContain('got "not-a-url" [config_invalid]');
      expect(run.stderr).not.toContain('attempt');
    }
  });

  it('a connection error names the host and port it could not reach', async () => {
    const port = await closedPort();
    const run = await h.cli(['plan'], { env: { CORDFORM_API_BASE: `http://127.0.0.1:${port}/api/v10` } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`GET /users/@me: connection to 127.0.0.1:${port} failed (ECONNREFUSED)`);
  });

  it('import --channel with a channel the guild does not have exits 1, names it, lists the channels, writes nothing', async () => {
    const run = await h.cli(['import', '--guild', GUILD, '--channel', '100000000000000999', '--out', 'imported.yaml']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--channel 100000000000000999: no such channel in guild 100000000000000001; nothing was written.');
    expect(run.stderr).toContain(`#general (${GENERAL})`);
    expect(run.stderr).toContain(`#deploys (${DEPLOYS})`);
    expect(existsSync(join(h.dir, 'imported.yaml'))).toBe(false);
  });

  it('check --format json prints the plan as JSON, like plan --format json, with the drift status first', async () => {
    const plan = await h.cli(['plan', '--format', 'json']);
    const check = await h.cli(['check', '--format', 'json']);
    expect(check.code).toBe(2);
    const parsed = JSON.parse(check.stdout) as Record<string, unknown>;
    expect(Object.keys(parsed)[0]).toBe('drift');
    const { drift, ...rest } = parsed;
    expect(drift).toBe('drift');
    expect(rest).toEqual(JSON.parse(plan.stdout));
    expect((rest.changes as { action: string }[]).map((change) => change.action)).toEqual(['create']);

    expect((await h.cli(['apply', '--auto-approve'])).code).toBe(0);
    const converged = await h.cli(['check', '--format', 'json']);
    expect(converged.code).toBe(0);
    expect(JSON.parse(converged.stdout)).toMatchObject({ drift: 'none', changes: [] });
  });

  it('`cordform help COMMAND` prints exactly what `cordform COMMAND --help` prints, for every command', async () => {
    expect(commands).toEqual(expect.arrayContaining(['validate', 'plan', 'apply', 'check', 'import', 'run', 'sandbox']));
    for (const command of commands) {
      const viaHelp = await h.cli(['help', command]);
      const viaFlag = await h.cli([command, '--help']);
      expect(viaHelp.code, command).toBe(0);
      expect(viaHelp.stdout, command).toBe(viaFlag.stdout);
      expect(viaHelp.stdout, command).toMatch(new RegExp(`^Usage: cordform ${command}\\b`));
    }
    const unknown = await h.cli(['help', 'plna']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown command "plna"; did you mean "plan"?');
  });

  it('an unknown flag of check blames check, not plan', async () => {
    const run = await h.cli(['check', '--bogus']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^Error: check: Unknown option '--bogus'/);
    expect(run.stderr).toContain('`cordform check --help`');
    expect(run.stderr).not.toContain('plan');
  });
});
