import type { APIWebhook } from '../../discord/types.js';
import type { SandboxCore } from '../context.js';
import { toApiWebhook } from '../store/serialize.js';
import type { StoredWebhook } from '../store/webhook-store.js';

/** A webhook as the API answers it; `withUser` false on the token routes, where Discord omits `user`. */
export function viewWebhook(core: SandboxCore, webhook: StoredWebhook, withUser: boolean): APIWebhook {
  return toApiWebhook(webhook, core.state.world, core.httpUrl(), { withUser });
}
