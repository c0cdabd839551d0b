/**
 * The flags a plan needs before apply will run it. Deletes break every system that posts
 * to a webhook's URL (a replacement does too: the URL changes), so a plan with many must be
 * allowed explicitly; a plan over a guild's safety thresholds needs `--force`. All guards
 * are worked out at once, so one message names every flag a plan needs.
 *
 * Delete rule: refuse when a plan deletes (or replaces) more than 10 webhooks AND more than
 * a third of the owned webhooks across declared guilds, unless `--max-deletes N` allows
 * that many.
 */
import { CordformError } from '../errors.js';
import type { Plan, RequiredFlags } from './plan-types.js';

export interface GuardFlags {
  maxDeletes?: number;
  force?: boolean;
}

/** Webhooks the plan deletes, counting replacements (their old URL dies too). */
function deletesOf(plan: Pick<Plan, 'summary'>): number {
  return plan.summary.delete + plan.summary.replace;
}

/** Which flags an apply of this plan needs, whatever flags were given (pure: part of the plan). */
export function requiredFlags(plan: Pick<Plan, 'summary' | 'thresholds'>): RequiredFlags {
  const deletes = deletesOf(plan);
  const owned = plan.thresholds.reduce((sum, guild) => sum + guild.owned, 0);
  const reasons: string[] = [];
  const required: RequiredFlags = { force: false, reasons };
  if (deletes > 10 && deletes > owned / 3) {
    required.maxDeletes = deletes;
    reasons.push(`it deletes or replaces ${deletes} of ${owned} owned webhooks (more than 10 and more than a third)`);
  }
  const over = plan.thresholds.filter((t) => t.requiresForce);
  if (over.length > 0) {
    required.force = true;
    const which = over.map((t) => `guild ${t.guildId}: ${t.updates} updates and ${t.deletes} deletes of ${t.owned} owned webhooks`);
    reasons.push(`it changes more than the safety thresholds allow (${which.join('; ')})`);
  }
  return required;
}

/** The flags still missing for this plan; an empty list when apply may go ahead. */
export function missingFlags(plan: Plan, given: GuardFlags): string[] {
  const deletes = deletesOf(plan);
  const required = plan.guards;
  const missing: string[] = [];
  if (given.maxDeletes !== undefined) {
    if (deletes > given.maxDeletes) missing.push(`--max-deletes ${deletes}`);
  } else if (required.maxDeletes !== undefined) {
    missing.push(`--max-deletes ${required.maxDeletes}`);
  }
  if (required.force && !given.force) missing.push('--force');
  return missing;
}

/** Throws (nothing changed) naming every missing flag at once. */
export function assertGuards(plan: Plan, given: GuardFlags): void {
  const missing = missingFlags(plan, given);
  if (missing.length === 0) return;
  const deletes = deletesOf(plan);
  const reasons = [...plan.guards.reasons];
  if (given.maxDeletes !== undefined && deletes > given.maxDeletes) {
    reasons.unshift(`it deletes or replaces ${deletes} webhooks but --max-deletes is ${given.maxDeletes}`);
  }
  throw new CordformError(
    missing.includes('--force') && missing.length === 1 ? 'threshold_exceeded' : 'too_many_deletes',
    `refusing to apply: ${reasons.join('; and ')}. Review the plan and pass ${missing.join(' ')}; nothing was changed`,
    { details: { missing } },
  );
}
