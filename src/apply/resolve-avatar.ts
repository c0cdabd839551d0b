import { CordformError } from '../errors.js';
import type { Manifest } from '../manifest/types.js';
import type { AvatarReference } from '../plan/plan-types.js';

/**
 * Plans never carry avatar data URIs (they would bloat plan files and PR comments); they
 * reference the manifest path and MD5. Apply takes the bytes from the loaded manifest and
 * refuses when the file changed since the plan was computed.
 */
function resolveAvatar(manifest: Manifest, reference: AvatarReference): string {
  for (const guild of manifest.guilds) {
    for (const webhook of guild.webhooks) {
      if (webhook.avatar?.path !== reference.path) continue;
      if (webhook.avatar.md5 !== reference.md5) {
        throw new CordformError(
          'avatar_changed',
          `avatar ${reference.path} changed since the plan was computed (md5 ${webhook.avatar.md5}, plan expected ${reference.md5}); run plan again`,
        );
      }
      return webhook.avatar.dataUri;
    }
  }
  throw new CordformError('avatar_missing', `avatar ${reference.path} is not declared in the manifest`);
}

/** Turns a plan body's avatar field into what Discord's API takes. */
export function avatarForRequest(
  manifest: Manifest,
  avatar: AvatarReference | null | undefined,
): string | null | undefined {
  if (avatar === undefined) return undefined;
  if (avatar === null) return null;
  return resolveAvatar(manifest, avatar);
}
