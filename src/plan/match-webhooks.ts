/**
 * Matches a guild's declarations to its live webhooks, in this order:
 *
 * 1. `id:` pins — adoption of any creator's type 1 webhook; a missing id, a channel-follower
 *    or application webhook (types 2/3), or two pins on one id are blockers.
 * 2. exact (channel, name) among managed webhooks.
 * 3. `renamed_from: OLD` → a rename that keeps the URL: OLD in the same channel first (the
 *    oldest of twins), else OLD in exactly one other channel (rename + move in one PATCH);
 *    OLD in several other channels, or two declarations renamed from one webhook, block.
 *    A `renamed_from` that matches nothing is warned about where its declaration is created.
 * 4. the same name in another channel of the guild → a move, only when the declaration has
 *    exactly one candidate and no other declaration wants it; otherwise a warning and
 *    create/delete — ambiguity is decided by the manifest (an `id:` pin), never guessed.
 * 5. drift repaired: a managed webhook that the audit log shows someone else renamed and/or
 *    moved goes back to the declaration it came from (an update or move: the URL is kept) —
 *    only when that declaration is still unmatched and no other webhook came from it. Last, so
 *    it pairs only what would otherwise be deleted and created; the origins are data read
 *    from the audit log (audit-trail.ts), never inferred from names.
 * 6. the rest: unmatched declarations are created; unclaimed webhooks go back to the caller
 *    (deleted when managed and the guild prunes, otherwise ignored).
 *
 * Pure: the mutable state below is local to one call. A guild holds up to 1000 webhooks, so
 * nothing here scans the guild per declaration or per claim: `pending` and `free` are
 * ordered sets (claiming is O(1)), and names are looked up in an index.
 */
import type { APIWebhook } from '../discord/types.js';
import { formatLocation } from '../errors.js';
import type { WebhookDeclaration } from '../manifest/types.js';
import type { WebhookOrigin } from './audit-trail.js';
import { classifyWebhook, isUntouchable, slotKey, type Owner } from './ownership.js';
import type { Blocker, Warning, WebhookClass } from './plan-types.js';
import { compareSnowflakes, compareText } from './sort.js';

export type MatchVia = 'pin' | 'exact' | 'renamed_from' | 'move' | 'audit_log';

export interface WebhookMatch {
  declaration: WebhookDeclaration;
  webhook: APIWebhook;
  webhookClass: WebhookClass;
  via: MatchVia;
}

export interface MatchResult {
  matches: WebhookMatch[];
  /** Declarations nothing matched (to be created). */
  unmatched: WebhookDeclaration[];
  /** Live webhooks no declaration claimed, any class, by id. */
  unclaimed: APIWebhook[];
  blockers: Blocker[];
  warnings: Warning[];
}

interface MatchState {
  guildId: string;
  owner: Owner;
  /** Managed webhooks someone else renamed or moved: where they came from, by webhook id. */
  origins: ReadonlyMap<string, WebhookOrigin>;
  /** Declarations neither matched nor blocked yet, in key order. */
  pending: Set<WebhookDeclaration>;
  /** Live webhooks not claimed yet, oldest first. */
  free: Set<APIWebhook>;
  /** Every live webhook of the guild, oldest first. */
  oldestFirst: readonly APIWebhook[];
  /** Managed webhooks by name, oldest first, claimed or not (`free` says which are left). */
  managedByName: Map<string, APIWebhook[]>;
  matches: WebhookMatch[];
  blockers: Blocker[];
  warnings: Warning[];
}

