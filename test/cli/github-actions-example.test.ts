import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BOT_TOKEN, DEPLOYS, GUILD, manifestYaml, writes } from '../support/cli-harness.js';
import { PULL_REQUEST, readActionYml, startActionHarness, type ActionHarness, type ActionYml } from '../support/action-harness.js';

/**
 * examples/github-actions/cordform.yml is valid YAML, uses this repository's action with
 * inputs it declares, hands the reviewed plan from the pull request to the apply, and each
 * of its action steps does what the workflow means when run as GitHub runs it — in the order
 * a repository lives through: a pull request, the merge (push to main), nightly checks.
 */
const WORKFLOW = fileURLToPath(new URL('../../examples/github-actions/cordform.yml', import.meta.url));
/** `OWNER/cordform@vN`: this repository's action.yml. */
const THIS_ACTION = /^[\w.-]+\/cordform@v\d+$/;

interface Step {
  id?: string;
  name?: string;
  run?: string;
  uses?: string;
  if?: string;
  with?: Record<string, string | number>;
  env?: Record<string, string>;
}
interface Job {
  if?: string;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  steps: Step[];
}
interface Workflow {
  on: { pull_request?: unknown; push?: { branches?: string[] }; schedule?: { cron: string }[]; workflow_dispatch?: unknown };
  env: Record<string, string>;
  jobs: Record<string, Job>;
}

/** The one step of `job` that uses the cordform action, its `with:` as action inputs. */
function actionStep(workflow: Workflow, job: string): Step & { with: Record<string, string> } {
  const steps = workflow.jobs[job]!.steps.filter((s) => s.uses && THIS_ACTION.test(s.uses));
  expect(steps).toHaveLength(1);
  return steps[0] as Step & { with: Record<string, string> };
}

// Each action step is a node process running cordform two or three times.
describe('examples/github-actions/cordform.yml', { timeout: 120_000 }, () => {
  let workflow: Workflow;
  let action: ActionYml;
  let h: ActionHarness;

  beforeAll(async () => {
    workflow = parse(await readFile(WORKFLOW, 'utf8')) as Workflow;
    action = await readActionYml();
    h = await startActionHarness();
    await h.write('cordform.yaml', manifestYaml([{ name: 'Deploys', channel: DEPLOYS }]));
  });
  afterAll(async () => h.close());

  it('plans on pull requests, applies on pushes to main, checks nightly, with the bot token from secrets', () => {
    expect(workflow.on.pull_request).toBeDefined();
    expect(workflow.on.push?.branches).toEqual(['main']);
    expect(workflow.on.schedule?.[0]?.cron).toMatch(/^\S+ \S+ \* \* \*$/);
    expect(workflow.on.workflow_dispatch).toBeDefined();
    expect(workflow.env.DISCORD_BOT_TOKEN).toBe('${{ secrets.DISCORD_BOT_TOKEN }}');
    expect(workflow.jobs.plan?.if).toContain('pull_request');
    expect(workflow.jobs.apply?.if).toContain('push');
    expect(workflow.jobs.drift?.if).toContain('schedule');
    expect(actionStep(workflow, 'plan').with.mode).toBe('plan');
    expect(actionStep(workflow, 'apply').with.mode).toBe('apply');
    expect(actionStep(workflow, 'drift').with.mode).toBe('check');
  });

  it('runs Node 24, grants each job only the permission its action step needs, and serializes applies', () => {
    for (const job of Object.values(workflow.jobs)) {
      const setup = job.steps.find((s) => s.uses?.startsWith('actions/setup-node'));
      expect(setup?.with?.['node-version']).toBe(24);
      for (const step of job.steps.filter((s) => s.uses && THIS_ACTION.test(s.uses))) {
        for (const input of Object.keys(step.with ?? {})) expect(Object.keys(action.inputs)).toContain(input);
      }
    }
    expect(workflow.jobs.plan!.permissions).toMatchObject({ 'pull-requests': 'write' });
    expect(workflow.jobs.drift!.permissions).toMatchObject({ issues: 'write' });
    expect(workflow.jobs.apply!.permissions).toMatchObject({ actions: 'read' });
    expect(workflow.jobs.apply!.concurrency).toEqual({ group: 'cordform-apply', 'cancel-in-progress': false });
    expect(workflow.jobs.plan!.concurrency?.['cancel-in-progress']).toBe(true);
  });

  it('hands the plan saved on the pull request to the apply as the artifact cordform-plan', () => {
    const plan = actionStep(workflow, 'plan');
    const upload = workflow.jobs.plan!.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!;
    expect(upload.with).toMatchObject({ name: 'cordform-plan', path: `\${{ steps.${plan.id}.outputs.plan_path }}` });
    const download = workflow.jobs.apply!.steps.find((s) => s.run?.includes('gh run download'))!;
    expect(download.run).toContain('--name cordform-plan');
    expect(download.run).toContain('--event pull_request');
    // The artifact holds the one file plan-file named; it lands under that name for apply.
    expect(actionStep(workflow, 'apply').with['plan-file']).toBe(plan.with['plan-file']);
  });

  it('pull request: the plan step comments the plan on PR 7, saves the plan file and writes nothing to Discord', async () => {
    const step = await h.run(actionStep(workflow, 'plan').with);
    expect(step.code).toBe(0);
    expect(step.outputs).toMatchObject({ changes: 'true', to_create: '1', plan_path: join(h.dir, 'cordform-plan.json') });
    expect(h.github.comments.filter((c) => c.issue === PULL_REQUEST)).toHaveLength(1);
    expect(JSON.parse(await readFile(join(h.dir, 'cordform-plan.json'), 'utf8'))).toMatchObject({ kind: 'cordform-plan' });
    expect(writes(h.sandbox)).toEqual([]);
  });

  it('push to main: the apply step applies the reviewed plan', async () => {
    const step = await h.run(actionStep(workflow, 'apply').with, { GITHUB_EVENT_NAME: 'push' });
    expect(step.code).toBe(0);
    expect(step.summary).toContain('The reviewed plan `cordform-plan.json`');
    expect([...h.sandbox.state.webhooks.inGuild(GUILD)].map((w) => w.name)).toEqual(['Deploys']);
  });

  it('nightly: the check step finds no drift, then opens a cordform-drift issue after an out-of-band rename', async () => {
    const check = actionStep(workflow, 'drift').with;
    const inSync = await h.run(check, { GITHUB_EVENT_NAME: 'schedule' });
    expect(inSync.code).toBe(0);
    expect(inSync.outputs.changes).toBe('false');

    const [webhook] = [...h.sandbox.state.webhooks.inGuild(GUILD)];
    const renamed = await fetch(`${h.sandbox.apiBase}/webhooks/${webhook!.id}`, {
      method: 'PATCH',
      headers: { Authorization: `Bot ${BOT_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Renamed by hand' }),
    });
    expect(renamed.status).toBe(200);
    const drift = await h.run(check, { GITHUB_EVENT_NAME: 'schedule' });
    expect(drift.code).toBe(0);
    expect(drift.outputs.changes).toBe('true');
    expect(h.github.issues.filter((i) => i.labels.some((l) => l.name === 'cordform-drift'))).toHaveLength(1);
  });
});
