/**
 * Executes a plan's changes against Discord in the planner's order, as phases of one kind
 * (deletes, updates/moves/adoptions, creates and replacements, command syncs); within a
 * phase every change runs concurrently: the REST client queues requests per rate-limit
 * bucket (in order within one, in parallel across them), so apply goes as fast as the
 * buckets allow and never faster. One failure does not stop the others, except a 401,
 * which stops everything.
 *
 * Progress is reported as events (`onEvent`); no terminal UI lives here — the CLI renders
 * the events with listr2, a program can log them or ignore them.
 *
 * Interrupts: once `interrupt` fires no further write starts (requests still queued behind
 * a rate limit are dropped) while the ones on the wire run to their deadline; `signal`
 * aborts those too. Every change then ends as done, failed, skipped, not started, or
 * unknown (in flight when it was cut off: Discord may or may not have applied it).
 */
import type { APIWebhook } from '../discord/types.js';
import { assertNever } from '../errors.js';
import type { Change } from '../plan/plan-types.js';
import { maskWebhookUrl } from '../redact.js';
import { executeChange, isOutcomeUnknown, type ExecuteContext } from './execute-change.js';

export type ChangeStatus = 'done' | 'failed' | 'skipped' | 'not_started' | 'unknown';

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
  /** The webhook the change leaves in place (for creates and replacements: the new one). */
  webhookId?: string;
  /** The webhook's URL with its token masked (creates and replacements). */
  url?: string;
  /**
   * Another apply created the same webhook at the same moment: the older one (`kept`) is
   * the one everybody keeps, and this apply removed its own (`removed`).
   */
  twin?: { kept: string; removed: string };
}

/** Changes of one kind run concurrently; kinds run one after another. */
export type PhaseKind = 'delete' | 'modify' | 'create' | 'sync';

const PHASE_TITLES: Record<PhaseKind, string> = {
  delete: 'Delete webhooks',
  modify: 'Update, move and adopt webhooks',
  create: 'Create webhooks',
  sync: 'Sync slash commands',
};

/** The heading of a phase in progress output; replacements are named when there are any. */
export function phaseTitle(kind: PhaseKind, changes: readonly Change[]): string {
  if (!changes.some((change) => change.action === 'replace')) return PHASE_TITLES[kind];
  return kind === 'create' ? 'Create and replace webhooks' : `${PHASE_TITLES[kind]} (and replace webhooks in full channels)`;
}

export type ApplyEvent =
  | { type: 'phase_started'; phase: PhaseKind; changes: readonly Change[] }
  | { type: 'change_started'; change: Change }
  | { type: 'change_finished'; change: Change; outcome: ChangeOutcome }
  | { type: 'interrupted' };

export interface ExecutePlanOptions extends ExecuteContext {
  /** Max changes in flight per phase (default: unbounded — the rate limiter paces them). */
  concurrency?: number;
  /**
   * Called just before each write; returns a reason to skip it (someone changed the webhook
   * since the plan) or null to go ahead. Used for saved plans.
   */
  verifyBeforeWrite?: (change: Change) => Promise<string | null>;
  onEvent?: (event: ApplyEvent) => void;
}

export interface ExecutionResult {
  outcomes: ChangeOutcome[];
  /** The webhook each done change left behind, as Discord answered the write. */
  written: Map<Change, APIWebhook>;
  /** True when an interrupt stopped the run before every change was tried. */
  interrupted: boolean;
}

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
    case 'replace':
      return change.order === 'delete_first' ? 'delete' : 'create';
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
function phasesOf(changes: readonly Change[]): { kind: PhaseKind; changes: Change[] }[] {
  const phases: { kind: PhaseKind; changes: Change[] }[] = [];
  for (const change of changes) {
    const kind = phaseKind(change);
    const last = phases[phases.length - 1];
    if (last?.kind === kind) last.changes.push(change);
    else phases.push({ kind, changes: [change] });
  }
  return phases;
}

