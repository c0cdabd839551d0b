/**
 * `buildPlan(manifest, live, options)`: the pure planner. No I/O, no clock, no randomness —
 * the same inputs always give a deep-equal Plan. It never mutates its inputs, and copies
 * nothing secret into the plan (see plan-types.ts).
 */
import type { GuildDeclaration, Manifest } from '../manifest/types.js';
import { guildNotReadBlocker } from './blockers.js';
import { liveGuildsById, type LiveGuild, type LiveState } from '../live/live-state.js';
import { orderChanges } from './order-changes.js';
import type { Owner } from './ownership.js';
import { planGuild, type GuildPlan } from './plan-guild.js';
import { PLAN_FORMAT_VERSION, type Change, type Plan, type PlanOptions, type PlanSummary } from './plan-types.js';
import { changesByGuild } from './group-changes.js';
import { compareText, sortBy } from './sort.js';
import { requiredFlags } from './guards.js';
import { planNames } from './names.js';
import { resolveChannelNames } from './resolve-channels.js';
import { thresholdFor } from './thresholds.js';
import { partialPlanWarning } from './warnings.js';

export function buildPlan(manifest: Manifest, live: LiveState, options: PlanOptions = {}): Plan {
  const targets = [...new Set(options.targets ?? [])].sort(compareText);
  const owner: Owner = { botId: live.bot.id, applicationId: live.applicationId };
  const resolved = resolveChannelNames(manifest, live);
  const liveGuilds = liveGuildsById(live);
  const guilds = sortBy(resolved.manifest.guilds, (g) => g.id).map((guild) => planDeclaredGuild(guild, liveGuilds.get(guild.id), owner, targets));
  const changes = orderChanges(guilds.flatMap((g) => g.changes), live.guilds);
  return withDerived({
    format_version: PLAN_FORMAT_VERSION,
    targets,
    changes,
    summary: summarize(changes),
    blockers: [...resolved.blockers, ...guilds.flatMap((g) => g.blockers)],
    warnings: [...(targets.length > 0 ? [partialPlanWarning(targets)] : []), ...guilds.flatMap((g) => g.warnings)],
    ignored: guilds.flatMap((g) => g.ignored),
    thresholds: guilds.flatMap((g) => (g.threshold === null ? [] : [g.threshold])),
    names: { guilds: {}, channels: {} },
    guards: { force: false, reasons: [] },
  }, live);
}

/** Fills what is derived from the rest of a plan: the names it shows and the flags it needs. */
export function withDerived(plan: Plan, live: LiveState): Plan {
  return { ...plan, names: planNames(plan, live), guards: requiredFlags(plan) };
}

/** A guild missing from the live state is a blocker, never "create everything". */
function planDeclaredGuild(
  guild: GuildDeclaration,
  liveGuild: LiveGuild | undefined,
  owner: Owner,
  targets: readonly string[],
): GuildPlan {
  if (liveGuild === undefined) {
    return { changes: [], blockers: [guildNotReadBlocker(guild)], warnings: [], ignored: [], threshold: null };
  }
  return planGuild(guild, liveGuild, owner, targets);
}

/**
 * The plan narrowed to `changes` (a subset of its own, e.g. the reviewed part of a saved
 * plan): summary and thresholds recomputed for what will actually run; blockers kept whole.
 */
export function restrictPlan(plan: Plan, changes: readonly Change[], live: LiveState): Plan {
  const kept = new Set(changes);
  const ordered = plan.changes.filter((change) => kept.has(change));
  const keys = new Set(ordered.map((change) => change.key));
  const byGuild = changesByGuild(ordered);
  const thresholds = plan.thresholds.map((threshold) => thresholdFor(threshold, byGuild.get(threshold.guildId) ?? []));
  return withDerived(
    {
      ...plan,
      changes: ordered,
      summary: summarize(ordered),
      warnings: plan.warnings.filter((w) => w.key === undefined || keys.has(w.key)),
      thresholds,
    },
    live,
  );
}

export function summarize(changes: readonly Change[]): PlanSummary {
  const count = (action: Change['action']) => changes.filter((c) => c.action === action).length;
  return {
    create: count('create'),
    update: count('update'),
    move: count('move'),
    delete: count('delete'),
    adopt: count('adopt'),
    replace: count('replace'),
    commands: count('sync_commands'),
  };
}

/** True when applying the plan would write nothing. */
export function isEmptyPlan(plan: Plan): boolean {
  return plan.changes.length === 0;
}
