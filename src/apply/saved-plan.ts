import { readFile } from 'node:fs/promises';
import { CordformError } from '../errors.js';
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
  type PresentPrecondition,
} from '../plan/index.js';
import { VERSION } from '../version.js';

/**
 * A plan saved with `plan --out` and applied later with `apply PLAN.json` (GitOps: plan on
 * the PR, apply the reviewed plan on merge). It holds the Plan (no secrets: no tokens, no
 * webhook URLs, no avatar bytes) and the fingerprints it was computed from.
 *
 * Staleness is checked twice: before any write, the manifest fingerprint must match and
 * every webhook the plan touches must still satisfy its change's precondition (any
 * mismatch refuses the whole plan); and just before each write to an existing webhook it
 * is read again (GET /webhooks/{id}), so a change someone makes during the apply is
 * skipped and reported instead of overwritten.
 */
export interface SavedPlan {
  kind: 'cordform-plan';
  format_version: typeof PLAN_FORMAT_VERSION;
  cordform_version: string;
  plan: Plan;
}

export function createSavedPlan(plan: Plan): SavedPlan {
  return { kind: 'cordform-plan', format_version: PLAN_FORMAT_VERSION, cordform_version: VERSION, plan };
}

export async function readSavedPlan(path: string): Promise<SavedPlan> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new CordformError('plan_file_unreadable', `cannot read plan file ${path}: ${(error as Error).message}`);
  }
  const saved = parsed as Partial<SavedPlan> | null;
  if (saved?.kind !== 'cordform-plan' || !saved.plan || !Array.isArray(saved.plan.changes)) {
    throw new CordformError('plan_file_invalid', `${path} is not a plan saved by \`cordform plan --out\``);
  }
  if (saved.format_version !== PLAN_FORMAT_VERSION) {
    throw new CordformError(
      'plan_file_version',
      `${path} has plan format ${String(saved.format_version)}; this cordform reads format ${PLAN_FORMAT_VERSION}. Run plan again.`,
    );
  }
  return saved as SavedPlan;
}

/** Every reason the saved plan no longer describes reality; empty = safe to apply. */
export function findStaleness(saved: SavedPlan, manifest: Manifest, live: LiveState): string[] {
  const reasons: string[] = [];
  if (manifestFingerprint(manifest) !== saved.plan.fingerprints.manifest) {
    reasons.push('the manifest changed since the plan was saved');
  }
  const webhooks = new Map<string, APIWebhook>();
  for (const guild of live.guilds) for (const webhook of guild.webhooks) webhooks.set(webhook.id, webhook);
  for (const change of saved.plan.changes) {
    const problem = preconditionProblem(change, live, webhooks);
    if (problem) reasons.push(`${change.key}: ${problem}`);
  }
  return reasons;
}

function preconditionProblem(change: Change, live: LiveState, webhooks: Map<string, APIWebhook>): string | null {
  if (change.action === 'sync_commands') {
    const commands = live.guilds.find((g) => g.guildId === change.guildId)?.commands;
    if (!commands) return null;
    return commandsFingerprint(commands) === change.precondition.commands_sha256
      ? null
      : `the guild's slash commands changed since the plan`;
  }
  const pre = change.precondition;
  if (!pre.exists) {
    const guild = live.guilds.find((g) => g.guildId === change.guildId);
    const clash = guild?.webhooks.find(
      (w) => w.channel_id === pre.channel_id && w.name === pre.name && w.user?.id === live.bot.id,
    );
    return clash ? `a webhook named "${pre.name}" now exists in channel ${pre.channel_id} (id ${clash.id})` : null;
  }
  const current = webhooks.get(pre.webhook_id);
  return current ? mismatch(pre, current) : `webhook ${pre.webhook_id} no longer exists`;
}

/** Compares one live webhook with what a change expected of it. */
export function mismatch(pre: PresentPrecondition, current: APIWebhook): string | null {
  const diffs: string[] = [];
  if (current.name !== pre.name) diffs.push(`name is now "${current.name}" (plan expected "${pre.name}")`);
  if (current.channel_id !== pre.channel_id) diffs.push(`channel is now ${current.channel_id} (plan expected ${pre.channel_id})`);
  if (current.avatar !== pre.avatar) diffs.push(`avatar is now ${current.avatar ?? 'none'} (plan expected ${pre.avatar ?? 'none'})`);
  return diffs.length > 0 ? `webhook ${pre.webhook_id} changed since the plan: ${diffs.join(', ')}` : null;
}

/** The just-before-each-write check for saved plans (creates were checked in the pre-write pass). */
export function verifyBeforeWrite(api: DiscordApi, signal?: AbortSignal) {
  return async (change: Change): Promise<string | null> => {
    if (change.action === 'sync_commands' || !change.precondition.exists) return null;
    const pre = change.precondition;
    try {
      const current = await api.getWebhook(pre.webhook_id, signal ? { signal } : {});
      return mismatch(pre, current);
    } catch (error) {
      if ((error as { discordCode?: unknown }).discordCode === 10015) {
        return change.action === 'delete' ? null : `webhook ${pre.webhook_id} was deleted since the plan`;
      }
      throw error;
    }
  };
}
