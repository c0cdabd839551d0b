import { readFile } from 'node:fs/promises';
import { CordformError } from '../errors.js';
import { isDiscordApiError, UNKNOWN_WEBHOOK } from '../discord/discord-api-error.js';
import type { DiscordApi } from '../discord/api.js';
import type { APIWebhook } from '../discord/types.js';
import type { Manifest } from '../manifest/types.js';
import {
  commandsFingerprint,
  manifestFingerprint,
  PLAN_FORMAT_VERSION,
  type Change,
  type LiveState,
  type Plan,
  type PlanFingerprints,
  type PresentPrecondition,
} from '../plan/index.js';
import { stableStringify } from '../plan/stable-json.js';
import { changeHeadline } from '../plan/render/shared.js';
import { VERSION } from '../version.js';

/**
 * A plan saved with `plan --out` and applied later with `apply PLAN.json` (GitOps: plan on
 * the PR, apply the reviewed plan on merge). It holds the Plan (no secrets: no tokens, no
 * webhook URLs, no avatar bytes) and the fingerprints it was computed from.
 *
 * A saved plan is a proposal, not an instruction: the file travels between CI jobs and
 * anyone who can edit it could otherwise steer apply. apply therefore computes a fresh plan
 * from the manifest and live state and executes the fresh plan's own changes — only those
 * the saved plan also contains, field for field. A change in the file that the fresh plan
 * does not contain (edited, forged, or stale because Discord changed) refuses the whole
 * apply before any write. Summary, thresholds and blockers always come from the fresh plan.
 *
 * Just before each write to an existing webhook it is read again (GET /webhooks/{id}), so
 * a change someone makes during the apply is skipped and reported instead of overwritten.
 */
export interface SavedPlan {
  kind: 'cordform-plan';
  format_version: typeof PLAN_FORMAT_VERSION;
  cordform_version: string;
  plan: Plan & { fingerprints: PlanFingerprints };
}

/** Only a saved plan carries fingerprints: `planFingerprints(manifest, live)` of the plan's inputs. */
export function createSavedPlan(plan: Plan, fingerprints: PlanFingerprints): SavedPlan {
  return { kind: 'cordform-plan', format_version: PLAN_FORMAT_VERSION, cordform_version: VERSION, plan: { ...plan, fingerprints } };
}

/** Reads and shape-checks a plan file; anything else (truncated, foreign, hand-mangled) is refused. */
export async function readSavedPlan(path: string): Promise<SavedPlan> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CordformError('plan_file_unreadable', `cannot read plan file ${path}: ${(error as Error).message}`);
  }
  return parseSavedPlan(text, path);
}

function parseSavedPlan(text: string, path: string): SavedPlan {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CordformError(
      'plan_file_invalid',
      `${path} is not valid JSON (${(error as Error).message}); is the file truncated? Save it again with \`cordform plan --out\``,
    );
  }
  const saved = parsed as Partial<SavedPlan> | null;
  if (typeof saved !== 'object' || saved === null || Array.isArray(saved) || saved.kind !== 'cordform-plan') {
    throw new CordformError('plan_file_invalid', `${path} is not a plan saved by \`cordform plan --out\``);
  }
  if (saved.format_version !== PLAN_FORMAT_VERSION) {
    throw new CordformError(
      'plan_file_version',
      `${path} has plan format ${String(saved.format_version)}; this cordform reads format ${PLAN_FORMAT_VERSION}. Run plan again.`,
    );
  }
  const problem = shapeProblem(saved.plan);
  if (problem !== null) throw new CordformError('plan_file_invalid', `${path} is not a plan saved by \`cordform plan --out\`: ${problem}`);
  return saved as SavedPlan;
}

/** Only what apply reads from the file: the changes (to compare), the targets and the manifest fingerprint. */
function shapeProblem(plan: unknown): string | null {
  if (typeof plan !== 'object' || plan === null) return '`plan` is missing';
  const { changes, targets, fingerprints } = plan as Partial<Record<keyof Plan, unknown>>;
  if (!Array.isArray(changes)) return '`plan.changes` is not a list';
  for (const [index, change] of changes.entries()) {
    const c = change as Record<string, unknown> | null;
    if (typeof c !== 'object' || c === null || typeof c.action !== 'string' || typeof c.key !== 'string' || typeof c.guildId !== 'string') {
      return `plan.changes[${index}] is not a change`;
    }
  }
  if (!Array.isArray(targets) || !targets.every((t) => typeof t === 'string')) return '`plan.targets` is not a list of keys';
  const manifest = (fingerprints as { manifest?: unknown } | null)?.manifest;
  if (typeof manifest !== 'string') return '`plan.fingerprints.manifest` is missing';
  return null;
}

/**
 * What a change is, for comparing a saved one with a fresh one: everything but where it was
 * written and prose (notes, why, and who caused a drift — none of which apply sends).
 */
export function changeIdentity(change: Change): string {
  const { location: _location, note: _note, attribution: _attribution, ...rest } = change as Change & { note?: string; attribution?: unknown };
  if ('why' in rest) delete (rest as { why?: string }).why;
  return stableStringify(rest);
}

