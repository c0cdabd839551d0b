import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { WebhookClient } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOYS, GENERAL, GUILD, manifestYaml, startHarness, type Harness } from '../support/cli-harness.js';

/** Day two: webhook URLs where they are needed (`output`, `apply --urls-out`) and `rotate`. */
const THREE = [
  { name: 'Builds', channel: GENERAL },
  { name: 'Alerts', channel: DEPLOYS },
  { name: 'Release Notes', channel: DEPLOYS },
];

async function channelMessages(h: Harness, channelId: string): Promise<{ content: string }[]> {
  const response = await fetch(`${h.sandbox.url}/__sandbox/channels/${channelId}/messages`);
  return (await response.json()) as { content: string }[];
}

function idAndToken(url: string): { id: string; token: string } {
  const match = /\/webhooks\/(\d+)\/([^/?]+)$/.exec(url);
  if (!match) throw new Error(`not a webhook URL: ${url}`);
  return { id: match[1]!, token: match[2]! };
}

describe('webhook URLs and rotation', () => {
  let h: Harness;
  let file: string;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterEach(() => {
    h.sandbox.faults.clear();
    h.sandbox.reset();
  });
  afterAll(async () => h.close());

  async function applied(): Promise<void> {
    file = await h.manifest(manifestYaml(THREE));
    const apply = await h.cli(['apply', '-f', file, '--auto-approve']);
    expect(apply.code).toBe(0);
  }

  it('apply --urls-out writes every declared webhook URL to a 0600 file and prints no token', async () => {
    file = await h.manifest(manifestYaml(THREE));
    const apply = await h.cli(['apply', '-f', file, '--auto-approve', '--urls-out', 'urls.json']);
    expect(apply.code).toBe(0);
    const path = join(h.dir, 'urls.json');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const urls = JSON.parse(await readFile(path, 'utf8')) as Record<string, string>;
    const webhooks = await h.webhooks();
    expect(Object.keys(urls).sort()).toEqual(THREE.map((w) => `${GUILD}/${w.channel}/${w.name}`).sort());
    for (const webhook of webhooks) {
      expect(urls[`${GUILD}/${webhook.channel_id}/${webhook.name}`]).toContain(`/webhooks/${webhook.id}/${webhook.token}`);
      expect(apply.stdout + apply.stderr).not.toContain(webhook.token!);
    }
    // Every URL works: Discord's Execute Webhook answers with the message.
    for (const url of Object.values(urls)) {
      const response = await fetch(`${url}?wait=true`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content: 'hi' }) });
      expect(response.status).toBe(200);
    }
    // A second apply (no changes) still writes the file, replacing it.
    const again = await h.cli(['apply', '-f', file, '--auto-approve', '--urls-out', 'urls.json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(urls);
  });

  it('--urls-out into a missing directory or an unwritable path fails before any write to Discord', async () => {
    file = await h.manifest(manifestYaml(THREE));
    await h.clearRequests();
    const missing = await h.cli(['apply', '-f', file, '--auto-approve', '--urls-out', 'nope/urls.json']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('does not exist');
    // /sys refuses new files even to root.
    const unwritable = await h.cli(['apply', '-f', file, '--auto-approve', '--urls-out', '/sys/cordform-urls.json']);
    expect(unwritable.code).toBe(1);
    expect(unwritable.stderr).toContain('is not writable');
    await mkdir(join(h.dir, 'locked'), { recursive: true });
    const isDir = await h.cli(['apply', '-f', file, '--auto-approve', '--urls-out', 'locked']);
    expect(isDir.code).toBe(1);
    expect(isDir.stderr).toContain('is a directory');
    const rotate = await h.cli(['rotate', 'Builds', '-f', file, '--auto-approve', '--urls-out', 'nope/urls.json']);
    expect(rotate.code).toBe(1);
    expect(h.writes()).toEqual([]);
  });

  it('output --format json gives a URL for every declared webhook, and discord.js WebhookClient posts through each into its channel', async () => {
    await applied();
    const output = await h.cli(['output', '-f', file, '--format', 'json']);
    expect(output.code).toBe(0);
    const urls = JSON.parse(output.stdout) as Record<string, string>;
    expect(Object.keys(urls)).toHaveLength(3);
    for (const hook of THREE) {
      const url = urls[`${GUILD}/${hook.channel}/${hook.name}`]!;
      const client = new WebhookClient(idAndToken(url), { rest: { api: `${h.sandbox.url}/api` } });
      try {
        await client.send({ content: `through ${hook.name}` });
      } finally {
        client.destroy();
      }
      expect((await channelMessages(h, hook.channel)).map((m) => m.content)).toContain(`through ${hook.name}`);
    }
  });

  it('output in text and env formats, for chosen KEYs; text in CI warns that the log holds secrets', async () => {
    await applied();
    const text = await h.cli(['output', '-f', file, 'Builds']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^${GUILD}/${GENERAL}/Builds http://\\S+/api/webhooks/\\d+/\\S+\\n$`));
    expect(text.stderr).toContain('the job log now holds these secrets');
    const env = await h.cli(['output', '-f', file, '--format', 'env']);
    expect(env.stdout.split('\n').filter(Boolean).map((line) => line.split('=')[0])).toEqual([
      'WEBHOOK_BUILDS',
      'WEBHOOK_ALERTS',
      'WEBHOOK_RELEASE_NOTES',
    ]);
    expect(env.stderr).toBe('');
  });

  it('output and rotate of a KEY that is not declared exit 1 with the nearest keys', async () => {
    await applied();
    for (const command of ['output', 'rotate']) {
      const run = await h.cli([command, 'Biulds', '-f', file, ...(command === 'rotate' ? ['--auto-approve'] : [])]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('not declared in the manifest: "Biulds" — nearest: "Builds"');
    }
  });

  it('rotate Builds: one "Builds" in the same channel with a new token, the old URL is dead, the next plan is empty', async () => {
    await applied();
    const before = (await h.webhooks()).find((w) => w.name === 'Builds')!;
    const rotate = await h.cli(['rotate', 'Builds', '-f', file, '--auto-approve', '--urls-out', 'rotated.json']);
    expect(rotate.code).toBe(0);
    expect(rotate.stdout).toContain(`-/+ replace "Builds" (webhook ${before.id} → a new webhook)`);
    expect(rotate.stdout).not.toContain(before.token!);
    const builds = (await h.webhooks()).filter((w) => w.name === 'Builds');
    expect(builds).toHaveLength(1);
    expect(builds[0]).toMatchObject({ channel_id: GENERAL });
    expect(builds[0]!.id).not.toBe(before.id);
    expect(builds[0]!.token).not.toBe(before.token);
    const rotated = JSON.parse(await readFile(join(h.dir, 'rotated.json'), 'utf8')) as Record<string, string>;
    expect(rotated).toEqual({ [`${GUILD}/${GENERAL}/Builds`]: expect.stringContaining(`/webhooks/${builds[0]!.id}/${builds[0]!.token}`) });
    const old = await fetch(`${h.sandbox.apiBase}/webhooks/${before.id}/${before.token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"content":"x"}' });
    expect([401, 404]).toContain(old.status);
    expect((await h.cli(['plan', '-f', file, '--detailed-exitcode'])).code).toBe(0);
  });

  it('rotate without --urls-out off a terminal does not print the new URL', async () => {
    await applied();
    const rotate = await h.cli(['rotate', 'Alerts', '-f', file, '--auto-approve']);
    expect(rotate.code).toBe(0);
    const alerts = (await h.webhooks()).find((w) => w.name === 'Alerts')!;
    expect(rotate.stdout).not.toContain(alerts.token!);
    expect(rotate.stdout).toContain('use --urls-out FILE');
  });

  it('a rotate whose create fails changes nothing; one whose delete fails says the old webhook is alive and exits 1', async () => {
    await applied();
    const before = await h.webhooks();
    h.sandbox.faults.replace({ seed: 1, faults: [{ route: 'POST /channels/{channel.id}/webhooks', fault: 'status', status: 500, probability: 1 }] });
    const createFails = await h.cli(['rotate', 'Builds', '-f', file, '--auto-approve']);
    expect(createFails.code).toBe(1);
    expect((await h.webhooks()).map((w) => w.id).sort()).toEqual(before.map((w) => w.id).sort());
    h.sandbox.faults.replace({ seed: 1, faults: [{ route: 'DELETE /webhooks/{webhook.id}', fault: 'status', status: 500, probability: 1 }] });
    const deleteFails = await h.cli(['rotate', 'Builds', '-f', file, '--auto-approve']);
    const old = before.find((w) => w.name === 'Builds')!;
    expect(deleteFails.code).toBe(1);
    expect(deleteFails.stdout).toContain(`the old webhook ${old.id} is still alive`);
    expect((await h.webhooks()).filter((w) => w.name === 'Builds')).toHaveLength(2);
  });
});
