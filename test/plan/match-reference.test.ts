import { describe, expect, it } from 'vitest';
import type { APIWebhook } from '../../src/discord/types.js';
import type { WebhookDeclaration } from '../../src/manifest/types.js';
import { matchWebhooks, type MatchResult } from '../../src/plan/match-webhooks.js';
import { classifyWebhook, isUntouchable, type Owner } from '../../src/plan/ownership.js';
import { compareSnowflakes, compareText, sortBy } from '../../src/plan/sort.js';
import { APP_ID, BOT_ID, liveWebhook, manifestBuilder, snowflake, type Creator } from './builders.js';

/**
 * The matcher keeps indexes and ordered sets so that a guild of 1000 webhooks is not scanned
 * per declaration. This is the straightforward version of the same rules — arrays, a scan per
 * lookup, a copy per claim — and big generated guilds (names reused across channels, twins,
 * renames, moves, pins, foreign and type 2/3 webhooks) must match identically.
 */
const OWNER: Owner = { botId: BOT_ID, applicationId: APP_ID };

interface Outcome {
  matches: string[];
  unmatched: string[];
  unclaimed: string[];
  blockers: string[];
  warnings: string[];
}

function straightforwardMatch(declarations: readonly WebhookDeclaration[], webhooks: readonly APIWebhook[]): Outcome {
  let pending = sortBy(declarations, (d) => d.key);
  let free = [...webhooks].sort((a, b) => compareSnowflakes(a.id, b.id));
  const matches: string[] = [];
  const blockers: string[] = [];
  const warnings: string[] = [];
  const managed = (w: APIWebhook) => classifyWebhook(w, OWNER) === 'managed';
  const claim = (d: WebhookDeclaration, w: APIWebhook, via: string) => {
    matches.push(`${d.key} ${w.id} ${via}`);
    pending = pending.filter((x) => x !== d);
    free = free.filter((x) => x !== w);
  };
  const block = (code: string, d: WebhookDeclaration) => {
    blockers.push(`${code} ${d.key}`);
    pending = pending.filter((x) => x !== d);
  };
  const doubleClaim = (id: string, claimants: WebhookDeclaration[]) => {
    free = free.filter((w) => w.id !== id);
    for (const d of claimants) block('double_claim', d);
  };

  const pinned = [...new Set(pending.flatMap((d) => (d.id === undefined ? [] : [d.id])))].sort(compareText);
  for (const id of pinned) {
    const claimants = pending.filter((d) => d.id === id);
    const webhook = free.find((w) => w.id === id);
    if (claimants.length > 1) doubleClaim(id, claimants);
    else if (webhook === undefined) block('pin_missing', claimants[0]!);
    else if (isUntouchable(classifyWebhook(webhook, OWNER))) block('pin_untouchable', claimants[0]!);
    else claim(claimants[0]!, webhook, 'pin');
  }

  for (const d of [...pending]) {
    const webhook = free.find((w) => managed(w) && w.channel_id === d.channel && w.name === d.name);
    if (webhook !== undefined) claim(d, webhook, 'exact');
  }

  for (const where of ['same_channel', 'other_channel']) {
    const proposals = new Map<APIWebhook, WebhookDeclaration[]>();
    for (const d of [...pending]) {
      if (d.renamedFrom === undefined) continue;
      const oldest = new Map<string, APIWebhook>();
      for (const w of free) {
        if (managed(w) && w.name === d.renamedFrom && w.channel_id !== null && !oldest.has(w.channel_id)) oldest.set(w.channel_id, w);
      }
      const candidates = oldest.has(d.channel) ? [oldest.get(d.channel)!] : [...oldest.values()];
      const sameChannel = candidates.length === 1 && candidates[0]!.channel_id === d.channel;
      if (sameChannel !== (where === 'same_channel')) continue;
      if (candidates.length > 1) {
        free = free.filter((w) => !candidates.includes(w));
        block('rename_ambiguous', d);
      } else if (candidates.length === 1) {
        proposals.set(candidates[0]!, [...(proposals.get(candidates[0]!) ?? []), d]);
      }
    }
    for (const [webhook, claimants] of proposals) {
      if (claimants.length > 1) doubleClaim(webhook.id, claimants);
      else claim(claimants[0]!, webhook, 'renamed_from');
    }
  }

  const found = pending.map((d) => ({ d, found: free.filter((w) => managed(w) && w.name === d.name && w.channel_id !== d.channel) }));
  const wanted = (w: APIWebhook) => found.filter((entry) => entry.found.includes(w)).length;
  for (const entry of found) {
    if (entry.found.length === 1 && wanted(entry.found[0]!) === 1) claim(entry.d, entry.found[0]!, 'move');
    else if (entry.found.length > 0) warnings.push(`ambiguous_move ${entry.d.key}`);
  }
  for (const d of pending) if (d.renamedFrom !== undefined) warnings.push(`rename_unmatched ${d.key}`);

  return { matches, unmatched: pending.map((d) => d.key), unclaimed: free.map((w) => w.id), blockers, warnings };
}

