import { Listr, type ListrTask } from 'listr2';
import { actionSign, changeTitle } from '../plan/render-shared.js';
import type { Change } from '../plan/plan-types.js';
import { assertNever } from '../errors.js';
import { maskWebhookUrl } from '../redact.js';
import { executeChange, type ExecuteContext } from './execute-change.js';
import { listrRendererFor, type ProgressOutput } from './progress.js';

/**
 * Executes a plan's changes against Discord in the planner's order, as phases of one kind
 * (deletes, updates/moves/adoptions, creates, command syncs); within a phase every change
 * runs concurrently: the REST client queues requests per
 * rate-limit bucket (in order within one, in parallel across them), so apply goes as fast
 * as the buckets allow and never faster. Every change ends done, failed or skipped; one
 * failure does not stop the others, except a 401, which stops everything.
 */
export type ChangeStatus = 'done' | 'failed' | 'skipped';

export interface ChangeOutcome {
  key: string;
  action: Change['action'];
  name: string;
  guildId: string;
  channelId: string | null;
  status: ChangeStatus;
  /** Why it failed or was skipped; for done changes, a note such as "already deleted". */
  detail?: string;
  error?: { code: string; message: string; status?: number; discordCode?: number };
  webhookId?: string;
  /** The webhook's URL with its token masked (creates). */
  url?: string;
}

export interface ApplyResult {
  outcomes: ChangeOutcome[];
  counts: Record<ChangeStatus, number>;
}

export interface ApplyPlanOptions extends ExecuteContext {
  progress: ProgressOutput;
  /** Max changes in flight per phase (default: unbounded — the rate limiter paces them). */
  concurrency?: number;
  /**
   * Called just before each write; returns a reason to skip it (someone changed the webhook
   * since the plan) or null to go ahead. Used for saved plans.
   */
  verifyBeforeWrite?: (change: Change) => Promise<string | null>;
}

/** Changes of one kind run concurrently; kinds run one after another. */
type PhaseKind = 'delete' | 'modify' | 'create' | 'sync';

const PHASE_TITLES: Record<PhaseKind, string> = {
  delete: 'Delete webhooks',
  modify: 'Update, move and adopt webhooks',
  create: 'Create webhooks',
  sync: 'Sync slash commands',
};

function phaseKind(change: Change): PhaseKind {
  switch (change.action) {
    case 'delete':
      return 'delete';
    case 'update':
    case 'move':
    case 'adopt':
      return 'modify';
    case 'create':
      return 'create';
    case 'sync_commands':
      return 'sync';
    default:
      return assertNever(change, 'change');
  }
}

/**
 * Splits the plan's execution order into runs of one kind. The planner orders deletes
 * that free a full channel's slots first and every other delete after the creates (so a
 * failed apply never deletes before the replacement exists); keeping its order keeps that.
 */
export function phasesOf(changes: Change[]): { kind: PhaseKind; changes: Change[] }[] {
  const phases: { kind: PhaseKind; changes: Change[] }[] = [];
  for (const change of changes) {
    const kind = phaseKind(change);
    const last = phases[phases.length - 1];
    if (last?.kind === kind) last.changes.push(change);
    else phases.push({ kind, changes: [change] });
  }
  return phases;
}