export function matchWebhooks(
  guildId: string,
  declarations: readonly WebhookDeclaration[],
  webhooks: readonly APIWebhook[],
  owner: Owner,
  origins: ReadonlyMap<string, WebhookOrigin> = new Map(),
): MatchResult {
  const oldestFirst = [...webhooks].sort((a, b) => compareSnowflakes(a.id, b.id));
  const state: MatchState = {
    guildId,
    owner,
    origins,
    // One comparison of keys per step (not sortBy's key callbacks): a guild has up to 1000.
    pending: new Set([...declarations].sort((a, b) => compareText(a.key, b.key))),
    free: new Set(oldestFirst),
    oldestFirst,
    managedByName: managedByName(oldestFirst, owner),
    matches: [],
    blockers: [],
    warnings: [],
  };
  matchPins(state);
  matchExact(state);
  matchRenames(state);
  matchMoves(state);
  matchDriftOrigins(state);
  warnUnmatchedRenames(state);
  const { matches, pending, free, blockers, warnings } = state;
  return { matches, unmatched: [...pending], unclaimed: [...free], blockers, warnings };
}

function managedByName(oldestFirst: readonly APIWebhook[], owner: Owner): Map<string, APIWebhook[]> {
  const index = new Map<string, APIWebhook[]>();
  for (const webhook of oldestFirst) {
    if (webhook.name === null || classifyWebhook(webhook, owner) !== 'managed') continue;
    const named = index.get(webhook.name);
    if (named === undefined) index.set(webhook.name, [webhook]);
    else named.push(webhook);
  }
  return index;
}

/** Managed webhooks named `name` that are still free, oldest first. */
function freeNamed(state: MatchState, name: string): APIWebhook[] {
  return (state.managedByName.get(name) ?? []).filter((webhook) => state.free.has(webhook));
}

function claim(state: MatchState, declaration: WebhookDeclaration, webhook: APIWebhook, via: MatchVia): void {
  state.matches.push({ declaration, webhook, via, webhookClass: classifyWebhook(webhook, state.owner) });
  drop(state, declaration);
  state.free.delete(webhook);
}

/** A blocked declaration is neither matched nor created. */
function drop(state: MatchState, declaration: WebhookDeclaration): void {
  state.pending.delete(declaration);
}

function block(state: MatchState, code: Blocker['code'], declaration: WebhookDeclaration, message: string): void {
  state.blockers.push({ code, message, guildId: state.guildId, key: declaration.key, location: declaration.location });
  drop(state, declaration);
}

function matchPins(state: MatchState): void {
  const pinned = [...state.pending].filter((d) => d.id !== undefined);
  if (pinned.length === 0) return;
  const byId = groupBy(pinned, (d) => d.id ?? '');
  // Each id is looked up once (claimants of one id are grouped), so an index made up front holds.
  const live = new Map<string, APIWebhook>();
  for (const webhook of state.free) if (!live.has(webhook.id)) live.set(webhook.id, webhook);
  for (const [id, claimants] of byId) {
    if (claimants.length > 1) {
      blockDoubleClaim(state, id, claimants);
      continue;
    }
    const declaration = claimants[0]!;
    const webhook = live.get(id);
    if (webhook === undefined) {
      block(state, 'pin_missing', declaration, `"${declaration.name}" pins webhook ${id}, which does not exist in guild ${state.guildId}`);
    } else if (isUntouchable(classifyWebhook(webhook, state.owner))) {
      const kind = webhook.type === 2 ? 'channel-follower' : 'application';
      block(state, 'pin_untouchable', declaration, `"${declaration.name}" pins webhook ${id}, a ${kind} webhook (type ${webhook.type}); cordform never modifies those`);
    } else {
      claim(state, declaration, webhook, 'pin');
    }
  }
}

/**
 * The oldest managed webhook in the declaration's channel with its name, looked up by name
 * (the index renames and moves use too). A (channel, name) slot matches once: a twin left in
 * it stays free, to be pruned as a duplicate.
 */
function matchExact(state: MatchState): void {
  // Claimed before this step (pins, double claims): skipped, unlike a slot claimed here.
  const claimedBefore = state.free.size === state.oldestFirst.length ? undefined : new Set(state.oldestFirst.filter((w) => !state.free.has(w)));
  for (const declaration of state.pending) {
    const webhook = oldestInSlot(state, declaration, claimedBefore);
    if (webhook === undefined) continue;
    state.pending.delete(declaration);
    state.free.delete(webhook);
    state.matches.push({ declaration, webhook, via: 'exact', webhookClass: 'managed' });
  }
}

