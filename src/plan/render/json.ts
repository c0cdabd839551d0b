/**
 * `--format json` and `plan --out PLAN.json`: the Plan itself, pretty-printed. The shape is
 * versioned by `format_version` and documented in docs/plan-and-apply.md ("Plan JSON").
 */
import type { Plan } from '../plan-types.js';

export function renderJson(plan: Plan): string {
  return JSON.stringify(plan, null, 2);
}
