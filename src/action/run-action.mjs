// @ts-check
/**
 * One run of the action, start to exit code: read the inputs, mask the tokens, run the
 * mode. Anything that goes wrong becomes one `::error::` and exit 1 — never a stack with
 * request details in it.
 */
import { createActionRun } from './action-run.mjs';
import { runApplyMode } from './apply-mode.mjs';
import { runCheckMode } from './check-mode.mjs';
import { runPlanMode } from './plan-mode.mjs';
import { annotation } from './workflow-commands.mjs';

/**
 * @param {Record<string, string | undefined>} env
 * @param {string} cwd
 * @param {(text: string) => void} write  stdout
 * @returns {Promise<number>}
 */
export async function runAction(env, cwd, write) {
  try {
    const run = createActionRun(env, cwd, write);
    switch (run.inputs.mode) {
      case 'plan':
        return await runPlanMode(run);
      case 'apply':
        return await runApplyMode(run);
      case 'check':
        return await runCheckMode(run);
      default:
        throw new Error(`unexpected mode ${JSON.stringify(/** @type {never} */ (run.inputs.mode))}`);
    }
  } catch (error) {
    write(`${annotation('error', `cordform action: ${error instanceof Error ? error.message : String(error)}`)}\n`);
    return 1;
  }
}
