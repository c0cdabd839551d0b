import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/plan/build-plan.js';
import type { Change, Plan } from '../../src/plan/plan-types.js';
import { renderJson } from '../../src/plan/render/json.js';
import { renderMarkdown } from '../../src/plan/render/markdown.js';
import { renderText } from '../../src/plan/render/text.js';
import { avatar, liveBuilder, liveCommand, manifestBuilder } from './builders.js';

const G = '1000';
const [C1, C2, C3, C9] = ['2001', '2002', '2003', '2009'];

/** One of everything: create with avatar, long rename, move, adoption, delete, command sync, blocker. */
function representativePlan(): Plan {
  const manifest = manifestBuilder()
    .guild(G)
    .webhook('Deploys', C1, { avatar: avatar('./avatars/deploys.png', '0123456789abcdef0123456789abcdef') })
    .webhook('Nightly build notifications for the platform team', C1, {
      renamedFrom: 'Nightly build notifications for the web team',
      avatar: avatar('./avatars/nightly.png', 'fedcba9876543210fedcba9876543210'),
    })
    .webhook('Alerts', C2)
    .webhook('Support', C2, { id: '3004', reason: 'take over the helpdesk hook' })
    .webhook('Lost', C9)
    .command('ping', { slash: { description: 'Replies pong', options: [] } })
    .build();
  const live = liveBuilder()
    .guild(G, { channels: [C1, C2, C3], commands: [liveCommand(G, 'old', { description: 'Gone soon', options: [] })] })
    .webhook({ id: '3001', channel: C1, name: 'Nightly build notifications for the web team', avatar: 'b004ec1740a63ca06ae2e14c5cee11f3' })
    .webhook({ id: '3002', channel: C1, name: 'Alerts' })
    .webhook({ id: '3003', channel: C3, name: 'Old' })
    .webhook({ id: '3004', channel: C2, name: 'helpdesk', creator: 'human' })
    .webhook({ id: '3005', channel: C3, name: 'alice hook', creator: 'human' })
    .build();
  return buildPlan(manifest, live);
}

