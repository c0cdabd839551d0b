import { CordformError } from '../../errors.js';
import { SandboxHttpError } from '../http/errors.js';
import type { FaultInjector } from '../http/faults.js';
import { requireObject } from '../resources/validation.js';
import type { AdminContext, AdminRoute } from './admin.js';

/**
 * `/__sandbox/faults`: replace (POST), read with counters (GET) or clear (DELETE) the fault
 * set. The body of POST is the `--faults FILE` format as JSON: `{seed?, faults: [...]}` or a
 * bare list. An invalid set is refused whole with 400 and the old set stays.
 * `POST /__sandbox/gateway/raw {frame}` sends one verbatim (garbage) frame over the gateway.
 */
function injectorOf(ctx: AdminContext): FaultInjector {
  if (!ctx.faults) throw new SandboxHttpError(404, { message: 'Fault injection is not available', code: 0 });
  return ctx.faults;
}

export const faultAdminRoutes: AdminRoute[] = [
  {
    method: 'GET',
    path: '/faults',
    handle: (ctx) => ({ status: 200, body: injectorOf(ctx).snapshot() }),
  },
  {
    method: 'POST',
    path: '/faults',
    handle: async (ctx) => {
      const injector = injectorOf(ctx);
      const body = await ctx.body();
      try {
        injector.replace(body, 'body');
      } catch (error) {
        if (!(error instanceof CordformError)) throw error;
        throw new SandboxHttpError(400, { message: error.message, code: 50035 });
      }
      return { status: 200, body: injector.snapshot() };
    },
  },
  {
    // Garbage on the gateway: `{frame: "..."}` is sent verbatim to every identified connection.
    method: 'POST',
    path: '/gateway/raw',
    handle: async (ctx) => {
      const body = requireObject(await ctx.body());
      if (typeof body.frame !== 'string') throw new SandboxHttpError(400, { message: '`frame` must be a string', code: 50035 });
      return { status: 200, body: { sent: ctx.core.hub().sendRawFrame(body.frame) } };
    },
  },
  {
    method: 'DELETE',
    path: '/faults',
    handle: (ctx) => {
      injectorOf(ctx).clear();
      return { status: 204 };
    },
  },
];
