import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CordformError } from '../../src/errors.js';
import { writeFileAtomic } from '../../src/fs/atomic-write.js';
import { Journal, journalPath } from '../../src/sandbox/store/journal.js';
import { loadStateFile } from '../../src/sandbox/store/persistence.js';
import { DEFAULT_SEED } from '../../src/sandbox/server.js';
import type { PersistedState } from '../../src/sandbox/store/state.js';
import { createWebhook, DEPLOYS, GENERAL, startTestSandbox, USER_ID } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cordform-sandbox-state-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const emptyState = (): PersistedState => ({
  format: 'cordform-sandbox-state',
  version: 1,
  seed: structuredClone(DEFAULT_SEED),
  webhooks: [],
  messages: {},
  audit_log: [],
});

const hookEntry = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: 1 as const,
  guild_id: DEFAULT_SEED.guilds[0]!.id,
  channel_id: GENERAL,
  name: 'Hook',
  avatar: null,
  token: 't'.repeat(68),
  application_id: null,
  creator_id: USER_ID,
  ...extra,
});

async function startError(statePath: string): Promise<CordformError> {
  const error = await startTestSandbox({ statePath }).then(
    async ({ sandbox }) => {
      await sandbox.close();
      return null;
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CordformError);
  expect((error as CordformError).code).toBe('sandbox_state_corrupt');
  expect((error as CordformError).message).toContain(statePath);
  return error as CordformError;
}

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

  it('a write is on disk (snapshot + journal) when it is answered, before any close or flush', async () => {
    const statePath = join(dir, 'answered.json');
    const { sandbox, api } = await startTestSandbox({ statePath });
    try {
      const hook = await createWebhook(api, GENERAL, 'Answered');
      const posted = await api.admin('POST', '/messages', { channel_id: DEPLOYS, author_id: USER_ID, content: 'acked' });
      const journal = await readFile(journalPath(statePath), 'utf8');
      expect(journal).toContain(hook.id);
      const loaded = await loadStateFile(statePath);
      const ops = loaded!.journal;
      expect(ops).toContainEqual({ op: 'webhook.put', webhook: expect.objectContaining({ id: hook.id, name: 'Answered' }) });
      expect(ops).toContainEqual({ op: 'message.put', message: expect.objectContaining({ id: posted.body.id, content: 'acked' }) });
    } finally {
      await sandbox.close();
    }
  });

  it('never loses an acknowledged write on a clean shutdown, even in a burst; close compacts into the snapshot', async () => {
    const statePath = join(dir, 'burst.json');
    const { sandbox, api } = await startTestSandbox({ statePath });
    const created = await Promise.all(
      Array.from({ length: 24 }, (_, i) => createWebhook(api, i % 2 === 0 ? GENERAL : DEPLOYS, `hook ${i}`)),
    );
    await sandbox.close();
    const saved = JSON.parse(await readFile(statePath, 'utf8'));
    expect(saved.webhooks.map((w: any) => w.id).sort()).toEqual(created.map((w) => w.id).sort());
    expect(await readFile(journalPath(statePath), 'utf8')).toBe('');
  });

  it('writes the seeded state at start, and removes the temp files a crashed snapshot write left', async () => {
    const statePath = join(dir, 'crash.json');
    const first = await startTestSandbox({ statePath });
    const hook = await createWebhook(first.api);
    await first.sandbox.close();
    // A crash mid-write leaves a temp file next to the last good state.
    const stray = join(dir, '.crash.json.999.deadbeef.tmp');
    await writeFile(stray, '{"format": "cordform-sandbox-st');
    const second = await startTestSandbox({ statePath });
    try {
      expect((await second.api.get(`/webhooks/${hook.id}`)).status).toBe(200);
      expect(await readdir(dir)).not.toContain('.crash.json.999.deadbeef.tmp');
    } finally {
      await second.sandbox.close();
    }
    const fresh = join(dir, 'fresh.json');
    const third = await startTestSandbox({ statePath: fresh });
    await third.sandbox.flush();
    expect(JSON.parse(await readFile(fresh, 'utf8'))).toMatchObject({ format: 'cordform-sandbox-state', version: 1, webhooks: [] });
    await third.sandbox.close();
  });

  it('replays journal entries written after the snapshot, ignores a line cut short by a crash, and skips entries the snapshot holds', async () => {
    const statePath = join(dir, 'replay.json');
    await writeFile(statePath, JSON.stringify({ ...emptyState(), journal_seq: 2 }));
    const lines = [
      { seq: 2, op: 'webhook.put', webhook: hookEntry('100000000000000900', { name: 'Already in the snapshot' }) },
      { seq: 3, op: 'webhook.put', webhook: hookEntry('100000000000000901', { name: 'Replayed' }) },
      { seq: 4, op: 'webhook.put', webhook: hookEntry('100000000000000902', { name: 'Renamed later' }) },
      { seq: 5, op: 'webhook.put', webhook: hookEntry('100000000000000902', { name: 'Renamed' }) },
    ];
    const torn = JSON.stringify({ seq: 6, op: 'webhook.delete', id: '100000000000000901' }).slice(0, 20);
    await writeFile(journalPath(statePath), `${lines.map((line) => JSON.stringify(line)).join('\n')}\n${torn}`);
    const { sandbox } = await startTestSandbox({ statePath });
    try {
      expect(sandbox.state.webhooks.all().map((w) => w.name)).toEqual(['Replayed', 'Renamed']);
    } finally {
      await sandbox.close();
    }
  });

  it('a corrupt state file is a clear startup error naming the file', async () => {
    for (const [name, text] of [
      ['truncated.json', '{"format": "cordform-sandbox-state", "vers'],
      ['wrong.json', '{"hello": "world"}'],
      ['badseed.json', JSON.stringify({ ...emptyState(), seed: { bots: 1 } })],
    ] as const) {
      const statePath = join(dir, name);
      await writeFile(statePath, text);
      await startError(statePath);
    }
  });

  it('every entry is checked: null entries, missing names and duplicate ids name the entry', async () => {
    const statePath = join(dir, 'entries.json');
    await writeFile(
      statePath,
      JSON.stringify({
        ...emptyState(),
        webhooks: [hookEntry('100000000000000900'), null, hookEntry('100000000000000902', { name: undefined }), hookEntry('100000000000000900')],
      }),
    );
    const error = await startError(statePath);
    expect(error.message).toContain('webhooks.1: must be a webhook with id');
    expect(error.message).toContain('webhooks.2 (id 100000000000000902).name: is required');

    await writeFile(statePath, JSON.stringify({ ...emptyState(), webhooks: [hookEntry('100000000000000900'), hookEntry('100000000000000900')] }));
    expect((await startError(statePath)).message).toContain('webhooks.1 (id 100000000000000900).id: duplicate webhook id 100000000000000900 (also webhooks.0)');

    const message = { id: '100000000000000950', type: 0, channel_id: DEPLOYS, author: { id: USER_ID }, content: 'x', timestamp: '2024-01-01T00:00:00.000000+00:00' };
    await writeFile(statePath, JSON.stringify({ ...emptyState(), messages: { [GENERAL]: [message], '100000000000000999': [] } }));
    const references = (await startError(statePath)).message;
    expect(references).toContain(`messages.${GENERAL}.0 (id 100000000000000950).channel_id: is ${DEPLOYS}, but the message is listed under channel ${GENERAL}`);
    expect(references).toContain('messages.100000000000000999: unknown channel 100000000000000999');
  });

  it('a bad journal line that is not the last is corruption, named by line; a journal without its state file too', async () => {
    const statePath = join(dir, 'badline.json');
    await writeFile(statePath, JSON.stringify(emptyState()));
    await writeFile(journalPath(statePath), `${JSON.stringify({ seq: 1, op: 'webhook.delete' })}\n${JSON.stringify({ seq: 2, op: 'reset' })}\n`);
    expect((await startError(statePath)).message).toContain(`${journalPath(statePath)}:1: id: is required`);

    await writeFile(journalPath(statePath), `{"seq": 1, "op": "res\n${JSON.stringify({ seq: 2, op: 'reset' })}\n`);
    expect((await startError(statePath)).message).toContain(`${journalPath(statePath)}:1: not valid JSON`);

    await writeFile(journalPath(statePath), `${JSON.stringify({ seq: 2, op: 'reset' })}\n${JSON.stringify({ seq: 2, op: 'reset' })}\n`);
    expect((await startError(statePath)).message).toContain(`${journalPath(statePath)}:2: seq 2 does not follow 2`);

    const orphan = join(dir, 'orphan.json');
    await writeFile(journalPath(orphan), `${JSON.stringify({ seq: 1, op: 'reset' })}\n`);
    expect((await startError(orphan)).message).toContain('exists without the state file it continues');
  });

  it('reset is persisted too', async () => {
    const statePath = join(dir, 'reset.json');
    const { sandbox, api } = await startTestSandbox({ statePath });
    await createWebhook(api);
    await api.admin('POST', '/reset');
    await sandbox.close();
    expect((await loadStateFile(statePath))!.snapshot.webhooks).toEqual([]);
  });
});