describe('renderText', () => {
  it('renders a representative plan Terraform-style', () => {
    expect(renderText(representativePlan())).toMatchInlineSnapshot(`
      "cordform will perform the following actions:

      Guild 1000:

        ~ update "Nightly build notifications for the platform team" (webhook 3001) in #channel-2001 (2001)
            name:   Nightly build notifications for the [-web-]{+platform+} team
            avatar: "b004ec1740a63ca06ae2e14c5cee11f3" → "md5:fedcba9876543210fedcba9876543210 (./avatars/nightly.png)"
            note: Discord does not document how it derives avatar hashes, so cordform compares the file's MD5 with the live hash (what cordform sandbox stores) and re-uploads when they differ.

        → move "Alerts" (webhook 3002) from #channel-2001 (2001) to #channel-2002 (2002)
            channel_id: "2001" (#channel-2001) → "2002" (#channel-2002)

        ± adopt "Support" (webhook 3004) in #channel-2002 (2002)
            name: "helpdesk" → "Support"

        + create "Deploys" in #channel-2001 (2001)
            name:       "Deploys"
            channel_id: "2001" (#channel-2001)
            avatar:     "md5:0123456789abcdef0123456789abcdef (./avatars/deploys.png)"

        + create "Lost" in channel 2009
            name:       "Lost"
            channel_id: "2009"

        - delete "Old" (webhook 3003) in #channel-2003 (2003)
            name:       "Old"
            channel_id: "2003" (#channel-2003)

        ~ sync slash commands of guild 1000 (bulk overwrite)
            + ping
            - old

      Blockers — apply will refuse to start until these are fixed:
        ✖ "Lost": channel 2009 does not exist in guild 1000 (cordform.yaml:6:5)

      Warnings:
        ! adopts webhook "helpdesk" (3004), which the bot did not create; cordform will modify it (but never delete it) (cordform.yaml:5:5)
        ! deletes webhook "Old" (3003) in channel 2003: anything posting to its URL will stop working
        ! removes slash command(s) old from guild 1000 (cordform.yaml:1:5)
        ! 1 avatar(s) will be re-uploaded. Discord does not document how it derives avatar hashes, so cordform compares the file's MD5 with the live hash (what cordform sandbox stores) and re-uploads when they differ.

      Plan: 2 to create, 3 to update, 1 to move, 1 to delete."
    `);
  });

  it('--verbose adds ownership classes, requests, locations and ignored webhooks', () => {
    expect(renderText(representativePlan(), { verbose: true })).toMatchInlineSnapshot(`
      "cordform will perform the following actions:

      Guild 1000:

        ~ update "Nightly build notifications for the platform team" (webhook 3001) in #channel-2001 (2001)  [managed]
            name:   Nightly build notifications for the [-web-]{+platform+} team
            avatar: "b004ec1740a63ca06ae2e14c5cee11f3" → "md5:fedcba9876543210fedcba9876543210 (./avatars/nightly.png)"
            note: Discord does not document how it derives avatar hashes, so cordform compares the file's MD5 with the live hash (what cordform sandbox stores) and re-uploads when they differ.
            request: PATCH /webhooks/3001
            at cordform.yaml:3:5

        → move "Alerts" (webhook 3002) from #channel-2001 (2001) to #channel-2002 (2002)  [managed]
            channel_id: "2001" (#channel-2001) → "2002" (#channel-2002)
            request: PATCH /webhooks/3002
            at cordform.yaml:4:5

        ± adopt "Support" (webhook 3004) in #channel-2002 (2002)  [adopted]
            name: "helpdesk" → "Support"
            request: PATCH /webhooks/3004
            reason: take over the helpdesk hook
            at cordform.yaml:5:5

        + create "Deploys" in #channel-2001 (2001)  [managed]
            name:       "Deploys"
            channel_id: "2001" (#channel-2001)
            avatar:     "md5:0123456789abcdef0123456789abcdef (./avatars/deploys.png)"
            request: POST /channels/2001/webhooks
            at cordform.yaml:2:5

        + create "Lost" in channel 2009  [managed]
            name:       "Lost"
            channel_id: "2009"
            request: POST /channels/2009/webhooks
            at cordform.yaml:6:5

        - delete "Old" (webhook 3003) in #channel-2003 (2003)  [managed]
            name:       "Old"
            channel_id: "2003" (#channel-2003)
            request: DELETE /webhooks/3003

        ~ sync slash commands of guild 1000 (bulk overwrite)  [managed]
            + ping
            - old
            request: PUT /applications/900000000000000001/guilds/1000/commands
            at cordform.yaml:1:5

      Blockers — apply will refuse to start until these are fixed:
        ✖ "Lost": channel 2009 does not exist in guild 1000 (cordform.yaml:6:5)

      Warnings:
        ! adopts webhook "helpdesk" (3004), which the bot did not create; cordform will modify it (but never delete it) (cordform.yaml:5:5)
        ! deletes webhook "Old" (3003) in channel 2003: anything posting to its URL will stop working
        ! removes slash command(s) old from guild 1000 (cordform.yaml:1:5)
        ! 1 avatar(s) will be re-uploaded. Discord does not document how it derives avatar hashes, so cordform compares the file's MD5 with the live hash (what cordform sandbox stores) and re-uploads when they differ.

      Ignored webhooks (left as they are):
        · "alice hook" (webhook 3005) in channel 2003 [foreign]: ignored (not owned): created by another user or app; pin it with id: to adopt it

      Plan: 2 to create, 3 to update, 1 to move, 1 to delete."
    `);
  });

  it('an empty plan says so', () => {
    const manifest = manifestBuilder().guild(G).webhook('A', C1).build();
    const live = liveBuilder().guild(G).webhook({ id: '3001', channel: C1, name: 'A' }).build();
    expect(renderText(buildPlan(manifest, live))).toBe('No changes. Discord matches the manifest.');
  });

  it('no ANSI codes unless asked for', () => {
    const plan = representativePlan();
    expect(renderText(plan, { verbose: true })).not.toContain('\u001b[');
    expect(renderText(plan, { color: true })).toContain('\u001b[32m+ create');
  });

  it('ends with the exact summary line', () => {
    const lines = renderText(representativePlan()).trimEnd().split('\n');
    expect(lines.at(-1)).toBe('Plan: 2 to create, 3 to update, 1 to move, 1 to delete.');
  });
});

