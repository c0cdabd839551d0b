import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CordformError } from '../../src/errors.js';
import { loadStateFile, StatePersister, writeFileAtomic } from '../../src/sandbox/store/persistence.js';
import { createWebhook, DEPLOYS, GENERAL, startTestSandbox, USER_ID } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cordform-sandbox-state-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('--state FILE', () => {
  it('persists webhooks, messages and the audit log across a restart', async () => {
    const statePath = join(dir, 'restart.json');
    const first = await startTestSandbox({ statePath });
    const hook = (await first.api.post(`/channels/${GENERAL}/webhooks`, { name: 'Kept' }, { 'X-Audit-Log-Reason': 'keep me' })).body;
    await first.api.admin('POST', '/messages', { channel_id: GENERAL, author_id: USER_ID, content: 'remember this' });
    await first.sandbox.close();

    const second = await startTestSandbox({ statePath });
    try {
      const got = await second.api.get(`/webhooks/${hook.id}`);
      expect(got.body).toMatchObject({ id: hook.id, token: hook.token, name: 'Kept' });
      expect(got.body.url).toBe(`${second.sandbox.url}/api/webhooks/${hook.id}/${hook.token}`);
      const messages = await second.api.admin('GET', `/channels/${GENERAL}/messages`);
      expect(messages.body.map((m: any) => m.content)).toEqual(['remember this']);
      expect((await second.api.admin('GET', '/audit-log')).body[0].reason).toBe('keep me');
      // Ids keep increasing after a restart.
      const next = await createWebhook(second.api, GENERAL, 'Next');
      expect(BigInt(next.id)).toBeGreaterThan(BigInt(hook.id));
    } finally {
      await second.sandbox.close();
    }
  });

  it('persists guild application commands (the slash-command sync of apply) across a restart', async () => {
    const statePath = join(dir, 'commands.json');
    const path = `/applications/100000000000000010/guilds/100000000000000001/commands`;
    const first = await startTestSandbox({ statePath });
    const put = await first.api.request('PUT', path, { body: [{ name: 'deploy', description: 'Start a deploy' }] });
    expect(put.status).toBe(200);
    await first.sandbox.close();

    const second = await startTestSandbox({ statePath });
    try {
      const listed = await second.api.get(path);
      expect(listed.body).toEqual(put.body);
      await second.api.admin('POST', '/reset');
      expect((await second.api.get(path)).body).toEqual([]);
    } finally {
      await second.sandbox.close();
    }
  });

  it('never loses an acknowledged write on a clean shutdown, even in a burst', async () => {
    const statePath = join(dir, 'burst.json');
    const { sandbox, api } = await startTestSandbox({ statePath });
    const created = await Promise.all(
      Array.from({ length: 24 }, (_, i) => createWebhook(api, i % 2 === 0 ? GENERAL : DEPLOYS, `hook ${i}`)),
    );
    await sandbox.close(); // no delay: close() must flush
    const saved = JSON.parse(await readFile(statePath, 'utf8'));
    expect(saved.webhooks.map((w: any) => w.id).sort()).toEqual(created.map((w) => w.id).sort());
  });

  it('writes the seeded state at start, and a stray temp file from a crash is ignored', async () => {
    const statePath = join(dir, 'crash.json');
    const first = await startTestSandbox({ statePath });
    const hook = await createWebhook(first.api);
    await first.sandbox.close();
    // A crash mid-write leaves a temp file next to the last good state.
    await writeFile(join(dir, '.crash.json.999.deadbeef.tmp'), '{"format": "cordform-sandbox-st');
    const second = await startTestSandbox({ statePath });
    try {
      expect((await second.api.get(`/webhooks/${hook.id}`)).status).toBe(200);
    } finally {
      await second.sandbox.close();
    }
    const fresh = join(dir, 'fresh.json');
    const third = await startTestSandbox({ statePath: fresh });
    await third.sandbox.flush();
    expect(JSON.parse(await readFile(fresh, 'utf8'))).toMatchObject({ format: 'cordform-sandbox-state', version: 1, webhooks: [] });
    await third.sandbox.close();
  });

  it('a corrupt state file is a clear startup error naming the file', async () => {
    for (const [name, text] of [
      ['truncated.json', '{"format": "cordform-sandbox-state", "vers'],
      ['wrong.json', '{"hello": "world"}'],
      ['badseed.json', JSON.stringify({ format: 'cordform-sandbox-state', version: 1, seed: { bots: 1 }, webhooks: [], messages: {}, audit_log: [] })],
    ] as const) {
      const statePath = join(dir, name);
      await writeFile(statePath, text);
      const error = await startTestSandbox({ statePath }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(CordformError);
      expect((error as CordformError).code).toBe('sandbox_state_corrupt');
      expect((error as CordformError).message).toContain(statePath);
    }
  });

  it('reset is persisted too', async () => {
    const statePath = join(dir, 'reset.json');
    const { sandbox, api } = await startTestSandbox({ statePath });
    await createWebhook(api);
    await api.admin('POST', '/reset');
    await sandbox.close();
    expect((await loadStateFile(statePath))!.webhooks).toEqual([]);
  });
});

describe('atomic writes', () => {
  it('writeFileAtomic replaces the file and leaves no temp files behind', async () => {
    const sub = await mkdtemp(join(dir, 'atomic-'));
    const path = join(sub, 'state.json');
    await writeFileAtomic(path, 'one');
    await writeFileAtomic(path, 'two');
    expect(await readFile(path, 'utf8')).toBe('two');
    expect(await readdir(sub)).toEqual(['state.json']);
  });

  it('the persister coalesces a burst into few writes and flush() waits for the last one', async () => {
    const sub = await mkdtemp(join(dir, 'coalesce-'));
    const path = join(sub, 'state.json');
    let value = 0;
    let serialized = 0;
    const persister = new StatePersister(path, () => {
      serialized += 1;
      return String(value);
    });
    for (let i = 1; i <= 100; i += 1) {
      value = i;
      persister.schedule();
    }
    await persister.flush();
    expect(await readFile(path, 'utf8')).toBe('100');
    expect(serialized).toBeLessThan(5);
  });

  it('a failed write is reported by flush() and retried by the next one', async () => {
    const path = join(dir, 'missing-dir', 'state.json');
    const errors: unknown[] = [];
    const persister = new StatePersister(path, () => 'x', (e) => errors.push(e));
    persister.schedule();
    await expect(persister.flush()).rejects.toThrow(/ENOENT/);
    expect(errors).toHaveLength(1);
  });
});
