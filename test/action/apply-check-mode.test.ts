import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BOT_TOKEN, DEPLOYS, GENERAL, GUILD, manifestYaml, writes } from '../support/cli-harness.js';
import { GITHUB_TOKEN } from '../support/github-api-server.js';
import { RUN_URL, annotations, startActionHarness, visibleLog, type ActionHarness } from '../support/action-harness.js';

/** Each step is a node process running cordform two or three times: tests of several steps are slow on a busy machine. */
const SCENARIO_TIMEOUT = 120_000;

/**
 * `mode: apply` (the reviewed plan, or a fresh one) and `mode: check` (the drift issue), run
 * as GitHub runs the action, against the sandbox and a local GitHub REST server.
 */
describe('the GitHub Action, apply and check modes', { timeout: SCENARIO_TIMEOUT }, () => {
  let h: ActionHarness;
  beforeAll(async () => {
    h = await startActionHarness();
  });
  afterAll(async () => h.close());
  beforeEach(() => {
    h.sandbox.reset();
    h.github.clearRefusals();
  });

  const webhookNames = () => [...h.sandbox.state.webhooks.inGuild(GUILD)].map((w) => w.name).sort();
  const renameByHand = async (name: string, to: string) => {
    const webhook = [...h.sandbox.state.webhooks.inGuild(GUILD)].find((w) => w.name === name)!;
    const response = await fetch(`${h.sandbox.apiBase}/webhooks/${webhook.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bot ${BOT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: to }),
    });
    expect(response.status).toBe(200);
  };

  it('apply with the saved plan from the pull request applies exactly it, and the summary says what was done', async () => {
    await h.write('cordform.yaml', manifestYaml([{ name: 'Deploys', channel: DEPLOYS }, { name: 'Alerts', channel: GENERAL }]));
    const plan = await h.run({ mode: 'plan', 'plan-file': 'reviewed-plan.json' });
    expect(plan.code).toBe(0);
    expect(plan.outputs.plan_path).toBe(`${h.dir}/reviewed-plan.json`);
    const saved = await readFile(plan.outputs.plan_path!, 'utf8');
    expect(JSON.parse(saved)).toMatchObject({ kind: 'cordform-plan' });
    expect(writes(h.sandbox)).toEqual([]);

    const apply = await h.run({ mode: 'apply', 'plan-file': 'reviewed-plan.json' }, { GITHUB_EVENT_NAME: 'push' });
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect(webhookNames()).toEqual(['Alerts', 'Deploys']);
    expect(apply.outputs).toEqual({ exitcode: '0', plan_path: `${h.dir}/reviewed-plan.json` });
    expect(apply.summary).toContain('## cordform apply');
    expect(apply.summary).toContain('✅ `cordform.yaml`: Apply complete: 2 done, 0 failed, 0 skipped.');
    expect(apply.summary).toContain('The reviewed plan `reviewed-plan.json`');
    expect(apply.summary).toMatch(/create "Alerts" in (#\S+ \(\d+\)|channel \d+)/);
    // Created webhooks are listed with their tokens masked.
    expect(apply.summary).toMatch(/\/webhooks\/\d+\/\*\*\*/);
  });

  it('a stale saved plan is refused with the reason, nothing written, the job fails', async () => {
    await h.write('cordform.yaml', manifestYaml([{ name: 'Deploys', channel: DEPLOYS }]));
    await h.run({ mode: 'apply' }, { GITHUB_EVENT_NAME: 'push' });
    await h.write('cordform.yaml', manifestYaml([{ name: 'Deploys', channel: GENERAL }]));
    expect((await h.run({ mode: 'plan', 'plan-file': 'reviewed-plan.json' })).outputs.to_move).toBe('1');
    await renameByHand('Deploys', 'Deploys (by hand)');
    const before = writes(h.sandbox).length;

    const apply = await h.run({ mode: 'apply', 'plan-file': 'reviewed-plan.json' }, { GITHUB_EVENT_NAME: 'push' });
    expect(apply.code).toBe(1);
    expect(writes(h.sandbox)).toHaveLength(before);
    expect(annotations(apply.stdout, 'error')).toEqual([expect.stringContaining('stale')]);
    expect(apply.summary).toContain('❌ `cordform.yaml`: the saved plan');
    expect(apply.summary).toContain('Deploys (by hand)');
    expect(apply.outputs.exitcode).toBe('1');
  });

  it('without a saved plan (or when plan-file is missing, with a warning) apply plans afresh with --auto-approve', async () => {
    await h.write('cordform.yaml', manifestYaml([{ name: 'Deploys', channel: DEPLOYS }]));
    const apply = await h.run({ mode: 'apply', 'plan-file': 'not-downloaded.json' }, { GITHUB_EVENT_NAME: 'push' });
    expect(apply.code).toBe(0);
    expect(annotations(apply.stdout, 'warning')).toEqual([expect.stringContaining('plan-file not-downloaded.json does not exist')]);
    expect(apply.summary).toContain('A fresh plan');
    expect(apply.outputs.plan_path).toBe('');
    expect(webhookNames()).toEqual(['Deploys']);

    const again = await h.run({ mode: 'apply' }, { GITHUB_EVENT_NAME: 'push' });
    expect(again.code).toBe(0);
    expect(again.summary).toContain('nothing to apply, Discord already matches the manifest');
  });

  it('check opens one cordform-drift issue with the Markdown plan on drift, updates it while drift lasts, closes it once gone', async () => {
    const driftIssues = () => h.github.issues.filter((i) => i.labels.some((l) => l.name === 'cordform-drift'));
    await h.write('cordform.yaml', manifestYaml([{ name: 'Deploys', channel: DEPLOYS }]));
    await h.run({ mode: 'apply' }, { GITHUB_EVENT_NAME: 'push' });

    const inSync = await h.run({ mode: 'check' }, { GITHUB_EVENT_NAME: 'schedule' });
    expect(inSync.code).toBe(0);
    expect(inSync.outputs).toMatchObject({ changes: 'false', exitcode: '0', drift_issue: '' });
    expect(driftIssues()).toEqual([]);

    await renameByHand('Deploys', 'Renamed by hand');
    const drift = await h.run({ mode: 'check' }, { GITHUB_EVENT_NAME: 'schedule' });
    expect(drift.code).toBe(0);
    expect(driftIssues()).toHaveLength(1);
    const issue = driftIssues()[0]!;
    expect(issue.state).toBe('open');
    expect(issue.title).toBe('cordform: Discord drifted from cordform.yaml');
    expect(issue.body).toMatch(/^<!-- cordform-drift set=[0-9a-f]{12} -->\n⚠️ \*\*Discord differs from the manifest\*\*/);
    expect(issue.body).toContain('### cordform plan');
    expect(issue.body).toContain('Renamed by hand');
    expect(issue.body).toContain(RUN_URL);
    expect(drift.outputs).toMatchObject({ changes: 'true', to_create: '1', to_delete: '1', exitcode: '2', drift_issue: String(issue.number) });
    expect(annotations(drift.stdout, 'warning')).toEqual([expect.stringContaining(`see issue #${issue.number}`)]);
    expect(drift.summary).toContain(`Opened issue #${issue.number}`);

    await renameByHand('Renamed by hand', 'Renamed again');
    const still = await h.run({ mode: 'check' }, { GITHUB_EVENT_NAME: 'schedule' });
    expect(still.code).toBe(0);
    expect(driftIssues()).toHaveLength(1);
    expect(driftIssues()[0]!.body).toContain('Renamed again');
    expect(still.summary).toContain(`Updated issue #${issue.number}`);

    await h.run({ mode: 'apply' }, { GITHUB_EVENT_NAME: 'push' });
    const fixed = await h.run({ mode: 'check' }, { GITHUB_EVENT_NAME: 'schedule' });
    expect(fixed.code).toBe(0);
    expect(driftIssues()[0]!.state).toBe('closed');
    expect(driftIssues()[0]!.state_reason).toBe('completed');
    expect(h.github.comments.filter((c) => c.issue === issue.number).map((c) => c.body)).toEqual([expect.stringContaining('Drift resolved')]);
    expect(fixed.outputs).toMatchObject({ changes: 'false', drift_issue: String(issue.number) });
    expect(fixed.summary).toContain(`Closed #${issue.number}`);

    // A later drift opens a new issue rather than reopening the closed one.
    await renameByHand('Deploys', 'Drifted again');
    await h.run({ mode: 'check' }, { GITHUB_EVENT_NAME: 'schedule' });
    expect(driftIssues().map((i) => i.state)).toEqual(['closed', 'open']);
  });

  it('check fails the job when it cannot manage the issue (403), saying which permission is missing', async () => {
    await h.write('cordform.yaml', manifestYaml([{ name: 'Deploys', channel: DEPLOYS }]));
    await h.run({ mode: 'apply' }, { GITHUB_EVENT_NAME: 'push' });
    await renameByHand('Deploys', 'Renamed by hand');
    h.github.refuse('POST', /\/issues$/, 403, 'Resource not accessible by integration');
    h.github.refuse('PATCH', /\/issues\/\d+$/, 403, 'Resource not accessible by integration');
    const step = await h.run({ mode: 'check' }, { GITHUB_EVENT_NAME: 'schedule' });
    expect(step.code).toBe(1);
    expect(annotations(step.stdout, 'error')).toEqual([expect.stringMatching(/403 Resource not accessible by integration.*issues: write/)]);
  });

  it('neither the bot token nor the GitHub token appears in any output, summary, issue or request body', () => {
    expect(h.steps.length).toBeGreaterThan(10);
    for (const step of h.steps) {
      const visible = [visibleLog(step.stdout), step.stderr, JSON.stringify(step.outputs), step.summary].join('\n');
      expect(visible).not.toContain(GITHUB_TOKEN);
      expect(visible).not.toContain(BOT_TOKEN);
    }
    const sent = [...h.github.requests.map((r) => `${r.path}\n${r.body}`), ...h.github.issues.map((i) => i.body)].join('\n');
    expect(sent).not.toContain(GITHUB_TOKEN);
    expect(sent).not.toContain(BOT_TOKEN);
  });
});
