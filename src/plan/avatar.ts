/**
 * Avatar honesty.
 *
 * Discord reports a webhook's avatar only as an image hash
 * (https://discord.com/developers/docs/reference#image-formatting) and does not document
 * how it derives that hash from the uploaded bytes. cordform therefore compares the MD5 of
 * the declared file with the live hash — which is exactly what `cordform sandbox` stores —
 * and plans a re-upload whenever they differ, saying so in the plan instead of claiming
 * "no change" on a guess:
 *
 * | declared | live hash     | plan                                           |
 * |----------|---------------|------------------------------------------------|
 * | none     | null          | no change                                      |
 * | none     | set           | update to null (removes the avatar)            |
 * | file     | null          | update (upload)                                |
 * | file     | = file's MD5  | no change                                      |
 * | file     | ≠ file's MD5  | update (re-upload) + a note explaining why     |
 * | keep     | anything      | no change (`avatar: keep`: never compared)     |
 *
 * Against Discord itself the hash may never equal the MD5, so an avatar may be re-uploaded
 * on every apply; that costs one PATCH and is visible, never silent.
 */
import type { AvatarDeclaration } from '../manifest/types.js';
import type { FieldDiff } from './plan-types.js';

/** What `fields.avatar.to` shows for a declared file: `md5:<hex> (<path>)`. */
export function avatarLabel(avatar: AvatarDeclaration | undefined): string | null {
  return avatar === undefined ? null : `md5:${avatar.md5.toLowerCase()} (${avatar.path})`;
}

/** The canonical value compared with Discord's hash: the file's MD5, lower-case hex. */
export function avatarFingerprint(avatar: AvatarDeclaration | undefined): string | null {
  return avatar === undefined ? null : avatar.md5.toLowerCase();
}

export const AVATAR_HASH_NOTE =
  "Discord does not document how it derives avatar hashes, so cordform compares the file's MD5 " +
  'with the live hash (what cordform sandbox stores) and re-uploads when they differ.';

/** The note applies only when a live hash exists and differs from the file's MD5. */
export function avatarNote(diff: FieldDiff | undefined): string | undefined {
  if (diff === undefined || diff.from === null || diff.to === null) return undefined;
  return AVATAR_HASH_NOTE;
}
