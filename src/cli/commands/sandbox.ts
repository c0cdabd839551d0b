import { CordformError } from '../../errors.js';
import type { CliIo } from '../io.js';

// PLACEHOLDER: replaced by the issue that builds this command.
export async function runSandbox(_args: string[], _io: CliIo): Promise<number> {
  throw new CordformError('not_built', 'this command is not built yet', { fault: 'tool' });
}
