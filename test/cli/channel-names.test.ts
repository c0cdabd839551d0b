import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOYS, GENERAL, GUILD, manifestYaml, startHarness, type Harness } from '../support/cli-harness.js';

/** Channels by name in the manifest and names in every plan, through the CLI against the sandbox. */
describe('channels by name', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterEach(() => h.sandbox.reset());
  afterAll(async () => h.close());

  it('channel: "#deploys" validates offline, plans by name, applies into #deploys and converges', async () => {
    const file = await h.manifest(manifestYaml([{ name: 'Deploys', channel: '#deploys' }]));
    await h.clearRequests();
    const validate = await h.cli(['validate', '-f', file]);
    expect(validate.code).toBe(0);
    expect(h.requests()).toEqual([]);
    const plan = await h.cli(['plan', '-f', file]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(`Guild "Sandbox" (${GUILD}):`);
    expect(plan.stdout).toContain(`+ create "Deploys" in #deploys (${DEPLOYS})`);
    expect((await h.cli(['apply', '-f', file, '--auto-approve'])).code).toBe(0);
    expect((await h.webhooks()).map((w) => [w.name, w.channel_id])).toEqual([['Deploys', DEPLOYS]]);
    expect((await h.cli(['plan', '-f', file, '--detailed-exitcode'])).code).toBe(0);
    const output = await h.cli(['output', '-f', file, '--format', 'json']);
    expect(Object.keys(JSON.parse(output.stdout))).toEqual([`${GUILD}/#deploys/Deploys`]);
  });

  it('a webhook declared by id is shown as #general in text and Markdown plans; JSON adds the names', async () => {
    const file = await h.manifest(manifestYaml([{ name: 'Alerts', channel: GENERAL }]));
    const text = await h.cli(['plan', '-f', file]);
    expect(text.stdout).toContain(`+ create "Alerts" in #general (${GENERAL})`);
    const markdown = await h.cli(['plan', '-f', file, '--format', 'markdown']);
    expect(markdown.stdout).toContain(`#general <code>${GENERAL}</code>`);
    expect(markdown.stdout).toContain(`create "Alerts" in #general (${GENERAL})`);
    const json = JSON.parse((await h.cli(['plan', '-f', file, '--format', 'json'])).stdout);
    expect(json.names).toEqual({ guilds: { [GUILD]: 'Sandbox' }, channels: { [GENERAL]: '#general' } });
  });

  it('a name that matches no channel stops plan and apply with a blocker that lists the nearest channels', async () => {
    const file = await h.manifest(manifestYaml([{ name: 'Deploys', channel: '#deploy' }]));
    await h.clearRequests();
    const plan = await h.cli(['plan', '-f', file]);
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain(`no channel #deploy in guild ${GUILD}; channels with a similar name: #deploys (${DEPLOYS})`);
    const apply = await h.cli(['apply', '-f', file, '--auto-approve']);
    expect(apply.code).toBe(1);
    expect(h.writes()).toEqual([]);
  });
});