describe('renderMarkdown', () => {
  it('renders a PR comment', () => {
    expect(renderMarkdown(representativePlan())).toMatchInlineSnapshot(`
      "### cordform plan

      **Plan: 2 to create, 3 to update, 1 to move, 1 to delete.**

      > [!CAUTION]
      > **1 blocker(s): apply will refuse to start**
      > - "Lost": channel 2009 does not exist in guild 1000 (\`cordform.yaml:6:5\`)

      **Guild 1000**

      | | Action | Webhook | Channel | Fields |
      |---|---|---|---|---|
      | ✏️ | update | <code>Nightly build notifications for the platform team</code> | #channel-2001 <code>2001</code> | <code>name</code>, <code>avatar</code> |
      | ➡️ | move | <code>Alerts</code> | #channel-2002 <code>2002</code> | <code>channel_id</code> |
      | 🤝 | adopt | <code>Support</code> | #channel-2002 <code>2002</code> | <code>name</code> |
      | ➕ | create | <code>Deploys</code> | #channel-2001 <code>2001</code> | <code>name</code>, <code>channel_id</code>, <code>avatar</code> |
      | ➕ | create | <code>Lost</code> | <code>2009</code> | <code>name</code>, <code>channel_id</code> |
      | 🗑️ | delete | <code>Old</code> | #channel-2003 <code>2003</code> | <code>name</code>, <code>channel_id</code> |
      | 🔁 | sync_commands | <code>slash commands</code> |  | <code>ping</code>, <code>old</code> |

      <details><summary>✏️ update "Nightly build notifications for the platform team" (webhook 3001) in #channel-2001 (2001)</summary>

      <sub>cordform.yaml:3:5</sub>

      \`\`\`diff
      - name: "Nightly build notifications for the web team"
      + name: "Nightly build notifications for the platform team"
      - avatar: "b004ec1740a63ca06ae2e14c5cee11f3"
      + avatar: "md5:fedcba9876543210fedcba9876543210 (./avatars/nightly.png)"
      \`\`\`

      > Discord does not document how it derives avatar hashes, so cordform compares the file's MD5 with the live hash (what cordform sandbox stores) and re-uploads when they differ.

      </details>

      <details><summary>➡️ move "Alerts" (webhook 3002) from #channel-2001 (2001) to #channel-2002 (2002)</summary>

      <sub>cordform.yaml:4:5</sub>

      \`\`\`diff
      - channel_id: "2001" (#channel-2001)
      + channel_id: "2002" (#channel-2002)
      \`\`\`

      </details>

      <details><summary>🤝 adopt "Support" (webhook 3004) in #channel-2002 (2002)</summary>

      <sub>cordform.yaml:5:5</sub>

      \`\`\`diff
      - name: "helpdesk"
      + name: "Support"
      \`\`\`

      </details>

      <details><summary>➕ create "Deploys" in #channel-2001 (2001)</summary>

      <sub>cordform.yaml:2:5</sub>

      \`\`\`diff
      + name: "Deploys"
      + channel_id: "2001" (#channel-2001)
      + avatar: "md5:0123456789abcdef0123456789abcdef (./avatars/deploys.png)"
      \`\`\`

      </details>

      <details><summary>➕ create "Lost" in channel 2009</summary>

      <sub>cordform.yaml:6:5</sub>

      \`\`\`diff
      + name: "Lost"
      + channel_id: "2009"
      \`\`\`

      </details>

      <details><summary>🗑️ delete "Old" (webhook 3003) in #channel-2003 (2003)</summary>

      \`\`\`diff
      - name: "Old"
      - channel_id: "2003" (#channel-2003)
      \`\`\`

      </details>

      <details><summary>🔁 sync slash commands of guild 1000 (bulk overwrite)</summary>

      <sub>cordform.yaml:1:5</sub>

      \`\`\`diff
        ping:
      +   {
      +     "type": 1,
      +     "name": "ping",
      +     "description": "Replies pong",
      +     "options": [],
      +     "default_member_permissions": null,
      +     "nsfw": false
      +   }
        old:
      -   {
      -     "type": 1,
      -     "name": "old",
      -     "description": "Gone soon",
      -     "options": [],
      -     "default_member_permissions": null,
      -     "nsfw": false
      -   }
      \`\`\`

      </details>


      #### Warnings

      - ⚠️ adopts webhook "helpdesk" (3004), which the bot did not create; cordform will modify it (but never delete it) (\`cordform.yaml:5:5\`)
      - ⚠️ deletes webhook "Old" (3003) in channel 2003: anything posting to its URL will stop working
      - ⚠️ removes slash command(s) old from guild 1000 (\`cordform.yaml:1:5\`)
      - ⚠️ 1 avatar(s) will be re-uploaded. Discord does not document how it derives avatar hashes, so cordform compares the file's MD5 with the live hash (what cordform sandbox stores) and re-uploads when they differ.

      _1 live webhook(s) left alone (not owned, never touched, or prune: false)._"
    `);
  });

  it('stays under 65,000 characters for a 5,000-change plan, with a count of what was cut', () => {
    const builder = manifestBuilder().guild(G);
    for (let i = 0; i < 5000; i++) builder.webhook(`webhook number ${i} with a fairly long name`, String(10_000 + Math.floor(i / 15)));
    const plan = buildPlan(builder.build(), liveBuilder().guild(G).build());
    expect(plan.changes).toHaveLength(5000);
    const markdown = renderMarkdown(plan);
    expect(markdown.length).toBeLessThanOrEqual(65_000);
    expect(markdown).toMatch(/… and \d+ more changes/);
    expect(markdown).toContain('**Plan: 5000 to create, 0 to update, 0 to move, 0 to delete.**');
    expect(markdown).toContain('blocker(s)'); // the 1000-per-guild limit
    expect(markdown).toContain('more changes (the full plan: `cordform plan --format json`)');
  });

  it('honours a smaller maxLength', () => {
    expect(renderMarkdown(representativePlan(), { maxLength: 1500 }).length).toBeLessThanOrEqual(1500);
  });

  it('escapes names that would break the table or inject HTML', () => {
    const manifest = manifestBuilder().guild(G).webhook('a|b <img src=x> ```', C1).build();
    const markdown = renderMarkdown(buildPlan(manifest, liveBuilder().guild(G).build()));
    expect(markdown).toContain('<code>a&#124;b &lt;img src=x&gt; ```</code>');
    expect(markdown).toContain('````diff');
    expect(markdown.replace(/````diff[\s\S]*?````/g, '')).not.toContain('<img'); // fenced code is shown as text
  });
});

describe('renderJson', () => {
  it('is the plan, pretty-printed, with format_version 2', () => {
    const plan = representativePlan();
    const json = renderJson(plan);
    expect(JSON.parse(json)).toStrictEqual(plan);
    expect(json.startsWith('{\n  "format_version": 2,')).toBe(true);
  });

  it('every change kind has the documented fields', () => {
    const plan = representativePlan();
    const kinds = new Set(plan.changes.map((c: Change) => c.action));
    expect([...kinds].sort()).toEqual(['adopt', 'create', 'delete', 'move', 'sync_commands', 'update']);
    for (const change of plan.changes) {
      expect(Object.keys(change)).toEqual(expect.arrayContaining(['action', 'key', 'guildId', 'channelId', 'name', 'ownership', 'fields', 'request', 'precondition']));
    }
  });
});
