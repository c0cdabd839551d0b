import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { manifestSetId } from '../../src/action/context.mjs';
import { planMarker } from '../../src/action/sticky-comment.mjs';
import { BOT_TOKEN, DEPLOYS, GENERAL, manifestYaml, writes } from '../support/cli-harness.js';
import { GITHUB_TOKEN } from '../support/github-api-server.js';
import {
  HEAD_SHA,
  PULL_REQUEST,
  RUN_URL,
  annotations,
  startActionHarness,
  visibleLog,
  workflowCommands,
  type ActionHarness,
} from '../support/action-harness.js';

const LONG_PLAN_CORDFORM = fileURLToPath(new URL('../fixtures/action/long-plan-cordform.mjs', import.meta.url));

/** Each step is a node process running cordform two or three times: tests of several steps are slow on a busy machine. */
const SCENARIO_TIMEOUT = 120_000;

/**
 * `mode: plan` run as GitHub runs it (node, INPUT_*, a pull_request event for PR 7 of
 * acme/community) against the sandbox and a local GitHub REST server.
 */
describe('the GitHub Action, plan mode', { timeout: SCENARIO_TIMEOUT }, () => {
  let h: ActionHarness;
  beforeAll(async () => {
    h = await startActionHarness();
  });
  afterAll(async () => h.close());
  let since = 0;
  beforeEach(() => {
    h.sandbox.reset();
    h.github.clearRefusals();
    h.github.comments.splice(0);
    since = h.github.requests.length;
  });

  const planComments = () => h.github.comments.filter((c) => c.issue === PULL_REQUEST && c.body.startsWith('<!-- cordform-plan'));
  const requests = () => h.github.requests.slice(since);
  const requestsTo = (method: string, pattern: RegExp) => requests().filter((r) => r.method === method && pattern.test(r.path));

  it('first run creates one comment with the plan, writes the summary and outputs; after a manifest change the second run edits it in place', async () => {
    // Someone else's comments first: the sticky comment ends up on the second page.
    for (let i = 0; i < 120; i++) h.github.addComment(PULL_REQUEST, `LGTM ${i}`);
    await h.write('cordform.yaml', manifestYaml([{ name: 'Deploys', channel: DEPLOYS }]));

    const first = await h.run({ mode: 'plan' });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(planComments()).toHaveLength(1);
    const comment = planComments()[0]!;
    expect(comment.user.type).toBe('Bot');
    const [marker, headline, blank, details] = comment.body.split('\n');
    expect(marker).toMatch(/^<!-- cordform-plan set=[0-9a-f]{12} fingerprint=[0-9a-f]{64}\.[0-9a-f]{64} -->$/);
    expect(headline).toBe('**cordform plan** `cordform.yaml`: ➕ 1 to create · ✏️ 0 to update · ➡️ 0 to move · 🗑️ 0 to delete');
    expect([blank, details]).toEqual(['', `<details><summary>Plan for ${HEAD_SHA.slice(0, 7)}</summary>`]);
    expect(comment.body).toContain('### cordform plan');
    expect(comment.body).toContain('➕ create "Deploys" in #');
    expect(comment.body).toContain(`[job summary](${RUN_URL})`);

    expect(first.summary).toContain('## cordform plan');
    expect(first.summary).toContain('➕ create "Deploys" in #');
    expect(first.outputs).toMatchObject({ changes: 'true', to_create: '1', to_update: '0', to_move: '0', to_delete: '0', exitcode: '2' });
    expect(first.outputs.plan_path).toMatch(/cordform-plan-[0-9a-f]{12}\.json$/);
    expect(writes(h.sandbox)).toEqual([]);
    // The comment list was paged through the Link header, under GITHUB_API_URL's prefix.
    expect(requestsTo('GET', /^\/api\/v3\/repos\/acme\/community\/issues\/7\/comments\?per_page=100&page=2$/)).toHaveLength(1);
    expect(requestsTo('POST', /comments$/)).toHaveLength(1);

    await h.write('cordform.yaml', manifestYaml([{ name: 'Deploys', channel: DEPLOYS }, { name: 'Alerts', channel: GENERAL }]));
    const second = await h.run({ mode: 'plan' });
    expect(second.code).toBe(0);
    expect(planComments()).toHaveLength(1);
    expect(requestsTo('POST', /comments$/)).toHaveLength(1);
    expect(requestsTo('PATCH', new RegExp(`/issues/comments/${comment.id}$`))).toHaveLength(1);
    const updated = planComments()[0]!;
    expect(updated.id).toBe(comment.id);
    expect(updated.body).toContain('➕ 2 to create');
    expect(updated.body).toContain('➕ create "Alerts" in #');
    expect(updated.body).toContain('plan changed since the last update');
    expect(updated.body.split('\n')[0]).not.toBe(marker);
    expect(second.outputs.to_create).toBe('2');

    const third = await h.run({ mode: 'plan' });
    expect(third.code).toBe(0);
    expect(planComments()).toHaveLength(1);
    expect(planComments()[0]!.body).toContain('plan unchanged since the last update');
  });

  it('a 403 on commenting (a fork) falls back to the job summary with a notice, and exit 0', async () => {
    await h.write('cordform.yaml', manifestYaml([{ name: 'Deploys', channel: DEPLOYS }]));
    h.github.refuse('POST', /\/issues\/7\/comments$/, 403, 'Resource not accessible by integration');
    const step = await h.run({ mode: 'plan' });
    expect(step.code).toBe(0);
    expect(planComments()).toHaveLength(0);
    const [notice] = annotations(step.stdout, 'notice');
    expect(notice).toContain('403');
    expect(annotations(step.stdout, 'error')).toEqual([]);
    expect(step.summary).toContain('GitHub answered 403');
    expect(step.summary).toContain('➕ create "Deploys" in #');
    expect(step.outputs.changes).toBe('true');
  });

  it("a marker comment the token may not edit (someone else's) is left alone: the action writes its own", async () => {
    await h.write('cordform.yaml', manifestYaml([{ name: 'Deploys', channel: DEPLOYS }]));
    const imposter = h.github.addComment(PULL_REQUEST, `${planMarker(manifestSetId(['cordform.yaml']), null)}\nnot a plan`);
    h.github.refuse('PATCH', new RegExp(`/issues/comments/${imposter.id}$`), 403, 'Resource not accessible by integration');
    const step = await h.run({ mode: 'plan' });
    expect(step.code).toBe(0);
    expect(planComments().map((c) => c.user.type)).toEqual(['User', 'Bot']);
    expect(planComments()[0]!.body).toContain('not a plan');
    expect(planComments()[1]!.body).toContain('➕ create "Deploys" in #');
  });

  it('comment: off and non-pull-request events write no comment; no changes → changes=false, exit 0', async () => {
    await h.write('cordform.yaml', manifestYaml([]));
    const off = await h.run({ mode: 'plan', comment: 'off' });
    expect(off.code).toBe(0);
    expect(off.outputs).toMatchObject({ changes: 'false', to_create: '0', exitcode: '0' });
    expect(off.summary).toContain('no changes, Discord matches the manifest');
    const push = await h.run({ mode: 'plan' }, { GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: '' });
    expect(push.code).toBe(0);
    expect(requests()).toEqual([]);
  });

  it('comment: new adds a comment on every run', async () => {
    await h.write('cordform.yaml', manifestYaml([{ name: 'Deploys', channel: DEPLOYS }]));
    await h.run({ mode: 'plan', comment: 'new' });
    await h.run({ mode: 'plan', comment: 'new' });
    expect(planComments()).toHaveLength(2);
    expect(requestsTo('PATCH', /./)).toEqual([]);
  });

  it('manifest errors: at most 10 annotations of a kind with file, line and col, a notice counting the rest; the comment and summary list all; exit 1', async () => {
    const webhooks = Array.from({ length: 13 }, (_, i) => `      - name: Hook ${i}\n        channel: 1000000000000000${10 + i}\n`).join('');
    await h.write('cordform.yaml', `version: 1\ndiscord:\n  token: \${DISCORD_BOT_TOKEN}\nguilds:\n  - id: "100000000000000001"\n    webhooks:\n${webhooks}`);
    const step = await h.run({ mode: 'plan' });
    expect(step.code).toBe(1);
    const errors = annotations(step.stdout, 'error');
    expect(errors).toHaveLength(10);
    expect(errors[0]).toMatch(/^::error file=cordform\.yaml,line=8,col=18,title=cordform snowflake_unquoted::/);
    expect(annotations(step.stdout, 'notice')).toEqual([expect.stringContaining('3 more errors not annotated')]);
    expect(step.outputs).toMatchObject({ exitcode: '1', changes: 'false', plan_path: '' });
    expect(step.summary.match(/snowflake_unquoted/g)).toHaveLength(13);
    expect(planComments()).toHaveLength(1);
    expect(planComments()[0]!.body).toContain('the manifest is invalid');
    expect(writes(h.sandbox)).toEqual([]);
  });

  it('blockers fail the job with an annotation on the declaration, after the comment is written', async () => {
    await h.write('cordform.yaml', manifestYaml([{ name: 'Nowhere', channel: '100000000000000099' }]));
    const step = await h.run({ mode: 'plan' });
    expect(step.code).toBe(1);
    expect(annotations(step.stdout, 'error')).toEqual([expect.stringMatching(/^::error file=cordform\.yaml,line=7,col=9,title=cordform channel_missing::/)]);
    expect(step.outputs.exitcode).toBe('1');
    expect(planComments()[0]!.body).toMatch(/^⛔ \*\*cordform plan\*\* `cordform.yaml`: 1 blocker/m);
  });

  it('an unreachable cordform is one clear error', async () => {
    await h.write('cordform.yaml', manifestYaml([{ name: 'Deploys', channel: DEPLOYS }]));
    const missing = await h.run({ mode: 'plan', 'cordform-command': 'no-such-cordform-binary' });
    expect(missing.code).toBe(1);
    expect(annotations(missing.stdout, 'error')).toEqual([expect.stringContaining('cannot run cordform (no-such-cordform-binary)')]);
  });

  it('a 70,000-character plan is cut under 65,536 characters: fences and <details> closed, whole characters, a pointer to the job summary that has all of it', async () => {
    const fake = `"${process.execPath}" "${LONG_PLAN_CORDFORM}"`;
    const step = await h.run({ mode: 'plan', 'cordform-command': fake });
    expect(step.code).toBe(0);
    expect(planComments()).toHaveLength(1);
    const body = planComments()[0]!.body;
    const plan = spawnSync(process.execPath, [LONG_PLAN_CORDFORM, 'plan', '--out', `${h.dir}/long.json`], { encoding: 'utf8' }).stdout;
    expect([...plan].length).toBeGreaterThan(70_000);

    expect([...body].length).toBeLessThanOrEqual(65_536);
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body.length).toBeGreaterThan(60_000);
    expect(body).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    const lines = body.split('\n');
    expect(lines.filter((line) => /^```/.test(line)).length % 2).toBe(0);
    expect((body.match(/<details[\s>]/g) ?? []).length).toBe((body.match(/<\/details>/g) ?? []).length);
    const noteLine = lines.findIndex((line) => line.includes('so it is cut'));
    expect(noteLine).toBeGreaterThan(0);
    expect(lines.slice(0, noteLine).filter((line) => /^```/.test(line)).length % 2).toBe(0);
    expect(lines[noteLine]).toContain(`[job summary](${RUN_URL})`);
    expect(body.trimEnd().endsWith('</sub>')).toBe(true);

    expect(step.summary).toContain(plan.trimEnd());
    // Plan text that looks like a workflow command stays text.
    expect(step.stdout).toContain('::warning::this line is plan text');
    expect(workflowCommands(step.stdout).filter((line) => line.includes('this line is plan text'))).toEqual([]);
  });

  it('neither the bot token nor the GitHub token appears in any output, summary, comment or request body', () => {
    expect(h.steps.length).toBeGreaterThan(5);
    for (const step of h.steps) {
      // The runner consumes ::add-mask:: lines; the action masks both tokens first thing.
      expect(step.stdout).toContain(`::add-mask::${GITHUB_TOKEN}`);
      const visible = [visibleLog(step.stdout), step.stderr, JSON.stringify(step.outputs), step.summary].join('\n');
      expect(visible).not.toContain(GITHUB_TOKEN);
      expect(visible).not.toContain(BOT_TOKEN);
    }
    const sent = h.github.requests.map((r) => `${r.path}\n${r.body}`).join('\n');
    expect(sent).not.toContain(GITHUB_TOKEN);
    expect(sent).not.toContain(BOT_TOKEN);
  });
});
