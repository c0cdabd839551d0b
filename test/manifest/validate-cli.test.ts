import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createMemoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { writeTree } from './helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDAx.secret-bot-token';

async function validate(args: string[], env: Record<string, string | undefined> = { DISCORD_BOT_TOKEN: TOKEN }, cwd = root) {
  const io = createMemoryIo({ cwd, env });
  const code = await runCli(['validate', ...args], io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

const BAD = `version: 1
discord:
  token: \${DISCORD_BOT_TOKEN}
guilds:
  - id: 535097935923380201
    webhooks:
      - name: Deploys
        chanel: "100000000000000002"
`;

describe('cordform validate', () => {
  it('exit 0 with a one-line summary for a valid manifest', async () => {
    const { code, stdout, stderr } = await validate(['-f', 'examples/basic.yaml']);
    expect(code).toBe(0);
    expect(stdout).toBe('examples/basic.yaml: valid (2 webhooks, 1 command in 1 guild)\n');
    expect(stderr).toBe('');
  });

  it('reads ./cordform.yaml by default', async () => {
    const dir = writeTree({ 'cordform.yaml': 'version: 1\ndiscord:\n  token: ${DISCORD_BOT_TOKEN}\nguilds: []\n' });
    const { code, stdout } = await validate([], { DISCORD_BOT_TOKEN: TOKEN }, dir);
    expect(code).toBe(0);
    expect(stdout).toContain('cordform.yaml: valid (0 webhooks, 0 commands in 0 guilds, 1 warning)');
  });

  it('exit 1 with every error as file:line:col: message [code]', async () => {
    const dir = writeTree({ 'bad.yaml': BAD });
    const { code, stdout } = await validate(['--file', 'bad.yaml'], { DISCORD_BOT_TOKEN: TOKEN }, dir);
    expect(code).toBe(1);
    expect(stdout).toMatchInlineSnapshot(`
      "bad.yaml:5:9: guilds[0].id: Discord ids must be quoted strings (YAML reads it as the number 535097935923380200, losing digits); quote it: "535097935923380201" [snowflake_unquoted]
      bad.yaml:7:9: guilds[0].webhooks[0]: webhook is missing required key "channel" [schema_required]
      bad.yaml:8:9: unknown key "chanel" in Webhook; did you mean "channel"? [schema_unknown_key]
      bad.yaml: invalid (3 errors)
      "
    `);
  });

  it('--format json prints {valid, errors, warnings}', async () => {
    const dir = writeTree({ 'bad.yaml': BAD });
    const { code, stdout } = await validate(['-f', 'bad.yaml', '--format', 'json'], { DISCORD_BOT_TOKEN: TOKEN }, dir);
    expect(code).toBe(1);
    const parsed = JSON.parse(stdout) as { valid: boolean; errors: { code: string; location: unknown }[]; warnings: unknown[] };
    expect(parsed.valid).toBe(false);
    expect(parsed.errors.map((error) => error.code)).toEqual(['snowflake_unquoted', 'schema_required', 'schema_unknown_key']);
    expect(parsed.errors[0]?.location).toEqual({ file: 'bad.yaml', line: 5, column: 9 });
    expect(parsed.warnings).toEqual([]);

    const ok = await validate(['-f', 'examples/basic.yaml', '--format', 'json']);
    expect(JSON.parse(ok.stdout)).toEqual({ valid: true, files: ['examples/basic.yaml'], counts: { guilds: 1, webhooks: 2, commands: 1 }, errors: [], warnings: [], info: [] });
  });

  it('adds GitHub annotations when GITHUB_ACTIONS=true', async () => {
    const dir = writeTree({ 'bad.yaml': BAD });
    const { stdout } = await validate(['-f', 'bad.yaml'], { DISCORD_BOT_TOKEN: TOKEN, GITHUB_ACTIONS: 'true' }, dir);
    expect(stdout).toContain('::error file=bad.yaml,line=8,col=9,title=cordform schema_unknown_key::unknown key "chanel" in Webhook; did you mean "channel"?\n');
    expect(stdout.match(/^::error /gm)).toHaveLength(3);
  });

  it('never prints the token, even when it is what is wrong', async () => {
    const dir = writeTree({
      'a.yaml': 'version: 1\ndiscord:\n  token: ${DISCORD_BOT_TOKEN}\n  api_base: ${DISCORD_BOT_TOKEN}\nguilds: []\n',
      'good.yaml': 'version: 1\ndiscord:\n  token: ${DISCORD_BOT_TOKEN}\nguilds: []\n',
    });
    for (const args of [['-f', 'a.yaml'], ['-f', 'a.yaml', '--format', 'json'], ['-f', 'good.yaml'], ['-f', 'good.yaml', '--format', 'json']]) {
      const { stdout, stderr } = await validate(args, { DISCORD_BOT_TOKEN: TOKEN }, dir);
      expect(stdout + stderr).not.toContain(TOKEN);
      expect(stdout + stderr).not.toContain('secret-bot-token');
    }
  });

  it('usage errors: unknown flag, bad --format, missing -f value', async () => {
    expect((await validate(['--frobnicate'])).code).toBe(1);
    const format = await validate(['--format', 'xml']);
    expect(format.code).toBe(1);
    expect(format.stderr).toContain('--format must be one of text, json');
    expect((await validate(['-f'])).stderr).toContain('cli_usage');
  });

  it('statically imports nothing heavy (no undici, listr2, pino, ws): validate starts fast', () => {
    const bare = new Set<string>();
    const seen = new Set<string>();
    const queue = [path.join(root, 'src/cli/commands/validate.ts')];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      // Static imports and re-exports only; `import()` is lazy by design.
      for (const match of source.matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gm)) {
        const specifier = match[1]!;
        if (specifier.startsWith('.')) queue.push(path.resolve(path.dirname(file), specifier.replace(/\.js$/, '.ts')));
        else bare.add(specifier.split('/')[0]!);
      }
    }
    expect([...bare].filter((name) => ['undici', 'listr2', 'pino', 'prom-client', 'ws', 'diff'].includes(name))).toEqual([]);
  });
});