function outcome(result: MatchResult): Outcome {
  return {
    matches: result.matches.map((m) => `${m.declaration.key} ${m.webhook.id} ${m.via}`),
    unmatched: result.unmatched.map((d) => d.key),
    unclaimed: result.unclaimed.map((w) => w.id),
    blockers: result.blockers.map((b) => `${b.code} ${b.key ?? ''}`),
    warnings: result.warnings.map((w) => `${w.code} ${w.key ?? ''}`),
  };
}

/** mulberry32: a seeded generator, so a failure names its guild and reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A guild of up to `size` webhooks and about as many declarations, from a few names and channels so that they collide. */
function generatedGuild(seed: number, size: number) {
  const next = random(seed);
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const guildId = snowflake(3, seed);
  const channels = Array.from({ length: 4 + Math.floor(next() * 60) }, (_, c) => snowflake(4, seed * 100 + c));
  const names = Array.from({ length: 5 + Math.floor(next() * size) }, (_, n) => `hook-${n}`);
  const creators: Creator[] = ['bot', 'bot', 'bot', 'bot', 'bot', 'bot', 'human', 'app'];
  const webhooks = Array.from({ length: Math.floor(size / 2 + (next() * size) / 2) }, (_, w) => {
    const type = next() < 0.03 ? pick([2, 3] as const) : 1;
    return liveWebhook(guildId, { id: snowflake(5, seed * 10_000 + Math.floor(next() * size * 5) * 2 + w), channel: pick(channels), name: pick(names), creator: pick(creators), type });
  });
  const ids = webhooks.map((w) => w.id);
  const builder = manifestBuilder().guild(guildId);
  const slots = new Set<string>();
  for (let d = Math.floor(next() * size); d > 0; d--) {
    const channel = pick(channels);
    const name = pick(names);
    if (slots.has(`${channel}/${name}`)) continue;
    slots.add(`${channel}/${name}`);
    const roll = next();
    const options =
      roll < 0.05 && ids.length > 0 ? { id: pick(ids) } : roll < 0.07 ? { id: snowflake(6, d) } : roll < 0.2 ? { renamedFrom: pick(names) } : {};
    builder.webhook(name, channel, options);
  }
  return { guildId, declarations: builder.build().guilds[0]!.webhooks, webhooks };
}

describe('matchWebhooks equals the straightforward matcher', () => {
  it('on 60 generated guilds of up to 1000 webhooks', () => {
    let webhooks = 0;
    const seen = new Set<string>();
    for (let seed = 1; seed <= 60; seed++) {
      const guild = generatedGuild(seed, seed % 6 === 0 ? 1000 : 150);
      webhooks += guild.webhooks.length;
      const fast = outcome(matchWebhooks(guild.guildId, guild.declarations, guild.webhooks, OWNER));
      expect({ seed, ...fast }).toEqual({ seed, ...straightforwardMatch(guild.declarations, guild.webhooks) });
      for (const match of fast.matches) seen.add(match.split(' ')[2]!);
      for (const issue of [...fast.blockers, ...fast.warnings]) seen.add(issue.split(' ')[0]!);
    }
    expect(webhooks).toBeGreaterThan(10_000);
    // Every rule was exercised.
    expect([...seen].sort()).toEqual(
      ['ambiguous_move', 'double_claim', 'exact', 'move', 'pin', 'pin_missing', 'pin_untouchable', 'rename_ambiguous', 'rename_unmatched', 'renamed_from'],
    );
  });
});
