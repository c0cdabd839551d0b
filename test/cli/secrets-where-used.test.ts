import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERAL, GUILD, startHarness, type Harness } from '../support/cli-harness.js';

/**
 * Secrets only where used: a fork's pull request (no secrets) can validate, a plan job with
 * only the bot token can plan, and only `cordform run` needs the runtime's secrets.
 */
const MANIFEST = `version: 1
discord:
  token: \${DISCORD_BOT_TOKEN}
guilds:
  - id: "${GUILD}"
    webhooks:
      - name: Deploys
        channel: "${GENERAL}"
    commands:
      - name: ticket
        actions:
          - type: THIRD_PARTY_MESSAGE
            url: https://im.example.com/hook
            token: \${IM_TOKEN}
            user_id: "{{author.id}}"
            message: "{{args}}"
          - type: HTTP_POST
            url: https://bots.example.com/ticket
            signing_secret: \${SIGNING_SECRET}
`;
const IM_TOKEN = 'im-bearer-token-0123456789';

describe('secrets only where used, through the CLI against the sandbox', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await h.manifest(MANIFEST);
  });
  afterAll(async () => h.close());

  it('validate with no environment variable set exits 0 and lists the unset ones as notes', async () => {
    const run = await h.cli(['validate'], { bareEnv: true });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('cordform.yaml:3:10: note: environment variable DISCORD_BOT_TOKEN is not set');
    expect(run.stdout).toContain('cordform.yaml:14:20: note: environment variable IM_TOKEN is not set (referenced as ${IM_TOKEN}); only `cordform run` needs it [env_unset]');
    expect(run.stdout).toContain('cordform.yaml:19:29: note: environment variable SIGNING_SECRET is not set');
    expect(run.stdout).toContain('cordform.yaml: valid (1 webhook, 1 command in 1 guild, 3 notes)');
  });

  it('plan with only the bot token set works; its saved plan applies once the runtime secrets are set too', async () => {
    const plan = await h.cli(['plan', '--out', 'plan.json']);
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('+ create "Deploys"');
    expect(plan.stdout).not.toContain('${IM_TOKEN}');

    // The manifest fingerprint leaves runtime secrets out: setting them does not make the plan stale.
    const apply = await h.cli(['apply', 'plan.json'], { env: { IM_TOKEN, SIGNING_SECRET: 'whsec_0123456789' } });
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect((await h.webhooks()).map((webhook) => webhook.name)).toEqual(['Deploys']);

    const check = await h.cli(['check']);
    expect(check.code).toBe(0);
  });

  it('a missing bot token is an error for plan, naming the variable and file:line:col', async () => {
    const run = await h.cli(['plan'], { bareEnv: true, env: { CORDFORM_API_BASE: h.sandbox.apiBase } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('cordform.yaml:3:10: environment variable DISCORD_BOT_TOKEN is not set');
    expect(run.stderr).not.toContain('IM_TOKEN');
  });

  it('run refuses to start without the runtime secrets, naming each with its file:line:col', async () => {
    await h.clearRequests();
    const run = await h.cli(['run', '--port', '0'], { env: { IM_TOKEN } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('cordform.yaml:19:29: environment variable SIGNING_SECRET is not set (referenced as ${SIGNING_SECRET})');
    expect(run.stderr).not.toContain('IM_TOKEN is not set');
    expect(run.stderr).not.toContain(IM_TOKEN);
    expect(h.requests()).toEqual([]);
  });
});
