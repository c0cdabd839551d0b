/**
 * What `apply` and `rotate` share once they know what to run: the client, the progress
 * view, applyManifest with the process's signals and redactor, the question on a terminal,
 * the result and its exit code — and the `--urls-out` file either may write afterwards.
 */
import { resolve } from 'node:path';
import { applyManifest, type ApplyManifestOptions, type ApplyReport, type PlanContext } from '../api/apply-manifest.js';
import { createClientFor } from '../api/client.js';
import { assertUrlsFileWritable, declaredUrls, writeUrlsFile } from '../api/webhook-urls.js';
import { assertNever, CordformError } from '../errors.js';
import { resolveApiBase } from '../live/api-base.js';
import type { Manifest, WebhookDeclaration } from '../manifest/types.js';
import type { Plan } from '../plan/index.js';
import { createApplyProgress, type ProgressOutput } from './apply-progress.js';
import { renderApplyResult, renderInterrupted } from './apply-result-text.js';
import { INTERRUPTED_EXIT_CODE, type CliIo } from './io.js';

export interface ApplySessionOptions {
  manifest: Manifest;
  /** What to run: applyManifest's options, less what the session supplies. */
  run: Omit<ApplyManifestOptions, 'manifest' | 'api' | 'interrupt' | 'signal' | 'redactor' | 'onPlan' | 'confirm' | 'onEvent'>;
  quiet: boolean;
  autoApprove: boolean;
  /** Say on the first Ctrl-C that no new writes start and how to abort the rest (apply does). */
  interruptNotice: boolean;
  showPlan(plan: Plan, context: PlanContext): void;
  /** After the result is printed, before the client closes (`--urls-out`); returns the exit code. */
  afterFinish?(report: ApplyReport, code: number): Promise<number>;
}

/** `--urls-out FILE` resolved against cwd, refused before anything is written when unwritable. */
export async function urlsOutPath(io: CliIo, value: string | undefined): Promise<string | undefined> {
  if (value === undefined) return undefined;
  const path = resolve(io.cwd, value);
  await assertUrlsFileWritable(path);
  return path;
}

export async function runApplySession(io: CliIo, options: ApplySessionOptions): Promise<number> {
  const { manifest, quiet } = options;
  const client = createClientFor(manifest, { env: io.env, redactor: io.redactor });
  const progress = createApplyProgress(progressFor(io, quiet));
  const onInterrupt = () => io.err('\nInterrupted: no new writes start; waiting for the ones in flight (Ctrl-C again to abort them).\n');
  if (options.interruptNotice) io.signal.addEventListener('abort', onInterrupt, { once: true });
  try {
    const report = await applyManifest({
      ...options.run,
      manifest,
      api: client,
      interrupt: io.signal,
      signal: io.hardSignal,
      redactor: io.redactor,
      onPlan: (plan, context) => {
        progress.useNames(plan.names);
        options.showPlan(plan, context);
      },
      confirm: () => confirmed(io, options.autoApprove),
      onEvent: (event) => progress.onEvent(event),
    });
    await progress.finished();
    const code = finish(io, report);
    return options.afterFinish ? await options.afterFinish(report, code) : code;
  } finally {
    io.signal.removeEventListener('abort', onInterrupt);
    await client.close();
  }
}

/** `--urls-out`: every declared webhook that exists after the apply; missing ones are named. */
export async function writeUrls(
  io: CliIo,
  manifest: Manifest,
  report: ApplyReport,
  path: string,
  declarations?: readonly WebhookDeclaration[],
): Promise<number> {
  const { urls, missing } = declaredUrls(manifest, report.finalLive, resolveApiBase(manifest, io.env), declarations);
  await writeUrlsFile(path, urls);
  io.out(`Wrote ${urls.length} webhook URL(s) to ${path} (mode 0600).\n`);
  if (missing.length === 0) return 0;
  io.err(`Error: ${missing.length} declared webhook(s) do not exist, so ${path} lacks them: ${missing.join(', ')} [webhook_missing]\n`);
  return 1;
}

function finish(io: CliIo, report: ApplyReport): number {
  switch (report.status) {
    case 'no_changes':
      return 0;
    case 'cancelled':
      io.err('Apply cancelled; nothing was changed.\n');
      return 1;
    case 'interrupted':
      io.out(renderInterrupted(report));
      return INTERRUPTED_EXIT_CODE;
    case 'applied': {
      io.out(renderApplyResult(report));
      const { failed, skipped, unknown, not_started } = report.counts;
      const clean = failed + skipped + unknown + not_started === 0 && report.conflicts.length === 0 && report.unconfirmed === undefined;
      return clean ? 0 : 1;
    }
    default:
      return assertNever(report.status, 'apply status');
  }
}

async function confirmed(io: CliIo, autoApprove: boolean): Promise<boolean> {
  if (autoApprove) return true;
  if (!io.interactive) {
    throw new CordformError(
      'approval_required',
      'not on a terminal (or CI=true): pass --auto-approve, or apply a reviewed plan saved with `plan --out`; nothing was changed',
    );
  }
  return io.confirm("Do you want to perform these actions? Only 'yes' will be accepted:");
}

function progressFor(io: CliIo, quiet: boolean): ProgressOutput {
  if (quiet) return { mode: 'silent', write: () => {} };
  return { mode: io.interactive && io.color ? 'tty' : 'lines', write: (text) => io.out(text) };
}
