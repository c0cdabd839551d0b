/**
 * The apply workflow, as the CLI and programs use it: plan (fresh, or a saved plan checked
 * against a fresh one), refuse on blockers and guards, ask (when the caller asks), execute,
 * then confirm the result with one read per changed guild. Progress goes out as events;
 * nothing here prints, prompts or exits.
 */
import { executePlan, type ApplyEvent, type ChangeOutcome, type ChangeStatus } from '../apply/apply-plan.js';
import { clampReason } from '../apply/audit-reason.js';
import { confirmResult, type Conflict } from '../apply/confirm-result.js';
import { assertGuards, type GuardFlags } from '../plan/guards.js';
import { manifestStaleness, selectReviewed, verifyBeforeWrite, type SavedPlan } from '../apply/saved-plan.js';
import { buildWriteScope } from '../apply/write-scope.js';
import type { DiscordApi } from '../discord/api.js';
import { CordformError } from '../errors.js';
import type { Manifest } from '../manifest/types.js';
import { isEmptyPlan, restrictPlan, type Change, type LiveState, type Plan } from '../plan/index.js';
import type { Redactor } from '../redact.js';
import { readLiveState } from '../live/read-live-state.js';
import { computePlan, registerLiveSecrets } from './compute-plan.js';

export interface ApplyManifestOptions extends GuardFlags {
  manifest: Manifest;
  api: DiscordApi;
  /** A reviewed plan (`plan --out`): only its changes that a fresh plan also holds run. */
  saved?: { plan: SavedPlan; path: string };
  targets?: string[];
  concurrency?: number;
  /**
   * X-Audit-Log-Reason for writes whose declaration has no `reason` (cut to Discord's 512).
   * A promise is awaited only once there is something to write.
   */
  defaultReason: string | Promise<string>;
  /** Stops starting writes; the ones on the wire finish (first Ctrl-C). */
  interrupt?: AbortSignal;
  /** Aborts everything at once, writes on the wire included (second Ctrl-C). */
  signal?: AbortSignal;
  redactor?: Redactor;
  /** The plan about to run, before the guards and the question (for display). */
  onPlan?: (plan: Plan, context: PlanContext) => void;
  /** Asked before writing a fresh plan; a saved plan was reviewed already. Absent = go ahead. */
  confirm?: (plan: Plan) => Promise<boolean>;
  onEvent?: (event: ApplyEvent) => void;
  /**
   * Builds the plan from the live read instead of planning the manifest (rotate). Such a
   * plan is the caller's, not a reviewed file: it is executed as built, within the same
   * write scope.
   */
  buildPlan?: (live: LiveState) => Plan;
}

export interface PlanContext {
  fromSavedPlan: boolean;
  /** Changes a fresh plan holds that the saved plan did not: not applied. */
  unreviewed: Change[];
}

export type ApplyStatus = 'no_changes' | 'cancelled' | 'applied' | 'interrupted';

export interface ApplyReport {
  status: ApplyStatus;
  /** The plan that ran (for a saved plan: the fresh plan narrowed to the reviewed changes). */
  plan: Plan;
  outcomes: ChangeOutcome[];
  counts: Record<ChangeStatus, number>;
  /** Webhooks this apply touched that another writer changed meanwhile. */
  conflicts: Conflict[];
  unreviewed: Change[];
  /** Why the result could not be confirmed by reading it back, when it could not. */
  unconfirmed?: string;
  /** The live state the plan was computed from. */
  live: LiveState;
  /** Live state after the apply: the guilds read to confirm it, the rest as first read. Holds tokens. */
  finalLive: LiveState;
}

