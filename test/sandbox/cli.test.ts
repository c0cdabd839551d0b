import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { createMemoryIo } from '../../src/cli/io.js';
import { spawnCordform } from '../support/cordform-process.js';
import { ensureBuilt, READY, root } from '../support/sandbox-process.js';

describe('cordform sandbox (in-process)', () => {
  it('prints exactly one ready line, serves the API, stops with exit 0 on abort', async () => {
    const controller = new AbortController();
    const io = createMemoryIo({ cwd: root, signal: controller.signal });
    const running = runCli(['sandbox', '--port', '0', '--rate-limits', 'examples/sandbox-rate-limits.yaml'], io);
    let match: RegExpMatchArray | null = null;
    for (let i = 0; i < 100 && !match; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      match = READY.exec(io.stdout());
    }
    expect(match).not.toBeNull();
    const response = await fetch(`http://127.0.0.1:${match![1]}/api/v10/users/@me`, { headers: { Authorization: 'Bot sandbox-bot-token' } });
    expect(response.status).toBe(200);
    controller.abort();
    expect(await running).toBe(0);
    expect(io.stdout()).toMatch(READY);
    expect(io.stderr()).toBe('');
  });

  it('bad flags and bad files are errors with exit 1 that name the problem', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['sandbox', '--port', 'abc'], /--port expects an integer/],
      [['sandbox', '--bogus'], /Unknown option '--bogus'/],
      [['sandbox', '--seed', 'does-not-exist.yaml'], /cannot read seed file .*does-not-exist\.yaml/],
      [['sandbox', '--rate-limits', 'package.json'], /package\.json:2:3: name: unknown key "name"/],
    ];
    for (const [args, message] of cases) {
      const io = createMemoryIo({ cwd: root });
      expect(await runCli(args, io)).toBe(1);
      expect(io.stderr()).toMatch(message);
    }
  });

  it('a taken port or a bad --host is a plain error with exit 1, never "internal error"', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const cases: Array<[string[], string]> = [
        [['sandbox', '--port', String(port)], `port ${port} is in use`],
        [['sandbox', '--host', '203.0.113.7'], 'address not available'],
        [['sandbox', '--host', 'no-such-host.invalid'], 'cannot resolve host "no-such-host.invalid"'],
      ];
      for (const [args, message] of cases) {
        const io = createMemoryIo({ cwd: root });
        expect(await runCli(args, io)).toBe(1);
        expect(io.stderr()).toContain(message);
        expect(io.stderr()).toContain('[listen_failed]');
        expect(io.stderr()).not.toContain('internal error');
      }
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });

  it('--help', async () => {
    const io = createMemoryIo({ cwd: root });
    expect(await runCli(['sandbox', '--help'], io)).toBe(0);
    expect(io.stdout()).toContain('--rate-limits discord|off|FILE');
  });
});

describe('cordform sandbox (bin/cordform process)', () => {
  beforeAll(ensureBuilt, 120_000);

  it('prints one ready line and exits 0 on SIGTERM', async () => {
    const sandbox = spawnCordform(['sandbox', '--port', '0']);
    try {
      for (let i = 0; i < 200 && !READY.test(sandbox.stdout()); i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(sandbox.stdout(), sandbox.stderr()).toMatch(READY);
      const port = READY.exec(sandbox.stdout())![1];
      const response = await fetch(`http://127.0.0.1:${port}/api/v10/gateway/bot`, { headers: { Authorization: 'Bot sandbox-bot-token' } });
      expect(((await response.json()) as { url: string }).url).toBe(`ws://127.0.0.1:${port}/gateway`);
    } finally {
      sandbox.child.kill('SIGTERM');
    }
    expect(await sandbox.exited).toBe(0);
    expect(sandbox.stdout()).toMatch(READY);
  }, 30_000);
});
