import type { AddressInfo, Server } from 'node:net';
import { CordformError } from './errors.js';

/**
 * Binding a server to `host:port` for the commands that serve something (`sandbox`, `run`).
 * The operating system's refusals are the user's to fix (a port another process holds, an
 * address this machine does not have, a host name that does not resolve), so each becomes
 * a CordformError with a plain sentence instead of an "internal error".
 */
export async function listenOn(server: Server, port: number, host: string): Promise<number> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    throw listenError(error, port, host);
  }
  return (server.address() as AddressInfo).port;
}

/** The user-facing error for a failed bind; `code` is stable, the message names the cause. */
function listenError(error: unknown, port: number, host: string): CordformError {
  const code = (error as { code?: unknown } | null)?.code;
  const details = { host, port, ...(typeof code === 'string' ? { reason: code } : {}) };
  const fail = (message: string) => new CordformError('listen_failed', message, { details, cause: error });
  switch (code) {
    case 'EADDRINUSE':
      return fail(`cannot listen on ${host}:${port}: port ${port} is in use (another process is listening there; pick another --port)`);
    case 'EADDRNOTAVAIL':
      return fail(`cannot listen on ${host}:${port}: address not available (${host} is not an address of this machine)`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
    case 'EAI_FAIL':
      return fail(`cannot listen on ${host}:${port}: cannot resolve host "${host}"`);
    case 'EACCES':
      return fail(`cannot listen on ${host}:${port}: permission denied (ports below 1024 need privileges)`);
    default:
      return fail(`cannot listen on ${host}:${port}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
