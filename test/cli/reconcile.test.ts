import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BOT_ID,
  DEPLOYS,
  GENERAL,
  GUILD,
  OTHER_BOT_TOKEN,
  manifestYaml,
  startHarness,
  type Harness,
} from '../support/cli-harness.js';

describe('plan and apply through the CLI against the sandbox', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());
  beforeEach(async () => {
    h.sandbox.reset();
    await h.clearRequests();
  });

  it('reads live state with one webhook list per guild, never per channel', async () => {
    const file = await h.manifest(manifestYaml([{ name: 'A', channel: GENERAL }, { name: 'B', channel: DEPLOYS }]));
    await h.cli(['apply', '-f', file, '--auto-approve']);
    await h.clearRequests();
    const plan = await h.cli(['plan', '-f', file]);
    expect(plan.code).toBe(0);
    const routes = h.requests().map((r) => `${r.method} ${r.path}`);
    expect(routes).toEqual([`GET /api/v10/users/@me`, `GET /api/v10/guilds/${GUILD}/webhooks`]);
  });

  it('rename → one update, channel change → one move that keeps id and token, removal → one delete', async () => {
    const file = await h.manifest(manifestYaml([{ name: 'Deploys', channel: GENERAL }, { name: 'Builds', channel: GENERAL }]));
    expect((await h.cli(['apply', '-f', file, '--auto-approve'])).code).toBe(0);
    const before = await h.webhooks();
    const deploys = before.find((w) => w.name === 'Deploys')!;

    // Rename via renamed_from keeps the webhook (and its URL).
    await h.manifest(
      manifestYaml([
        { name: 'Deploys', channel: GENERAL },
        { name: 'CI Builds', channel: GENERAL, extra: '        renamed_from: Builds' },
      ]),
    );
    const rename = await h.cli(['plan', '-f', file, '--format', 'json']);
    const renamePlan = JSON.parse(rename.stdout);
    expect(renamePlan.changes.map((c: { action: string }) => c.action)).toEqual(['update']);
    expect(renamePlan.changes[0].fields.name).toEqual({ from: 'Builds', to: 'CI Builds' });
    expect((await h.cli(['apply', '-f', file, '--auto-approve'])).code).toBe(0);

    // Channel change → a move: PATCH channel_id, same id and token afterwards.
    await h.manifest(manifestYaml([{ name: 'Deploys', channel: DEPLOYS }, { name: 'CI Builds', channel: GENERAL }]));
    const move = JSON.parse((await h.cli(['plan', '-f', file, '--format', 'json'])).stdout);
    expect(move.changes.map((c: { action: string }) => c.action)).toEqual(['move']);
    await h.clearRequests();
    expect((await h.cli(['apply', '-f', file, '--auto-approve'])).code).toBe(0);
    expect(h.writes().map((r) => r.route)).toEqual(['PATCH /webhooks/:webhook_id']);
    const moved = (await h.webhooks()).find((w) => w.name === 'Deploys')!;
    expect(moved.id).toBe(deploys.id);
    expect(moved.token).toBe(deploys.token);
    expect(moved.channel_id).toBe(DEPLOYS);

    // Removal → one delete.
    await h.manifest(manifestYaml([{ name: 'Deploys', channel: DEPLOYS }]));
    const removal = await h.cli(['plan', '-f', file]);
    expect(removal.stdout).toContain('- delete "CI Builds"');
    expect(removal.stdout).toMatch(/Plan: 0 to create, 0 to update, 0 to move, 1 to delete\./);
    expect((await h.cli(['apply', '-f', file, '--auto-approve'])).code).toBe(0);
    expect((await h.webhooks()).map((w) => w.name)).toEqual(['Deploys']);
    expect((await h.cli(['plan', '-f', file, '--detailed-exitcode'])).code).toBe(0);
  });

  it('never touches a webhook it did not create, even in a declared channel; lists it only with --verbose', async () => {
    const foreign = await h.api('POST', `/channels/${GENERAL}/webhooks`, { name: 'Human Hook' }, OTHER_BOT_TOKEN);
    expect(foreign.status).toBe(200);
    const file = await h.manifest(manifestYaml([{ name: 'Deploys', channel: GENERAL }]));
    const plan = await h.cli(['plan', '-f', file]);
    expect(plan.stdout).not.toContain('Human Hook');
    const verbose = await h.cli(['plan', '-f', file, '--verbose']);
    expect(verbose.stdout).toContain('Human Hook');
    expect(verbose.stdout).toMatch(/ignored/i);
    expect((await h.cli(['apply', '-f', file, '--auto-approve'])).code).toBe(0);
    const after = (await h.webhooks()).find((w) => w.id === foreign.json.id)!;
    expect(after).toMatchObject({ name: 'Human Hook', channel_id: GENERAL, token: foreign.json.token });
  });

  it('adopting by id takes over an unowned webhook and renames it, then converges', async () => {
    const foreign = await h.api('POST', `/channels/${DEPLOYS}/webhooks`, { name: 'Legacy' }, OTHER_BOT_TOKEN);
    const file = await h.manifest(
      manifestYaml([{ name: 'Release Notes', channel: DEPLOYS, extra: `        id: "${foreign.json.id}"` }]),
    );
    const plan = await h.cli(['plan', '-f', file, '--format', 'json']);
    const parsed = JSON.parse(plan.stdout);
    expect(parsed.changes).toHaveLength(1);
    expect(parsed.changes[0]).toMatchObject({ action: 'adopt', webhookId: foreign.json.id });
    expect((await h.cli(['apply', '-f', file, '--auto-approve'])).code).toBe(0);
    const adopted = (await h.webhooks()).find((w) => w.id === foreign.json.id)!;
    expect(adopted.name).toBe('Release Notes');
    expect((await h.cli(['plan', '-f', file, '--detailed-exitcode'])).code).toBe(0);
  });

  it('refuses to apply without --auto-approve when not on a terminal, and a "no" on a terminal changes nothing', async () => {
    const file = await h.manifest(manifestYaml([{ name: 'Deploys', channel: GENERAL }]));
    const ci = await h.cli(['apply', '-f', file]);
    expect(ci.code).toBe(1);
    expect(ci.stderr).toContain('--auto-approve');
    const declined = await h.cli(['apply', '-f', file], { interactive: true, answer: false });
    expect(declined.code).toBe(1);
    expect(declined.stderr).toContain('Apply cancelled');
    expect(h.writes()).toEqual([]);
    const accepted = await h.cli(['apply', '-f', file], { interactive: true, answer: true });
    expect(accepted.code).toBe(0);
  });

  it('guards against mass deletes unless --max-deletes allows them', async () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ name: `Hook ${i}`, channel: i % 2 ? GENERAL : DEPLOYS }));
    const file = await h.manifest(manifestYaml(many));
    expect((await h.cli(['apply', '-f', file, '--auto-approve'])).code).toBe(0);
    await h.manifest(manifestYaml([]));
    await h.clearRequests();
    const refused = await h.cli(['apply', '-f', file, '--auto-approve']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--max-deletes 12');
    expect(h.writes()).toEqual([]);
    const tooFew = await h.cli(['apply', '-f', file, '--auto-approve', '--max-deletes', '5']);
    expect(tooFew.code).toBe(1);
    const allowed = await h.cli(['apply', '-f', file, '--auto-approve', '--max-deletes', '12', '--force']);
    expect(allowed.code).toBe(0);
    expect(await h.webhooks()).toEqual([]);
  });

  it('a plan blocker (undeclared channel) stops apply before any write, naming the manifest line', async () => {
    const file = await h.manifest(manifestYaml([{ name: 'Ghost', channel: '100000000000000999' }]));
    const plan = await h.cli(['plan', '-f', file]);
    expect(plan.code).toBe(1);
    expect(plan.stdout).toMatch(/cordform\.yaml:\d+:\d+/);
    const annotated = await h.cli(['plan', '-f', file], { env: { GITHUB_ACTIONS: 'true' } });
    expect(annotated.stdout).toMatch(/::error file=cordform\.yaml,line=\d+,col=\d+,title=cordform channel_missing::/);
    const apply = await h.cli(['apply', '-f', file, '--auto-approve']);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('blocker');
    expect(h.writes()).toEqual([]);
  });

  it('--target limits the plan and apply to the named webhook and warns that the plan is partial', async () => {
    const file = await h.manifest(manifestYaml([{ name: 'One', channel: GENERAL }, { name: 'Two', channel: DEPLOYS }]));
    const plan = await h.cli(['plan', '-f', file, '--target', 'One']);
    expect(plan.stdout).toContain('+ create "One"');
    expect(plan.stdout).not.toContain('"Two"');
    expect(plan.stdout).toMatch(/partial/i);
    expect((await h.cli(['apply', '-f', file, '--auto-approve', '--target', 'One'])).code).toBe(0);
    expect((await h.webhooks()).map((w) => w.name)).toEqual(['One']);
  });

  it('check exits 2 with a summary after an out-of-band rename, 0 when in sync', async () => {
    const file = await h.manifest(manifestYaml([{ name: 'Deploys', channel: GENERAL }]));
    await h.cli(['apply', '-f', file, '--auto-approve']);
    expect((await h.cli(['check', '-f', file])).code).toBe(0);
    const [hook] = await h.webhooks();
    await h.api('PATCH', `/webhooks/${hook!.id}`, { name: 'Renamed by hand' });
    const drift = await h.cli(['check', '-f', file]);
    expect(drift.code).toBe(2);
    expect(drift.stdout).toContain('Drift detected');
    expect(drift.stdout).toContain(`${GUILD}/${GENERAL}/Deploys`);
  });

  it('writes X-Audit-Log-Reason: the declared reason, else "cordform apply"', async () => {
    const file = await h.manifest(
      manifestYaml([{ name: 'Why', channel: GENERAL, extra: '        reason: "Deploy notices for #123"' }, { name: 'Plain', channel: DEPLOYS }]),
    );
    await h.cli(['apply', '-f', file, '--auto-approve'], { env: { GITHUB_SHA: 'abcdef1234567890abcdef1234567890abcdef12' } });
    const log = (await (await fetch(`${h.sandbox.url}/__sandbox/audit-log`)).json()) as { reason: string | null; target_id?: string }[];
    const reasons = log.map((entry) => entry.reason).sort();
    expect(reasons).toEqual(['Deploy notices for #123', 'cordform apply (abcdef123456)']);
  });

  it('never prints the bot token or a webhook token, in any format', async () => {
    const file = await h.manifest(manifestYaml([{ name: 'Deploys', channel: GENERAL }]));
    const outputs = [
      await h.cli(['apply', '-f', file, '--auto-approve']),
      await h.cli(['plan', '-f', file, '--verbose']),
      await h.cli(['plan', '-f', file, '--format', 'json']),
      await h.cli(['plan', '-f', file, '--format', 'markdown']),
      await h.cli(['plan', '-f', file], { env: { DISCORD_BOT_TOKEN: 'sandbox-bot-token-wrong' } }),
    ];
    const tokens = ['sandbox-bot-token', ...(await h.webhooks()).map((w) => w.token!)];
    for (const output of outputs) {
      for (const token of tokens) {
        expect(output.stdout).not.toContain(token);
        expect(output.stderr).not.toContain(token);
      }
    }
    expect(outputs[4]!.code).toBe(1);
    expect(outputs[4]!.stderr).toContain('401');
    expect(outputs[4]!.stderr).toContain('hint: Discord refused the bot token: check discord.token');
    expect(BOT_ID).toBeTruthy();
  });
});