export interface ReviewedSelection {
  /** The fresh plan's changes that the saved plan also holds, in the fresh plan's order. */
  changes: Change[];
  /** Saved changes the fresh plan does not hold, each with why: apply must refuse. */
  unexpected: string[];
  /** Fresh changes that were not reviewed: not applied, reported. */
  unreviewed: Change[];
}

/** Pairs the saved plan's changes with a fresh plan's. */
export function selectReviewed(saved: SavedPlan, fresh: Plan, live: LiveState): ReviewedSelection {
  const savedIds = new Map<string, Change>();
  for (const change of saved.plan.changes) savedIds.set(changeIdentity(change), change);
  const changes: Change[] = [];
  const unreviewed: Change[] = [];
  for (const change of fresh.changes) {
    const id = changeIdentity(change);
    if (savedIds.delete(id)) changes.push(change);
    else unreviewed.push(change);
  }
  if (savedIds.size === 0) return { changes, unexpected: [], unreviewed };
  // Only a refusal needs to say why: index the live webhooks for it alone.
  const webhooks = new Map<string, APIWebhook>();
  for (const guild of live.guilds) for (const webhook of guild.webhooks) webhooks.set(webhook.id, webhook);
  const unexpected = [...savedIds.values()].map((change) => {
    const why = preconditionProblem(change, live, webhooks) ?? 'a fresh plan from the manifest and Discord does not contain it';
    return `${describeSaved(change)}: ${why}`;
  });
  return { changes, unexpected, unreviewed };
}

/** Refuses before any write when the manifest is not the one the plan was made from. */
export function manifestStaleness(saved: SavedPlan, manifest: Manifest): string | null {
  return manifestFingerprint(manifest) === saved.plan.fingerprints.manifest ? null : 'the manifest changed since the plan was saved';
}

function describeSaved(change: Change): string {
  try {
    return changeHeadline(change);
  } catch {
    return `${String(change.action)} ${change.key}`;
  }
}

/** Why a saved change no longer fits live state, when that is the reason (for a useful message). */
function preconditionProblem(change: Change, live: LiveState, webhooks: Map<string, APIWebhook>): string | null {
  const pre = (change as { precondition?: unknown }).precondition as
    | (Partial<Omit<PresentPrecondition, 'exists'>> & { exists?: boolean; commands_sha256?: string })
    | undefined;
  if (typeof pre !== 'object' || pre === null) return null;
  if (change.action === 'sync_commands') {
    const commands = live.guilds.find((g) => g.guildId === change.guildId)?.commands;
    if (!commands || typeof pre.commands_sha256 !== 'string') return null;
    return commandsFingerprint(commands) === pre.commands_sha256 ? null : `the guild's slash commands changed since the plan`;
  }
  if (pre.exists === false) {
    const guild = live.guilds.find((g) => g.guildId === change.guildId);
    const clash = guild?.webhooks.find((w) => w.channel_id === pre.channel_id && w.name === pre.name && w.user?.id === live.bot.id);
    return clash ? `a webhook named "${String(pre.name)}" now exists in channel ${String(pre.channel_id)} (id ${clash.id}); the plan is stale` : null;
  }
  if (typeof pre.webhook_id !== 'string') return null;
  const current = webhooks.get(pre.webhook_id);
  if (current === undefined) return `webhook ${pre.webhook_id} no longer exists; the plan is stale`;
  const problem = mismatch(pre as PresentPrecondition, current);
  return problem === null ? null : `${problem}; the plan is stale`;
}

/** Compares one live webhook with what a change expected of it. */
function mismatch(pre: PresentPrecondition, current: APIWebhook): string | null {
  const diffs: string[] = [];
  if (current.name !== pre.name) diffs.push(`name is now "${current.name}" (plan expected "${pre.name}")`);
  if (current.channel_id !== pre.channel_id) diffs.push(`channel is now ${current.channel_id} (plan expected ${pre.channel_id})`);
  if (current.avatar !== pre.avatar) diffs.push(`avatar is now ${current.avatar ?? 'none'} (plan expected ${pre.avatar ?? 'none'})`);
  return diffs.length > 0 ? `webhook ${pre.webhook_id} changed since the plan: ${diffs.join(', ')}` : null;
}

/** The just-before-each-write check for saved plans (creates were checked by the fresh plan). */
export function verifyBeforeWrite(api: DiscordApi, signal?: AbortSignal) {
  return async (change: Change): Promise<string | null> => {
    if (change.action === 'sync_commands' || !change.precondition.exists) return null;
    const pre = change.precondition;
    try {
      const current = await api.getWebhook(pre.webhook_id, signal ? { signal } : {});
      return mismatch(pre, current);
    } catch (error) {
      if (isDiscordApiError(error, UNKNOWN_WEBHOOK)) {
        return change.action === 'delete' ? null : `webhook ${pre.webhook_id} was deleted since the plan`;
      }
      throw error;
    }
  };
}