function oldestInSlot(state: MatchState, declaration: WebhookDeclaration, claimedBefore: ReadonlySet<APIWebhook> | undefined): APIWebhook | undefined {
  for (const webhook of state.managedByName.get(declaration.name) ?? []) {
    if (webhook.channel_id !== declaration.channel || claimedBefore?.has(webhook)) continue;
    // Not free, not claimed before: this slot was matched in this step already.
    return state.free.has(webhook) ? webhook : undefined;
  }
  return undefined;
}

/**
 * `renamed_from: OLD` claims an owned webhook named OLD anywhere in the guild: in the
 * declaration's channel first, else in the one other channel that has one (a rename and a
 * move in one PATCH, which keeps the URL). Same-named twins in one channel resolve to the
 * oldest, as everywhere else; OLD in several other channels is a blocker, never a guess.
 */
function matchRenames(state: MatchState): void {
  // Renames within a channel are certain, so they go first and cannot make a rename from
  // another channel look ambiguous.
  matchRenamesWhere(state, 'same_channel');
  matchRenamesWhere(state, 'other_channel');
}

function matchRenamesWhere(state: MatchState, where: 'same_channel' | 'other_channel'): void {
  const proposals = new Map<APIWebhook, WebhookDeclaration[]>();
  for (const declaration of state.pending) {
    if (declaration.renamedFrom === undefined) continue;
    const candidates = renameCandidates(state, declaration, declaration.renamedFrom);
    const sameChannel = candidates.length === 1 && candidates[0]!.channel_id === declaration.channel;
    if (sameChannel !== (where === 'same_channel')) continue;
    if (candidates.length > 1) {
      blockAmbiguousRename(state, declaration, candidates);
      continue;
    }
    const webhook = candidates[0];
    if (webhook !== undefined) proposals.set(webhook, [...(proposals.get(webhook) ?? []), declaration]);
  }
  for (const [webhook, claimants] of proposals) {
    if (claimants.length > 1) blockDoubleClaim(state, webhook.id, claimants);
    else claim(state, claimants[0]!, webhook, 'renamed_from');
  }
}

/** The oldest owned webhook named `oldName` per channel; only the declaration's own channel when it has one. */
function renameCandidates(state: MatchState, declaration: WebhookDeclaration, oldName: string): APIWebhook[] {
  const oldestPerChannel = new Map<string, APIWebhook>();
  for (const webhook of freeNamed(state, oldName)) {
    if (webhook.channel_id === null) continue;
    if (!oldestPerChannel.has(webhook.channel_id)) oldestPerChannel.set(webhook.channel_id, webhook);
  }
  const sameChannel = oldestPerChannel.get(declaration.channel);
  return sameChannel === undefined ? [...oldestPerChannel.values()] : [sameChannel];
}

/** Blocks the declaration and reserves every candidate, so the plan does not also prune them. */
function blockAmbiguousRename(state: MatchState, declaration: WebhookDeclaration, candidates: APIWebhook[]): void {
  for (const webhook of candidates) state.free.delete(webhook);
  const where = candidates.map((w) => `${w.id} in channel ${w.channel_id ?? '?'}`).join(', ');
  block(
    state,
    'rename_ambiguous',
    declaration,
    `"${declaration.name}" has renamed_from: "${declaration.renamedFrom ?? ''}", which names more than one webhook the bot owns ` +
      `(${where}); pin the one to keep with \`id:\``,
  );
}

/** A `renamed_from` that found nothing while the new name is created: likely a typo, and the URL is new. */
function warnUnmatchedRenames(state: MatchState): void {
  for (const declaration of state.pending) {
    if (declaration.renamedFrom === undefined) continue;
    state.warnings.push({
      code: 'rename_unmatched',
      message:
        `"${declaration.name}" has renamed_from: "${declaration.renamedFrom}", but the bot owns no webhook of that name in guild ` +
        `${state.guildId}, and no webhook was matched to "${declaration.name}" either: it will be created with a new URL. Check the spelling of renamed_from.`,
      guildId: state.guildId,
      key: declaration.key,
      location: declaration.location,
    });
  }
}