export async function applyManifest(options: ApplyManifestOptions): Promise<ApplyReport> {
  const { plan, live, unreviewed } = await planForApply(options);
  options.onPlan?.(plan, { fromSavedPlan: options.saved !== undefined, unreviewed });
  const report = (status: ApplyStatus, outcomes: ChangeOutcome[] = [], conflicts: Conflict[] = [], after = live): ApplyReport => ({
    status,
    plan,
    outcomes,
    counts: countOutcomes(outcomes),
    conflicts,
    unreviewed,
    live,
    finalLive: after,
  });
  if (plan.blockers.length > 0) {
    throw new CordformError('plan_blocked', `the plan has ${plan.blockers.length} blocker(s); nothing was changed`, {
      details: { blockers: plan.blockers.map((b) => b.code) },
    });
  }
  if (isEmptyPlan(plan)) return report('no_changes');
  // A caller-built plan (rotate) names its webhooks explicitly; the guards are for what a
  // manifest diff sweeps in.
  if (options.buildPlan === undefined) assertGuards(plan, options);
  if (options.saved === undefined && options.confirm && !(await options.confirm(plan))) return report('cancelled');

  // Cut once here: the twin deletes after the confirming read send it as given.
  const defaultReason = clampReason(await options.defaultReason);
  const scope = buildWriteScope(options.manifest, live);
  const execution = await executePlan(plan.changes, {
    api: options.api,
    manifest: options.manifest,
    scope,
    defaultReason,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.interrupt ? { interrupt: options.interrupt } : {}),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.saved ? { verifyBeforeWrite: verifyBeforeWrite(options.api, options.signal) } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  if (execution.interrupted) return report('interrupted', execution.outcomes);
  // After a 401 nothing can be read either; the outcomes already say what happened.
  if (execution.outcomes.some((outcome) => outcome.error?.status === 401)) return report('applied', execution.outcomes);
  try {
    const confirmed = await confirmResult(plan.changes, execution.outcomes, execution.written, {
      api: options.api,
      scope,
      reason: defaultReason,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const finalLive = { ...live, guilds: live.guilds.map((g) => ({ ...g, webhooks: confirmed.webhooks.get(g.guildId) ?? g.webhooks })) };
    // The confirming read holds the tokens of the webhooks just created.
    if (options.redactor) registerLiveSecrets(finalLive, options.redactor);
    return report('applied', confirmed.outcomes, confirmed.conflicts, finalLive);
  } catch (error) {
    if (options.interrupt?.aborted) return report('interrupted', execution.outcomes);
    const unconfirmed = `the writes ran, but the read that confirms them failed: ${(error as Error).message}`;
    return { ...report('applied', execution.outcomes), unconfirmed };
  }
}

/** A fresh plan, or for a saved plan the fresh plan narrowed to the reviewed changes. */
async function planForApply(options: ApplyManifestOptions): Promise<{ plan: Plan; live: LiveState; unreviewed: Change[] }> {
  const read = { ...(options.interrupt ? { signal: options.interrupt } : {}), ...(options.redactor ? { redactor: options.redactor } : {}) };
  if (options.buildPlan !== undefined) {
    const live = await readLiveState(options.manifest, options.api, options.interrupt ? { signal: options.interrupt } : {});
    if (options.redactor) registerLiveSecrets(live, options.redactor);
    return { plan: options.buildPlan(live), live, unreviewed: [] };
  }
  if (options.saved === undefined) {
    const { plan, live } = await computePlan(options.manifest, options.api, { targets: options.targets ?? [], ...read });
    return { plan, live, unreviewed: [] };
  }
  const { plan: saved, path } = options.saved;
  const staleManifest = manifestStaleness(saved, options.manifest);
  if (staleManifest !== null) throw staleError(path, [staleManifest]);
  const { plan: fresh, live } = await computePlan(options.manifest, options.api, { targets: saved.plan.targets, ...read });
  const selection = selectReviewed(saved, fresh, live);
  if (selection.unexpected.length > 0) throw staleError(path, selection.unexpected);
  return { plan: restrictPlan(fresh, selection.changes, live), live, unreviewed: selection.unreviewed };
}

function staleError(path: string, reasons: string[]): CordformError {
  return new CordformError(
    'plan_stale',
    `the saved plan ${path} does not match a fresh plan (it is stale, or was edited); nothing was changed. ` +
      `Run \`cordform plan --out ${path}\` again and review it.\n  - ${reasons.join('\n  - ')}`,
    { details: { reasons } },
  );
}

function countOutcomes(outcomes: readonly ChangeOutcome[]): Record<ChangeStatus, number> {
  const counts: Record<ChangeStatus, number> = { done: 0, failed: 0, skipped: 0, not_started: 0, unknown: 0 };
  for (const outcome of outcomes) counts[outcome.status]++;
  return counts;
}
