import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { APIApplicationCommand, APIWebhook } from '../../src/discord/types.js';
import type { Manifest, SlashDeclaration } from '../../src/manifest/types.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { planFingerprints } from '../../src/plan/fingerprint.js';
import type { LiveAuditLog, LiveState } from '../../src/live/live-state.js';
import { renderMarkdown } from '../../src/plan/render/markdown.js';
import { renderText } from '../../src/plan/render/text.js';
import { APP_ID, BOT_ID, auditEntry, avatar, liveBuilder, liveFrom, manifestBuilder } from './builders.js';
import { fuzzRuns } from '../support/fuzz.js';

const GUILDS = ['1000', '1001'];
const CHANNELS = ['2001', '2002', '2003'];
const NAMES = ['Deploys', 'Alerts', 'CI', 'Releases', 'a|b <c>'];
const MD5S = ['0123456789abcdef0123456789abcdef', 'fedcba9876543210fedcba9876543210'];

const slashArb: fc.Arbitrary<SlashDeclaration> = fc.record({
  description: fc.constantFrom('one', 'two'),
  options: fc.array(
    fc.record({
      type: fc.constantFrom('string', 'integer', 'boolean'),
      name: fc.constantFrom('x', 'y'),
      description: fc.constant('opt'),
      required: fc.boolean(),
    }),
    { maxLength: 2 },
  ),
});

const declArb = fc.record({
  channel: fc.constantFrom(...CHANNELS),
  name: fc.constantFrom(...NAMES),
  md5: fc.option(fc.constantFrom(...MD5S), { nil: undefined }),
  pinned: fc.boolean(),
  renamedFrom: fc.option(fc.constantFrom(...NAMES), { nil: undefined }),
});

/** Valid manifests as the loader would produce them: unique guilds, unique (channel, name), unique pins. */
const validManifestArb: fc.Arbitrary<Manifest> = fc
  .array(
    fc.record({
      webhooks: fc.uniqueArray(declArb, { selector: (d) => `${d.channel}/${d.name}`, maxLength: 8 }),
      commands: fc.uniqueArray(fc.record({ name: fc.constantFrom('ping', 'echo', 'ticket'), slash: fc.option(slashArb, { nil: undefined }) }), { selector: (c) => c.name, maxLength: 3 }),
      prune: fc.boolean(),
    }),
    { minLength: 1, maxLength: 2 },
  )
  .map((guilds) => {
    const builder = manifestBuilder();
    let pin = 0;
    guilds.forEach((guild, g) => {
      builder.guild(GUILDS[g]!, { prune: guild.prune });
      for (const d of guild.webhooks) {
        const channel = `${g}${d.channel}`;
        builder.webhook(d.name, channel, {
          ...(d.md5 === undefined ? {} : { avatar: avatar(`./${d.name}.png`, d.md5) }),
          ...(d.pinned ? { id: `44${String(pin++).padStart(16, '0')}` } : {}),
          ...(d.renamedFrom === undefined ? {} : { renamedFrom: d.renamedFrom }),
        });
      }
      for (const c of guild.commands) builder.command(c.name, c.slash === undefined ? {} : { slash: c.slash });
    });
    return builder.build();
  });

const liveWebhookArb = (guildId: string) =>
  fc.record({
    id: fc.constantFrom('3001', '3002', '3003', '3004', '3005', '3006', '3007', '3008', '440000000000000000', '440000000000000001'),
    type: fc.constantFrom(1, 1, 1, 2, 3) as fc.Arbitrary<1 | 2 | 3>,
    channel_id: fc.option(fc.constantFrom('02001', '02002', '12001', '12003', '9'), { nil: null }),
    name: fc.option(fc.constantFrom(...NAMES), { nil: null }),
    avatar: fc.option(fc.constantFrom(...MD5S, 'other'), { nil: null }),
    creator: fc.constantFrom('bot', 'human', 'app', 'none'),
  }).map(
    (w): APIWebhook => ({
      id: w.id,
      type: w.type,
      guild_id: guildId,
      channel_id: w.channel_id,
      name: w.name,
      avatar: w.avatar,
      application_id: w.creator === 'app' ? APP_ID : null,
      ...(w.creator === 'bot' ? { user: { id: BOT_ID, username: 'bot', discriminator: '0', avatar: null } } : {}),
      ...(w.creator === 'human' ? { user: { id: '8', username: 'alice', discriminator: '0', avatar: null } } : {}),
      token: `TOKEN-${w.id}-secretsecretsecret`,
    }),
  );

const liveCommandArb = fc.record({ name: fc.constantFrom('ping', 'echo', 'old'), description: fc.constantFrom('one', 'two'), type: fc.constantFrom(1, 2) }).map(
  (c): APIApplicationCommand => ({ id: '6', type: c.type, application_id: APP_ID, name: c.name, description: c.description, default_member_permissions: null, version: '1' }),
);

