/**
 * cordform as a library — the same functions the CLI is a thin layer over:
 *
 * ```ts
 * import { loadManifest, plan, apply } from 'cordform';
 * const manifest = await loadManifest('cordform.yaml', { env: process.env });
 * const proposed = await plan(manifest, { env: process.env });   // proposed.changes: [] when converged
 * const result = await apply(proposed, { env: process.env, onEvent: console.log });
 * ```
 *
 * Nothing here prints, prompts or exits: progress comes as events, problems as
 * `CordformError` (with a stable `code`, see `ErrorCode`), manifest problems as its subclass
 * `ManifestError` with every issue and its file:line:col.
 */
import { createSavedPlan } from './apply/saved-plan.js';
import { applyManifest, type ApplyManifestOptions, type ApplyReport } from './api/apply-manifest.js';
import { createClient, createClientFor, type ClientOptions } from './api/client.js';
import { computePlan } from './api/compute-plan.js';
import { startManifestRuntime, type StartRuntimeOptions } from './api/start-runtime.js';
import { CordformError } from './errors.js';
import { importGuild as importGuildWith, type ImportedGuild } from './import/import-guild.js';
import { readManifest } from './manifest/read-manifest.js';
import type { Manifest } from './manifest/types.js';
import type { VariableClass } from './manifest/variable-classes.js';
import { VARIABLE_NEEDS } from './manifest/variable-classes.js';
import { isEmptyPlan, manifestFingerprint, type Plan, type PlanFingerprints } from './plan/index.js';
import type { Runtime } from './runtime/runtime.js';

export { CordformError, type ErrorCode, type Fault, type SourceLocation } from './errors.js';
export { ManifestError, type ManifestIssue } from './manifest/issues.js';
export type { Manifest, GuildDeclaration, WebhookDeclaration, CommandDeclaration } from './manifest/types.js';
export type { Plan, Change, ChangeAction, Blocker, Warning, PlanSummary, PlanNames } from './plan/plan-types.js';
export type { ApplyEvent, ChangeOutcome, ChangeStatus } from './apply/apply-plan.js';
export type { ApplyReport, ApplyStatus } from './api/apply-manifest.js';
export type { Conflict } from './apply/confirm-result.js';
export type { ImportedGuild } from './import/import-guild.js';
export type { Runtime } from './runtime/runtime.js';
export { startSandbox, DEFAULT_SEED, type Sandbox, type SandboxOptions, type SandboxSeed } from './sandbox/server.js';
export { renderText, renderJson, renderMarkdown } from './plan/index.js';
export { createClient, createClientFor, type ClientOptions };
export { VERSION as version } from './version.js';

type Env = Record<string, string | undefined>;

export interface LoadOptions {
  /** Where `${VAR}` values come from (default `process.env`). */
  env?: Env;
  /** Relative paths are resolved here (default `process.cwd()`). */
  cwd?: string;
  /**
   * Which `${VAR}` classes must be set (default: what talking to Discord needs — the
   * declarations and the bot token; pass `['declaration', 'bot_token', 'runtime_secret']`
   * before `startRuntime`).
   */
  needs?: readonly VariableClass[];
}

/** Reads and checks a manifest (files or directories); throws `ManifestError` with every issue. */
export async function loadManifest(files: string | readonly string[], options: LoadOptions = {}): Promise<Manifest> {
  return readManifest({
    files: typeof files === 'string' ? [files] : [...files],
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? process.env,
    needs: options.needs ?? VARIABLE_NEEDS.discord,
  });
}

export interface PlanOptions extends Partial<ClientOptions> {
  signal?: AbortSignal;
  /** Limit to webhooks by key (`GUILD/CHANNEL/NAME`) or name, or `GUILD/commands`. */
  targets?: string[];
}

/** What each plan was computed for, so `apply(plan)` needs no manifest of its own and can tell a stale one. */
const planSources = new WeakMap<Plan, Manifest>();

/** Reads Discord and plans: a plan whose `changes` is empty when Discord matches the manifest. */
export async function plan(manifest: Manifest, options: PlanOptions = {}): Promise<Plan> {
  const client = createClientFor(manifest, clientOptions(options));
  try {
    const computed = await computePlan(manifest, client, {
      targets: options.targets ?? [],
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.redactor ? { redactor: options.redactor } : {}),
    });
    planSources.set(computed.plan, manifest);
    return computed.plan;
  } finally {
    await client.close();
  }
}

