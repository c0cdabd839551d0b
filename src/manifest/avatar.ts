import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AvatarDeclaration } from './types.js';
import { describeFsError } from './source-files.js';

/** Discord's upload limit for webhook avatars. */
export const MAX_AVATAR_BYTES = 8 * 1024 * 1024;

export type AvatarResult = { ok: true; avatar: AvatarDeclaration } | { ok: false; code: string; message: string };

/**
 * Reads an avatar image relative to the manifest that names it. The type comes from the
 * file's magic bytes, not its extension: Discord accepts PNG, JPEG and GIF. The MD5 of the
 * bytes is what plan compares with a live webhook's avatar hash (see the avatar drift note
 * in the plan module); the data URI is what apply uploads.
 */
export async function readAvatar(written: string, manifestDir: string): Promise<AvatarResult> {
  const absolute = path.resolve(manifestDir, written);
  const shown = JSON.stringify(written);
  let size: number;
  try {
    const info = await stat(absolute);
    if (!info.isFile()) return { ok: false, code: 'avatar_not_found', message: `avatar ${shown} is not a file (${absolute})` };
    size = info.size;
  } catch (error) {
    return { ok: false, code: 'avatar_not_found', message: `avatar file ${shown} not found: ${describeFsError(error)} (looked for ${absolute}; avatar paths are relative to the manifest)` };
  }
  if (size > MAX_AVATAR_BYTES) {
    return { ok: false, code: 'avatar_too_large', message: `avatar ${shown} is ${size} bytes; Discord accepts at most ${MAX_AVATAR_BYTES} (8 MiB)` };
  }
  const bytes = await readFile(absolute);
  const mime = sniffImageType(bytes);
  if (!mime) {
    return { ok: false, code: 'avatar_unsupported', message: `avatar ${shown} is not a PNG, JPEG or GIF image (judged by its first bytes, not its name)` };
  }
  return {
    ok: true,
    avatar: {
      path: written,
      dataUri: `data:${mime};base64,${bytes.toString('base64')}`,
      md5: createHash('md5').update(bytes).digest('hex'),
    },
  };
}

/** PNG, JPEG or GIF by signature; anything else is undefined. */
export function sniffImageType(bytes: Uint8Array): 'image/png' | 'image/jpeg' | 'image/gif' | undefined {
  const starts = (signature: number[]) => signature.every((byte, i) => bytes[i] === byte);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x47, 0x49, 0x46, 0x38]) && (bytes[4] === 0x37 || bytes[4] === 0x39) && bytes[5] === 0x61) return 'image/gif';
  return undefined;
}
