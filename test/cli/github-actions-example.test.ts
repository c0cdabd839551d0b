import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { DEPLOYS, GUILD, cliWorkspace, manifestYaml, writes, type CliWorkspace } from '../support/cli-harness.js';

/**
 * examples/github-actions/cordform.yml is valid YAML, and every `cordform …` command it runs
 * exists and exits as the workflow expects — run in-process against a sandbox, in the order
 * a repository lives through: a pull request, the merge (push to main), nightly drift checks.
 */
const WORKFLOW = fileURLToPath(new URL('../../examples/github-actions/cordform.yml', import.meta.url));

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  if?: string;
}
interface Workflow {
  on: { pull_request?: unknown; push?: { branches?: string[] }; schedule?: { cron: string }[] };
  env: Record<string, string>;
  jobs: Record<string, { if?: string; steps: Step[] }>;
}

/** Every `npx cordform …` in a job's `run:` scripts, as argv (shell redirections cut off). */
function cordformCommands(workflow: Workflow, job: string): string[][] {
  const steps = workflow.jobs[job]?.steps ?? [];
  return steps.flatMap((step) =>
    [...(step.run ?? '').matchAll(/npx cordform ([^\n>|;&]*)/g)].map((match) => match[1]!.trim().split(/\s+/)),
  );
}

const MANIFEST = manifestYaml([{ name: 'Deploys', channel: DEPLOYS }]);

describe('examples/github-actions/cordform.yml', () => {
  let workflow: Workflow;
  let sandbox: Sandbox;
  let cli: CliWorkspace;
  const gha = { GITHUB_ACTIONS: 'true' };

  beforeAll(async () => {
    workflow = parse(await readFile(WORKFLOW, 'utf8')) as Workflow;
    sandbox = await startSandbox({ rateLimits: 'off' });
    cli = await cliWorkspace(sandbox);
    await cli.write('cordform.yaml', MANIFEST);
  });
  afterAll(async () => {
    await cli.cleanup();
    await sandbox.close();
  });

  it('triggers on pull requests, pushes to main and a nightly schedule, with the token from secrets', () => {
    expect(workflow.on.pull_request).toBeDefined();
    expect(workflow.on.push?.branches).toEqual(['main']);
    expect(workflow.on.schedule?.[0]?.cron).toMatch(/^\S+ \S+ \* \* \*$/);
    expect(workflow.env.DISCORD_BOT_TOKEN).toBe('${{ secrets.DISCORD_BOT_TOKEN }}');
    expect(workflow.jobs.plan?.if).toContain('pull_request');
    expect(workflow.jobs.apply?.if).toContain('push');
    expect(workflow.jobs.drift?.if).toContain('schedule');
  });

  it('runs exactly these cordform commands', () => {
    expect(cordformCommands(workflow, 'plan')).toEqual([
      ['validate'],
      ['plan', '--format', 'markdown', '--out', 'plan.json', '--detailed-exitcode'],
    ]);
    expect(cordformCommands(workflow, 'apply')).toEqual([['apply', '--auto-approve']]);
    expect(cordformCommands(workflow, 'drift')).toEqual([['check']]);
    // The plan step tolerates 0 and 2 and fails only on 1; the comment step runs regardless.
    const planStep = workflow.jobs.plan!.steps.find((s) => s.run?.includes('cordform plan'))!;
    expect(planStep.run).toContain('[ "$code" -ne 1 ]');
    expect(workflow.jobs.plan!.steps.find((s) => s.uses?.startsWith('actions/github-script'))?.if).toContain('always()');
  });

  it('pull request: validate exits 0, plan exits 2 with a Markdown plan and a saved plan.json, nothing written', async () => {
    const [validate, plan] = cordformCommands(workflow, 'plan');
    const validated = await cli.run(validate!, gha);
    expect([validated.code, validated.stderr]).toEqual([0, '']);
    const planned = await cli.run(plan!, gha);
    expect(planned.stderr).toBe('');
    expect(planned.code).toBe(2);
    expect(planned.stdout).toMatch(/^### cordform plan/);
    expect(planned.stdout).toContain('create');
    const saved = JSON.parse(await readFile(join(cli.dir, 'plan.json'), 'utf8')) as { kind: string; plan: { changes: unknown[] } };
    expect(saved.kind).toBe('cordform-plan');
    expect(saved.plan.changes).toHaveLength(1);
    expect(writes(sandbox)).toEqual([]);
  });

  it('push to main: apply --auto-approve exits 0 and creates the webhook', async () => {
    const [apply] = cordformCommands(workflow, 'apply');
    const applied = await cli.run(apply!, gha);
    expect(applied.code).toBe(0);
    const webhooks = [...sandbox.state.webhooks.inGuild(GUILD)];
    expect(webhooks.map((w) => w.name)).toEqual(['Deploys']);
  });

  it('nightly: check exits 0 in sync (a PR plan too), 2 after an out-of-band rename', async () => {
    const [check] = cordformCommands(workflow, 'drift');
    const [, plan] = cordformCommands(workflow, 'plan');
    expect((await cli.run(check!, gha)).code).toBe(0);
    expect((await cli.run(plan!, gha)).code).toBe(0);

    const [webhook] = [...sandbox.state.webhooks.inGuild(GUILD)];
    const renamed = await fetch(`${sandbox.apiBase}/webhooks/${webhook!.id}`, {
      method: 'PATCH',
      headers: { Authorization: 'Bot sandbox-bot-token', 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Renamed by hand' }),
    });
    expect(renamed.status).toBe(200);
    const drift = await cli.run(check!, gha);
    expect(drift.code).toBe(2);
    expect(drift.stdout).toContain('Drift detected');
  });

  it('an invalid manifest fails validate with exit 1 and a GitHub annotation', async () => {
    await cli.write('broken.yaml', MANIFEST.replace('version: 1', 'version: 2'));
    const result = await cli.run(['validate', '-f', 'broken.yaml'], gha);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/::error file=.*broken\.yaml,line=1/);
  });
});