export interface ApplyOptions extends Partial<ClientOptions>, Pick<ApplyManifestOptions, 'maxDeletes' | 'force' | 'concurrency' | 'onEvent'> {
  /** The manifest, for a plan that `plan()` did not return (one read from a file). */
  manifest?: Manifest;
  /** Stops starting writes; writes in flight finish (a first Ctrl-C). */
  interrupt?: AbortSignal;
  /** Aborts everything, writes in flight included. */
  signal?: AbortSignal;
  /** X-Audit-Log-Reason for writes whose declaration has none (default "cordform apply"). */
  reason?: string;
}

/**
 * Applies a plan — as a proposal, exactly like `cordform apply PLAN.json`: Discord is read
 * again, and only the changes a fresh plan also holds are made; anything in `proposed` that a
 * fresh plan does not hold refuses the whole apply (`plan_stale`). Blockers and guards
 * (`maxDeletes`, `force`) are checked as the CLI does.
 */
export async function apply(proposed: Plan, options: ApplyOptions = {}): Promise<ApplyReport> {
  const source = planSources.get(proposed);
  const manifest = options.manifest ?? source;
  if (manifest === undefined) {
    throw new CordformError('api_usage', 'apply(plan): this plan did not come from plan() in this process; pass { manifest } as well');
  }
  const client = createClientFor(manifest, clientOptions(options));
  try {
    return await applyManifest({
      manifest,
      api: client,
      saved: { plan: createSavedPlan(proposed, proposalFingerprints(source, manifest)), path: 'the plan passed to apply()' },
      defaultReason: options.reason ?? 'cordform apply',
      ...(options.interrupt ? { interrupt: options.interrupt } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.redactor ? { redactor: options.redactor } : {}),
      ...(options.maxDeletes === undefined ? {} : { maxDeletes: options.maxDeletes }),
      ...(options.force === undefined ? {} : { force: options.force }),
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    });
  } finally {
    await client.close();
  }
}

/**
 * Apply compares only the manifest fingerprint (a plan is a proposal, checked against fresh
 * live state), so a proposal carries no live fingerprint: hashing every webhook would be
 * work nobody reads. The manifest is the one the plan was made from, when it is known.
 */
function proposalFingerprints(source: Manifest | undefined, manifest: Manifest): PlanFingerprints {
  return { manifest: manifestFingerprint(source ?? manifest), live: '' };
}

export interface CheckResult {
  /** `in_sync`: Discord matches; `drift`: the plan has changes; `blocked`: apply could not run. */
  status: 'in_sync' | 'drift' | 'blocked';
  plan: Plan;
}

/** A drift check for a schedule: the plan, and whether Discord drifted from the manifest. */
export async function check(manifest: Manifest, options: PlanOptions = {}): Promise<CheckResult> {
  const result = await plan(manifest, options);
  const status = result.blockers.length > 0 ? 'blocked' : isEmptyPlan(result) ? 'in_sync' : 'drift';
  return { status, plan: result };
}

export interface ImportOptions extends Partial<ClientOptions> {
  /** The bot token (default `env.DISCORD_BOT_TOKEN`). */
  token?: string;
  channelIds?: string[];
  includeForeign?: boolean;
  signal?: AbortSignal;
}

/** A guild's live webhooks as manifest YAML that plans no changes. */
export async function importGuild(guildId: string, options: ImportOptions = {}): Promise<ImportedGuild> {
  const env = options.env ?? process.env;
  const token = options.token ?? env.DISCORD_BOT_TOKEN;
  if (!token) throw new CordformError('env_missing', 'importGuild: pass { token } or set DISCORD_BOT_TOKEN');
  const client = createClient(token, clientOptions(options));
  try {
    return await importGuildWith({
      api: client,
      guildId,
      ...(options.channelIds ? { channelIds: options.channelIds } : {}),
      ...(options.includeForeign ? { includeForeign: true } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.redactor ? { redactor: options.redactor } : {}),
    });
  } finally {
    await client.close();
  }
}

/** Runs the manifest's command bindings (what `cordform run` does); `stop()` drains and closes. */
export function startRuntime(manifest: Manifest, options: Partial<StartRuntimeOptions> = {}): Promise<Runtime> {
  return startManifestRuntime(manifest, { ...options, env: options.env ?? process.env });
}

function clientOptions(options: Partial<ClientOptions>): ClientOptions {
  return {
    env: options.env ?? process.env,
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    ...(options.redactor ? { redactor: options.redactor } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  };
}