export async function executePlan(changes: readonly Change[], options: ExecutePlanOptions): Promise<ExecutionResult> {
  const emit = (event: ApplyEvent) => options.onEvent?.(event);
  const outcomes = new Map<Change, ChangeOutcome>();
  const written = new Map<Change, APIWebhook>();
  let fatal: string | null = null;
  const stopped = () => options.interrupt?.aborted === true || options.signal?.aborted === true;
  const onInterrupt = () => emit({ type: 'interrupted' });
  options.interrupt?.addEventListener('abort', onInterrupt, { once: true });

  const runOne = async (change: Change): Promise<void> => {
    let outcome: ChangeOutcome;
    if (fatal) outcome = { ...outcomeBase(change), status: 'skipped', detail: fatal };
    else if (stopped()) outcome = notStarted(change);
    else {
      emit({ type: 'change_started', change });
      outcome = await attempt(change);
      if (outcome.error?.status === 401) fatal = 'skipped: Discord answered 401 Unauthorized to an earlier request';
    }
    outcomes.set(change, outcome);
    emit({ type: 'change_finished', change, outcome });
  };

  const attempt = async (change: Change): Promise<ChangeOutcome> => {
    const base = outcomeBase(change);
    try {
      if (options.verifyBeforeWrite) {
        const stale = await options.verifyBeforeWrite(change);
        if (stale) return { ...base, status: 'skipped', detail: stale };
      }
      const effect = await executeChange(change, options);
      if (effect.webhook) written.set(change, effect.webhook);
      return doneOutcome(change, effect);
    } catch (error) {
      return failedOutcome(change, error, stopped() && (isOutcomeUnknown(error) || isAbort(error, options.signal)));
    }
  };

  try {
    for (const phase of phasesOf(changes)) {
      if (stopped()) break;
      emit({ type: 'phase_started', phase: phase.kind, changes: phase.changes });
      await runPool(interleaveByChannel(phase.changes), options.concurrency ?? Infinity, runOne);
    }
  } finally {
    options.interrupt?.removeEventListener('abort', onInterrupt);
  }
  const interrupted = stopped();
  const ordered = changes.map((change) => {
    const outcome = outcomes.get(change);
    if (outcome) return outcome;
    const rest = interrupted ? notStarted(change) : { ...outcomeBase(change), status: 'skipped' as const, detail: 'not run' };
    emit({ type: 'change_finished', change, outcome: rest });
    return rest;
  });
  return { outcomes: ordered, written, interrupted };
}

function notStarted(change: Change): ChangeOutcome {
  return { ...outcomeBase(change), status: 'not_started', detail: 'not started: apply was interrupted' };
}

function doneOutcome(change: Change, effect: Awaited<ReturnType<typeof executeChange>>): ChangeOutcome {
  const outcome: ChangeOutcome = { ...outcomeBase(change), status: 'done' };
  if (effect.alreadyDone) outcome.detail = change.action === 'delete' ? 'already deleted' : 'found after a lost response';
  if (effect.webhook) {
    outcome.webhookId = effect.webhook.id;
    if (effect.webhook.url) outcome.url = maskWebhookUrl(effect.webhook.url);
  }
  if (change.action === 'replace' && effect.oldWebhookError !== undefined) {
    const described = describeError(effect.oldWebhookError);
    return {
      ...outcome,
      status: 'failed',
      detail: `created the new webhook ${outcome.webhookId ?? ''}, but the old webhook ${change.webhookId} is still alive: ${described.message}`,
      error: described,
    };
  }
  return outcome;
}

/** The hard stop cut a request off on the wire (or a wait before retrying it). */
function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return (signal?.aborted === true && error === signal.reason) || (error as { name?: unknown } | null)?.name === 'AbortError';
}

/**
 * A change that threw. A request that never went out because of an interrupt is
 * `not_started`; one cut off on the wire, or answered unclearly, while interrupted is
 * `unknown` (`cutOff`).
 */
function failedOutcome(change: Change, error: unknown, cutOff: boolean): ChangeOutcome {
  const base = outcomeBase(change);
  const described = describeError(error);
  if (described.code === 'discord_request_not_sent') {
    const maybe = (error as { maybeApplied?: unknown }).maybeApplied === true;
    return maybe
      ? { ...base, status: 'unknown', detail: 'interrupted after an attempt with no clear answer: Discord may have applied it' }
      : { ...base, status: 'not_started', detail: 'not started: apply was interrupted' };
  }
  if (cutOff) {
    return { ...base, status: 'unknown', detail: 'in flight when apply was interrupted: Discord may or may not have applied it' };
  }
  return { ...base, status: 'failed', detail: described.message, error: described };
}

function outcomeBase(change: Change): Omit<ChangeOutcome, 'status'> {
  const base: Omit<ChangeOutcome, 'status'> = {
    key: change.key,
    action: change.action,
    name: change.name,
    guildId: change.guildId,
    channelId: change.channelId,
  };
  if ('webhookId' in change && change.action !== 'replace') base.webhookId = change.webhookId;
  return base;
}

/** Runs `task` over `items` with at most `limit` in flight, in order of the list. */
async function runPool<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Orders one phase's changes round-robin across channels, so that a --concurrency cap
 * keeps every channel's bucket busy instead of queueing ten creates behind one bucket.
 */
function interleaveByChannel(changes: readonly Change[]): Change[] {
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