describe('journal', () => {
  it('compacts into the snapshot once it holds compactBytes, and durable() waits for the group that holds an op', async () => {
    const sub = await mkdtemp(join(dir, 'compact-'));
    const statePath = join(sub, 'state.json');
    const webhooks: any[] = [];
    const journal = await Journal.open(statePath, () => ({ ...emptyState(), webhooks: [...webhooks] }), 0, { compactBytes: 2000 });
    for (let i = 0; i < 20; i += 1) {
      const webhook = hookEntry(String(100000000000000900n + BigInt(i)));
      webhooks.push(webhook);
      journal.record({ op: 'webhook.put', webhook });
      if (i % 5 === 4) await journal.durable();
    }
    await journal.durable();
    const snapshot = JSON.parse(await readFile(statePath, 'utf8'));
    expect(snapshot.journal_seq).toBeGreaterThan(0);
    const loaded = await loadStateFile(statePath);
    const replayedIds = loaded!.journal.map((op) => (op.op === 'webhook.put' ? op.webhook.id : ''));
    const all = [...loaded!.snapshot.webhooks.map((w) => w.id), ...replayedIds];
    expect(new Set(all)).toEqual(new Set(webhooks.map((w) => w.id)));
    // At most one group (five entries here) past the threshold before it is compacted.
    const lineBytes = JSON.stringify({ seq: 1, op: 'webhook.put', webhook: webhooks[0] }).length + 1;
    expect((await readFile(journalPath(statePath), 'utf8')).length).toBeLessThan(2000 + 5 * lineBytes);
    await journal.close();
    expect(await readFile(journalPath(statePath), 'utf8')).toBe('');
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
});
