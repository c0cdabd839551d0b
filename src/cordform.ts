/**
 * The programmatic API: the same functions the CLI calls, taking options (cwd, env,
 * output sink, HTTP dispatcher) and returning results. Nothing here prints or exits.
 */
export { DEFAULT_API_BASE, resolveApiBase } from './discord/api-base.js';
export {
  computePlan,
  createClientFor,
  guildsWithWebhookWrites,
  registerLiveSecrets,
  type ClientOptions,
  type ComputedPlan,
  type ComputePlanOptions,
} from './api/compute-plan.js';