function matchMoves(state: MatchState): void {
  const candidates = new Map<WebhookDeclaration, APIWebhook[]>();
  const wanted = new Map<APIWebhook, number>();
  for (const declaration of state.pending) {
    const found = freeNamed(state, declaration.name).filter((w) => w.channel_id !== declaration.channel);
    candidates.set(declaration, found);
    for (const webhook of found) wanted.set(webhook, (wanted.get(webhook) ?? 0) + 1);
  }
  for (const [declaration, found] of candidates) {
    const only = found.length === 1 ? found[0]! : undefined;
    if (only !== undefined && wanted.get(only) === 1) claim(state, declaration, only, 'move');
    else if (found.length > 0) warnAmbiguousMove(state, declaration, found);
  }
}

function warnAmbiguousMove(state: MatchState, declaration: WebhookDeclaration, found: APIWebhook[]): void {
  const where = found.map((w) => `${w.id} in channel ${w.channel_id ?? '?'}`).join(', ');
  state.warnings.push({
    code: 'ambiguous_move',
    message:
      `"${declaration.name}" has the name of ${where}, but a move needs exactly one candidate that no other ` +
      'declaration also matches; planning a create instead. Pin the webhook to keep with `id:` to move it and keep its URL.',
    guildId: state.guildId,
    key: declaration.key,
    location: declaration.location,
  });
}

/** Step 5: each origin names one (channel, name), and a manifest declares that at most once. */
function matchDriftOrigins(state: MatchState): void {
  if (state.origins.size === 0) return;
  const pendingBySlot = new Map<string, WebhookDeclaration>();
  for (const declaration of state.pending) pendingBySlot.set(slotKey(declaration.channel, declaration.name), declaration);
  const proposals = new Map<WebhookDeclaration, APIWebhook[]>();
  for (const webhook of state.free) {
    const origin = state.origins.get(webhook.id);
    if (origin === undefined || classifyWebhook(webhook, state.owner) !== 'managed') continue;
    const declaration = pendingBySlot.get(slotKey(origin.channelId, origin.name));
    if (declaration !== undefined) proposals.set(declaration, [...(proposals.get(declaration) ?? []), webhook]);
  }
  for (const [declaration, webhooks] of proposals) {
    if (webhooks.length === 1) claim(state, declaration, webhooks[0]!, 'audit_log');
    else warnUnpairedDrift(state, declaration, webhooks);
  }
}

function warnUnpairedDrift(state: MatchState, declaration: WebhookDeclaration, webhooks: APIWebhook[]): void {
  const which = webhooks.map((w) => `"${w.name ?? ''}" (${w.id}) in channel ${w.channel_id ?? '?'}`).join(', ');
  state.warnings.push({
    code: 'drift_unpaired',
    message:
      `the audit log shows that ${which} were all renamed or moved away from "${declaration.name}" by someone other than the bot; ` +
      'which one to keep is not certain, so none is renamed back. Pin the webhook to keep with `id:` to keep its URL.',
    guildId: state.guildId,
    key: declaration.key,
    location: declaration.location,
  });
}

/** Blocks every claimant and reserves the webhook, so the plan does not also prune it. */
function blockDoubleClaim(state: MatchState, webhookId: string, claimants: WebhookDeclaration[]): void {
  for (const webhook of state.free) if (webhook.id === webhookId) state.free.delete(webhook);
  const places = claimants.map((d) => `"${d.name}" at ${formatLocation(d.location)}`).join(' and ');
  for (const declaration of claimants) {
    block(state, 'double_claim', declaration, `webhook ${webhookId} is claimed by more than one declaration: ${places}`);
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return [...groups.entries()].sort(([a], [b]) => compareText(a, b));
}
