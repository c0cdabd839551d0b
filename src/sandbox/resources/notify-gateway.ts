/**
 * Gateway dispatches that follow a REST write. A gateway failure never fails the write: the
 * write is done, and the gateway reports its own problems to its clients.
 */
export function notifyGateway(send: () => void): void {
  try {
    send();
  } catch {
    // The REST write succeeded.
  }
}