const nameOrNull = fc.option(fc.constantFrom(...NAMES), { nil: null });
const channelOrNull = fc.option(fc.constantFrom('02001', '02002', '12001', '12003'), { nil: null });

/** Webhook entries of an audit log: any writer (the bot, a person, a token), any names and channels, old or new. */
const auditLogArb: fc.Arbitrary<LiveAuditLog | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constant({ readable: false as const }),
  fc
    .uniqueArray(
      fc.record({
        n: fc.nat(40),
        target: fc.constantFrom('3001', '3002', '3003', '3004', '440000000000000000', '999'),
        by: fc.constantFrom(BOT_ID, '8', null),
        action: fc.constantFrom(51 as const, 52 as const),
        name: fc.option(fc.tuple(nameOrNull, nameOrNull), { nil: undefined }),
        channel: fc.option(fc.tuple(channelOrNull, channelOrNull), { nil: undefined }),
        reason: fc.option(fc.constantFrom('why', 'a <b>|c'), { nil: undefined }),
      }),
      { selector: (e) => e.n, maxLength: 8 },
    )
    .map((entries): LiveAuditLog => ({
      readable: true,
      entries: entries.map((e) =>
        auditEntry({
          n: e.n,
          target: e.target,
          by: e.by,
          action: e.action,
          changes: { ...(e.name === undefined ? {} : { name: e.name }), ...(e.channel === undefined ? {} : { channel_id: e.channel }) },
          ...(e.reason === undefined ? {} : { reason: e.reason }),
        }),
      ),
      users: [{ id: '8', username: 'alice', discriminator: '0', avatar: null }],
    })),
);

/** Arbitrary live state for the two guilds: unique webhook ids, any types and creators, any audit log. */
const liveArb: fc.Arbitrary<LiveState> = fc
  .tuple(
    ...GUILDS.map((guildId) =>
      fc.record({
        present: fc.boolean(),
        webhooks: fc.uniqueArray(liveWebhookArb(guildId), { selector: (w) => w.id, maxLength: 10 }),
        channels: fc.option(fc.subarray(['02001', '02002', '02003', '12001', '12002', '12003']), { nil: null }),
        commands: fc.option(fc.array(liveCommandArb, { maxLength: 3 }), { nil: null }),
        auditLog: auditLogArb,
      }),
    ),
  )
  .map((guilds) => {
    const live = liveBuilder().build();
    guilds.forEach((g, i) => {
      if (!g.present) return;
      live.guilds.push({
        guildId: GUILDS[i]!,
        webhooks: g.webhooks,
        channels: g.channels === null ? null : g.channels.map((id) => ({ id, type: 0 })),
        commands: g.commands,
        ...(g.auditLog === undefined ? {} : { auditLog: g.auditLog }),
      });
    });
    return live;
  });

const targetsArb = fc.option(fc.subarray([...NAMES, '1000/02001/CI', '1000/commands']), { nil: undefined });

