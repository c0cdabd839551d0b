/**
 * The planner's public API: `buildPlan` (pure) and the three renderers of its Plan.
 * apply, the CLI and the programmatic API import from here. Renderers are pure
 * `(plan, options) => string` and return text without a trailing newline (the sink adds it).
 */
export { buildPlan, isEmptyPlan, restrictPlan, summarize } from './build-plan.js';
export type { LiveAuditLog, LiveGuild, LivePermissions, LiveState } from '../live/live-state.js';
export * from './plan-types.js';
export { classifyWebhook, type Owner } from './ownership.js';
export { commandsFingerprint } from './slash-commands.js';
export { auditLogReads } from './drift.js';
export { liveFingerprint, manifestFingerprint, planFingerprints } from './fingerprint.js';
export { AVATAR_HASH_NOTE } from './avatar.js';
export type { CanonicalCommand, CommandWrite } from './canonical-command.js';
export { renderText, type TextRenderOptions } from './render/text.js';
export { renderJson } from './render/json.js';
export { renderMarkdown, MARKDOWN_MAX_LENGTH, type MarkdownRenderOptions } from './render/markdown.js';
export { NO_CHANGES, planSummaryLine } from './render/shared.js';
export { attributionText, changeAttributionText } from './render/attribution.js';
