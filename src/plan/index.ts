/**
 * The planner's public API: `buildPlan` (pure) and the three renderers of its Plan.
 * apply, the CLI and the programmatic API import from here. Renderers are pure
 * `(plan, options) => string` and return text without a trailing newline (the sink adds it).
 */
export { buildPlan, isEmptyPlan, restrictPlan } from './build-plan.js';
export type { LiveAuditLog, LiveState } from '../live/live-state.js';
export * from './plan-types.js';
export { classifyWebhook, slotKey, type Owner } from './ownership.js';
export { commandsFingerprint } from './slash-commands.js';
export { auditLogReads } from './drift.js';
export { manifestFingerprint, planFingerprints } from './fingerprint.js';
export { renderText } from './render/text.js';
export { renderJson } from './render/json.js';
export { renderMarkdown } from './render/markdown.js';
export { changeAttributionText } from './render/attribution.js';
export { changeHeadline } from './render/shared.js';
