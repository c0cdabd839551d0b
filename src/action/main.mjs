// @ts-check
/**
 * The action's entry point (action.yml `runs.main`). GitHub runs it with Node 24 straight
 * from the repository checkout, so it uses Node's built-ins only: nothing to install,
 * nothing to bundle. It runs the repository's own cordform through `cordform-command`.
 */
import { runAction } from './run-action.mjs';

process.exitCode = await runAction(process.env, process.cwd(), (text) => void process.stdout.write(text));
