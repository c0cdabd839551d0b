import { Writable } from 'node:stream';
import { ListrLogLevels, ListrLogger, ProcessOutput } from 'listr2';

/**
 * How apply shows progress. `tty`: listr2's default renderer (spinners) on a terminal;
 * `lines`: listr2's simple renderer with one line per finished change (CI, no TTY,
 * NO_COLOR); `silent`: nothing (--quiet, --format json).
 */
export type ProgressMode = 'tty' | 'lines' | 'silent';

export interface ProgressOutput {
  mode: ProgressMode;
  /** Receives rendered lines (already through the io's redactor in the CLI). */
  write(text: string): void;
}

/** The simple renderer logs STARTED and COMPLETED per task; CI logs want one line per change. */
class FinishedOnlyLogger extends ListrLogger<ListrLogLevels> {
  override log(level: ListrLogLevels, message: string | any[], options?: Parameters<ListrLogger['log']>[2]): void {
    if (level === ListrLogLevels.STARTED) return;
    super.log(level, message, options);
  }
}

/** listr2 renderer options that send everything to `output.write`. */
export function listrRendererFor(output: ProgressOutput): Record<string, unknown> {
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