describe('planner properties', () => {
  it('convergence: a manifest against the live state apply would create plans nothing', () => {
    fc.assert(
      fc.property(validManifestArb, (manifest) => {
        const plan = buildPlan(manifest, liveFrom(manifest));
        expect(plan.changes).toEqual([]);
        expect(plan.blockers).toEqual([]);
        expect(renderText(plan)).toBe('No changes. Discord matches the manifest.');
      }),
      { numRuns: fuzzRuns(300) },
    );
  });

  it('diffing arbitrary manifests against arbitrary live states never throws, and renders', () => {
    fc.assert(
      fc.property(validManifestArb, liveArb, targetsArb, (manifest, live, targets) => {
        const plan = buildPlan(manifest, live, targets === undefined ? {} : { targets });
        expect(JSON.parse(JSON.stringify(plan))).toStrictEqual(plan);
        renderText(plan, { verbose: true, color: true });
        expect(renderMarkdown(plan).length).toBeLessThanOrEqual(65_000);
        expect(JSON.stringify(plan)).not.toContain('TOKEN-');
      }),
      { numRuns: fuzzRuns(300) },
    );
  });

  it('is deterministic: same inputs, and the same inputs in another order, give an identical plan', () => {
    fc.assert(
      fc.property(validManifestArb, liveArb, (manifest, live) => {
        const plan = buildPlan(manifest, live);
        expect(buildPlan(structuredClone(manifest), structuredClone(live))).toStrictEqual(plan);
        const shuffled = structuredClone(live);
        for (const guild of shuffled.guilds) guild.webhooks.reverse();
        shuffled.guilds.reverse();
        const reversedManifest = structuredClone(manifest);
        for (const guild of reversedManifest.guilds) guild.webhooks.reverse();
        reversedManifest.guilds.reverse();
        const other = buildPlan(reversedManifest, shuffled);
        expect(other.changes).toStrictEqual(plan.changes);
        expect(other.blockers).toStrictEqual(plan.blockers);
        expect(other.warnings).toStrictEqual(plan.warnings);
        expect(other.ignored).toStrictEqual(plan.ignored);
        expect(planFingerprints(reversedManifest, shuffled)).toStrictEqual(planFingerprints(manifest, live));
      }),
      { numRuns: fuzzRuns(300) },
    );
  });

  it('a managed webhook someone renamed and/or moved is put back by one change that keeps its id, attributed to them', () => {
    const scenario = validManifestArb.chain((manifest) => {
      const managed = liveFrom(manifest).guilds.flatMap((g) => g.webhooks.filter((w) => w.user?.id === BOT_ID).map((w) => w.id));
      if (managed.length === 0) return fc.constant(null);
      return fc.record({ id: fc.constantFrom(...managed), rename: fc.boolean(), channelIndex: fc.nat(10) }).map(({ id, rename, channelIndex }) => {
        // A fresh live state each time: shrinking replays this function.
        const live = liveFrom(manifest);
        const guild = live.guilds.find((g) => g.webhooks.some((w) => w.id === id))!;
        const webhook = guild.webhooks.find((w) => w.id === id)!;
        const channels = [...new Set(guild.webhooks.map((w) => w.channel_id!))];
        const channel = channels[channelIndex % channels.length]!;
        const moved = channel !== webhook.channel_id;
        const name = rename ? 'Renamed by hand' : webhook.name;
        // Onto another webhook's channel and name it would be that one's twin: exact matching's business.
        const collides = guild.webhooks.some((w) => w !== webhook && w.channel_id === channel && w.name === name);
        if ((!rename && !moved) || collides) return null;
        const changes: Record<string, [unknown, unknown]> = {
          ...(rename ? { name: [webhook.name, 'Renamed by hand'] } : {}),
          ...(moved ? { channel_id: [webhook.channel_id, channel] } : {}),
        };
        Object.assign(webhook, { name, channel_id: channel });
        guild.auditLog = { readable: true, entries: [auditEntry({ n: 1, target: id, changes })], users: [] };
        return { manifest, live, id };
      });
    });
    fc.assert(
      fc.property(scenario, (drifted) => {
        if (drifted === null) return;
        const plan = buildPlan(drifted.manifest, drifted.live);
        expect(plan.changes).toEqual([expect.objectContaining({ webhookId: drifted.id, attribution: expect.objectContaining({ userName: null }) })]);
        expect(['update', 'move']).toContain(plan.changes[0]!.action);
      }),
      { numRuns: fuzzRuns(300) },
    );
  });

  it('a plan computed after applying a plan (simulated) is empty', () => {
    fc.assert(
      fc.property(validManifestArb, liveArb, (manifest, live) => {
        // Blockers would stop a real apply; the simulation applies anyway, which is stricter.
        const plan = buildPlan(manifest, live);
        const after = simulateApply(plan, live);
        const next = buildPlan(manifest, after);
        expect(next.changes.filter((c) => c.action !== 'sync_commands')).toEqual([]);
      }),
      { numRuns: fuzzRuns(300) },
    );
  });
});

/** What Discord would look like after apply, for webhooks (commands are covered by the sandbox tests). */
function simulateApply(plan: ReturnType<typeof buildPlan>, live: LiveState): LiveState {
  const next = structuredClone(live);
  let created = 0;
  for (const change of plan.changes) {
    const guild = next.guilds.find((g) => g.guildId === change.guildId)!;
    switch (change.action) {
      case 'create':
      case 'replace': {
        if (change.action === 'replace') guild.webhooks = guild.webhooks.filter((w) => w.id !== change.webhookId);
        const body = change.request.body;
        guild.webhooks.push({
          id: `77${created++}`,
          type: 1,
          channel_id: change.channelId,
          name: body.name,
          avatar: body.avatar?.md5 ?? null,
          application_id: null,
          user: { id: BOT_ID, username: 'bot', discriminator: '0', avatar: null },
        });
        break;
      }
      case 'delete':
        guild.webhooks = guild.webhooks.filter((w) => w.id !== change.webhookId);
        break;
      case 'update':
      case 'move':
      case 'adopt': {
        const webhook = guild.webhooks.find((w) => w.id === change.webhookId)!;
        const body = change.request.body;
        if (body.name !== undefined) webhook.name = body.name;
        if (body.channel_id !== undefined) webhook.channel_id = body.channel_id;
        if (body.avatar !== undefined) webhook.avatar = body.avatar?.md5 ?? null;
        break;
      }
      case 'sync_commands':
        break;
    }
  }
  return next;
}
