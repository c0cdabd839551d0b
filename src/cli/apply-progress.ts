import { Writable } from 'node:stream';
import { Listr, ListrLogLevels, ListrLogger, ProcessOutput } from 'listr2';
import { assertNever } from '../errors.js';
import { phaseTitle, type ApplyEvent, type ChangeOutcome } from '../apply/apply-plan.js';
import type { Change, PlanNames } from '../plan/plan-types.js';
import { changeHeadline } from '../plan/render/shared.js';

/**
 * How apply shows progress: listr2 renders the apply's events. `tty`: listr2's default
 * renderer (spinners) on a terminal; `lines`: listr2's simple renderer with one line per
 * finished change (CI, no TTY, NO_COLOR); `silent`: nothing (--quiet).
 *
 * Each phase becomes one Listr run when its `phase_started` event arrives; each change's
 * task waits for that change's `change_finished` event. The apply itself never waits on
 * the renderer.
 */
type ProgressMode = 'tty' | 'lines' | 'silent';

export interface ProgressOutput {
  mode: ProgressMode;
  /** Receives rendered lines (already through the io's redactor in the CLI). */
  write(text: string): void;
}

export interface ApplyProgress {
  /** Names to show for channels (the plan's), once the plan is known. */
  useNames(names: PlanNames): void;
  onEvent(event: ApplyEvent): void;
  /** Resolves once everything started has been rendered. */
  finished(): Promise<void>;
}


export function createApplyProgress(output: ProgressOutput): ApplyProgress {
  if (output.mode === 'silent') return { useNames: () => {}, onEvent: () => {}, finished: async () => {} };
  let names: PlanNames | undefined;
  const describe = (change: Change) => changeHeadline(change, names);
  const waiting = new Map<Change, (outcome: ChangeOutcome) => void>();
  const settled = new Map<Change, ChangeOutcome>();
  let rendering: Promise<void> = Promise.resolve();

  const outcomeOf = (change: Change) =>
    new Promise<ChangeOutcome>((resolve) => {
      const known = settled.get(change);
      if (known) resolve(known);
      else waiting.set(change, resolve);
    });

  const phaseRun = (title: string, changes: readonly Change[]) =>
    new Listr(
      [
        {
          title,
          task: (_ctx, phaseTask) =>
            phaseTask.newListr(
              changes.map((change) => ({
                title: describe(change),
                task: async (_c, task) => {
                  const outcome = await outcomeOf(change);
                  const line = `${describe(change)} — ${outcome.detail ?? ''}`;
                  if (outcome.status === 'skipped' || outcome.status === 'not_started') task.skip(line);
                  else if (outcome.status === 'failed') throw new Error(line);
                  else if (outcome.status === 'unknown') throw new Error(`${describe(change)} — outcome unknown: ${outcome.detail ?? ''}`);
                  else if (outcome.detail) task.title = `${describe(change)} (${outcome.detail})`;
                },
              })),
              { concurrent: true, exitOnError: false },
            ),
        },
      ],
      {
        concurrent: false,
        exitOnError: false,
        registerSignalListeners: false,
        collectErrors: false,
        ...listrRendererFor(output),
      } as ConstructorParameters<typeof Listr>[1],
    );

  return {
    useNames(planNames) {
      names = planNames;
    },
    onEvent(event) {
      switch (event.type) {
        case 'phase_started': {
          const run = phaseRun(phaseTitle(event.phase, event.changes), event.changes);
          rendering = rendering.then(() => run.run().then(() => {}));
          return;
        }
        case 'change_finished': {
          settled.set(event.change, event.outcome);
          waiting.get(event.change)?.(event.outcome);
          waiting.delete(event.change);
          return;
        }
        case 'change_started':
        case 'interrupted':
          return;
        default:
          return assertNever(event, 'apply event');
      }
    },
    finished: () => rendering,
  };
}

/** The simple renderer logs STARTED and COMPLETED per task; CI logs want one line per change. */
class FinishedOnlyLogger extends ListrLogger<ListrLogLevels> {
  override log(level: ListrLogLevels, message: string | any[], options?: Parameters<ListrLogger['log']>[2]): void {
    if (level === ListrLogLevels.STARTED) return;
    super.log(level, message, options);
  }
}

/** listr2 renderer options that send everything to `output.write`. */
function listrRendererFor(output: ProgressOutput): Record<string, unknown> {
  switch (output.mode) {
    case 'silent':
      return { renderer: 'silent' };
    case 'tty':
      return { renderer: 'default', rendererOptions: { collapseSubtasks: false } };
    case 'lines': {
      const sink = new Writable({
        write(chunk, _encoding, callback) {
          output.write(String(chunk));
          callback();
        },
      }) as unknown as NodeJS.WriteStream;
      const logger = new FinishedOnlyLogger({ processOutput: new ProcessOutput(sink, sink), useIcons: false });
      return { renderer: 'simple', rendererOptions: { logger } };
    }
  }
}
