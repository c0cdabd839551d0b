import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { eventually } from '../support/eventually.js';
import { codeBlocks } from './markdown.js';

/**
 * The README's five-minute tour, replayed as written: its manifest, every `$ command` of its
 * console blocks, and the output it shows — against a sandbox on port 0 instead of 3000, the
 * CLI in-process. Generated webhook ids (19 digits; the seed's are 18) differ per run.
 */
const readme = await readFile(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
const tour = readme.split('\n## A five-minute tour\n')[1]!.split('\n## ')[0]!;

interface Step {
  command: string;
  output: string[];
}

/** `$ ` lines (with `\` continuations) and the output lines after each. */
function steps(): Step[] {
  const result: Step[] = [];
  for (const block of codeBlocks(tour).filter((b) => b.lang === 'console')) {
    const lines = block.text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.startsWith('$ ')) {
        let command = line.slice(2);
        while (command.endsWith('\\')) command = `${command.slice(0, -1).trimEnd()} ${lines[++i]!.trim()}`;
        result.push({ command, output: [] });
      } else {
        result.at(-1)!.output.push(line);
      }
    }
  }
  return result;
}

const normalize = (text: string) => text.replace(/\b\d{19}\b/g, '<id>').trimEnd();

describe('the README tour works as written', () => {
  let sandbox: Sandbox;
  let dir: string;
  let runtime: { stop: AbortController; done: Promise<number>; io: ReturnType<typeof createMemoryIo> } | undefined;
  const env: Record<string, string> = {};

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    dir = await mkdtemp(join(tmpdir(), 'cordform-tour-'));
  });
  afterAll(async () => {
    runtime?.stop.abort();
    await runtime?.done;
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** The tour's fixed address, swapped for this sandbox's. */
  const here = (text: string) => text.replaceAll('127.0.0.1:3000', `127.0.0.1:${sandbox.port}`).replaceAll('localhost:3000', `127.0.0.1:${sandbox.port}`);

  async function cordform(args: string[]): Promise<string> {
    const io = createMemoryIo({ cwd: dir, env: { ...env } });
    const code = await runCli(args, io);
    expect(io.stderr(), `cordform ${args.join(' ')}`).toBe('');
    expect(code, `cordform ${args.join(' ')}`).toBe(0);
    return io.stdout();
  }

  async function curl(command: string): Promise<string> {
    const url = /\s(https?:\/\/\S+|localhost:\S+|127\.0\.0\.1:\S+)/.exec(command)![1]!;
    const target = url.startsWith('http') ? url : `http://${url}`;
    const body = /-d '([^']*)'/.exec(command)?.[1];
    const response = await fetch(target, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.ok, command).toBe(true);
    const text = await response.text();
    const grep = /\| grep -o '([^']*)'/.exec(command)?.[1];
    return grep === undefined ? text : [...text.matchAll(new RegExp(grep, 'g'))].map((match) => match[0]).join('\n');
  }

  async function run(step: Step): Promise<string> {
    const command = here(step.command);
    const discard = command.endsWith('>/dev/null');
    const line = command.replace(/\s*>\/dev\/null$/, '');
    let output: string;
    if (line.startsWith('export ')) {
      const [name, value] = line.slice('export '.length).split('=') as [string, string];
      env[name] = value;
      output = '';
    } else if (line.startsWith('npx cordform sandbox')) {
      output = `sandbox listening on ${sandbox.url}\n`; // this test's sandbox is already running
    } else if (line === 'npx cordform run') {
      const stop = new AbortController();
      const io = createMemoryIo({ cwd: dir, env: { ...env }, signal: stop.signal });
      runtime = { stop, io, done: runCli(['run', '--port', '0'], io) };
      await eventually(() => io.stdout().includes('"msg":"runtime started"'), 10_000, 'the runtime to start');
      output = '';
    } else if (line.startsWith('npx cordform ')) {
      output = await cordform(line.slice('npx cordform '.length).split(' '));
    } else if (line.startsWith('sed -i.bak ')) {
      const [, from, to, file] = /^sed -i\.bak 's\/(.*)\/(.*)\/' (\S+)$/.exec(line)!;
      const path = join(dir, file!);
      const text = await readFile(path, 'utf8');
      expect(text, line).toContain(from!);
      await writeFile(path, text.replace(from!, to!));
      output = '';
    } else if (line.startsWith('curl ')) {
      output = await curl(line);
    } else {
      throw new Error(`the test does not know how to run: ${step.command}`);
    }
    return discard ? '' : output;
  }

  it('has a manifest and commands to replay', () => {
    expect(codeBlocks(tour).filter((block) => block.lang === 'yaml')).toHaveLength(1);
    expect(steps().map((step) => step.command.split(' ').slice(0, 2).join(' '))).toEqual(
      expect.arrayContaining(['npx cordform', 'export DISCORD_BOT_TOKEN=sandbox-bot-token', 'curl -s']),
    );
  });

  it('every command succeeds and prints what the README shows', async () => {
    await writeFile(join(dir, 'cordform.yaml'), `${codeBlocks(tour).find((block) => block.lang === 'yaml')!.text}\n`);
    for (const step of steps()) {
      const expected = normalize(here(step.output.join('\n')));
      // Reading the channel races the runtime's answer, as a person's second curl would: retry a little.
      const reads = step.command.startsWith('curl ') && !step.command.includes(' -d ');
      let output = normalize(await run(step));
      if (reads) await eventually(async () => (output = normalize(await run(step))) === expected, 5000, `$ ${step.command}`).catch(() => {});
      expect(output, `$ ${step.command}`).toBe(expected);
    }
    // The tour ends with the runtime's answer in #general.
    expect(normalize(await curl(`curl -s http://127.0.0.1:${sandbox.port}/__sandbox/channels/100000000000000002/messages | grep -o '"content":"[^"]*"'`))).toContain('Pong, sandbox-user!');
  });
});
