import type { Plan } from '../plan/plan-types.js';

/**
 * Deletes break every system that posts to a webhook's URL, so a plan with many of them
 * must be allowed explicitly. Default rule: refuse when a plan deletes more than 10
 * webhooks AND more than a third of the owned webhooks (across declared guilds), unless
 * `--max-deletes N` allows that many.
 */
export interface DeleteGuardVerdict {
  allowed: boolean;
  deletes: number;
  owned: number;
  message?: string;
}

export function checkDeleteGuard(plan: Plan, maxDeletes: number | undefined): DeleteGuardVerdict {
  const deletes = plan.summary.delete;
  const owned = plan.thresholds.reduce((sum, guild) => sum + guild.owned, 0);
  if (maxDeletes !== undefined) {
    return deletes <= maxDeletes
      ? { allowed: true, deletes, owned }
      : {
          allowed: false,
          deletes,
          owned,
          message: `the plan deletes ${deletes} webhooks but --max-deletes is ${maxDeletes}`,
        };
  }
  const tooMany = deletes > 10 && deletes > owned / 3;
  return tooMany
    ? {
        allowed: false,
        deletes,
        owned,
        message: `the plan deletes ${deletes} of ${owned} owned webhooks (more than 10 and more than a third); pass --max-deletes ${deletes} to allow it`,
      }
    : { allowed: true, deletes, owned };
}