export async function applyPlan(changes: Change[], options: ApplyPlanOptions): Promise<ApplyResult> {
  const outcomes = new Map<Change, ChangeOutcome>();
  let fatal: string | null = null;

  const runOne = async (change: Change): Promise<ChangeOutcome> => {
    const base = outcomeBase(change);
    if (fatal) return { ...base, status: 'skipped', detail: fatal };
    if (options.signal?.aborted) return { ...base, status: 'skipped', detail: 'apply was interrupted' };
    if (options.verifyBeforeWrite) {
      const stale = await options.verifyBeforeWrite(change);
      if (stale) return { ...base, status: 'skipped', detail: stale };
    }
    try {
      const effect = await executeChange(change, options);
      const outcome: ChangeOutcome = { ...base, status: 'done' };
      if (effect.alreadyDone) outcome.detail = change.action === 'delete' ? 'already deleted' : 'found after a lost response';
      if (effect.webhook) {
        outcome.webhookId = effect.webhook.id;
        const url = effect.webhook.url;
        if (url) outcome.url = maskWebhookUrl(url);
      }
      return outcome;
    } catch (error) {
      const described = describeError(error);
      if (described.status === 401) fatal = 'skipped: Discord answered 401 Unauthorized to an earlier request';
      return { ...base, status: 'failed', detail: described.message, error: described };
    }
  };

  const tasks: ListrTask[] = phasesOf(changes).map((phase) => {
    const inPhase = interleaveByChannel(phase.changes);
    return {
      title: PHASE_TITLES[phase.kind],
      task: (_ctx, phaseTask) =>
        phaseTask.newListr(
          inPhase.map((change) => ({
            title: describeChange(change),
            task: async (_c, task) => {
              const outcome = await runOne(change);
              outcomes.set(change, outcome);
              if (outcome.status === 'skipped') task.skip(`${describeChange(change)} — ${outcome.detail}`);
              if (outcome.status === 'failed') throw new Error(`${describeChange(change)} — ${outcome.detail}`);
              if (outcome.detail) task.title = `${describeChange(change)} (${outcome.detail})`;
            },
          })),
          { concurrent: options.concurrency ?? true, exitOnError: false },
        ),
    };
  });

  const listr = new Listr(tasks, {
    concurrent: false,
    exitOnError: false,
    registerSignalListeners: false,
    collectErrors: false,
    ...listrRendererFor(options.progress),
  } as ConstructorParameters<typeof Listr>[1]);
  await listr.run();

  const ordered = changes.map(
    (change) => outcomes.get(change) ?? { ...outcomeBase(change), status: 'skipped' as const, detail: 'not run' },
  );
  const counts = { done: 0, failed: 0, skipped: 0 };
  for (const outcome of ordered) counts[outcome.status]++;
  return { outcomes: ordered, counts };
}

function outcomeBase(change: Change): Omit<ChangeOutcome, 'status'> {
  const base: Omit<ChangeOutcome, 'status'> = {
    key: change.key,
    action: change.action,
    name: change.name,
    guildId: change.guildId,
    channelId: change.channelId,
  };
  if ('webhookId' in change) base.webhookId = change.webhookId;
  return base;
}

/** One line naming the change, exactly as the plan shows it (`+ create "X" in channel 1`). */
export function describeChange(change: Change): string {
  return `${actionSign(change.action)} ${changeTitle(change)}`;
}

/**
 * Orders one phase's changes round-robin across channels, so that a --concurrency cap
 * keeps every channel's bucket busy instead of queueing ten creates behind one bucket.
 */
function interleaveByChannel(changes: Change[]): Change[] {
  const byChannel = new Map<string, Change[]>();
  for (const change of changes) {
    const key = change.channelId ?? change.guildId;
    const list = byChannel.get(key) ?? [];
    list.push(change);
    byChannel.set(key, list);
  }
  const lists = [...byChannel.values()];
  const out: Change[] = [];
  for (let round = 0; out.length < changes.length; round++) {
    for (const list of lists) {
      const change = list[round];
      if (change) out.push(change);
    }
  }
  return out;
}

function describeError(error: unknown): NonNullable<ChangeOutcome['error']> {
  const e = error as { code?: unknown; message?: unknown; status?: unknown; discordCode?: unknown } | null;
  const described: NonNullable<ChangeOutcome['error']> = {
    code: typeof e?.code === 'string' ? e.code : 'error',
    message: typeof e?.message === 'string' ? e.message : String(error),
  };
  if (typeof e?.status === 'number') described.status = e.status;
  if (typeof e?.discordCode === 'number') described.discordCode = e.discordCode;
  return described;
}
