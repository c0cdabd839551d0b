import { randomBytes } from 'node:crypto';
import { open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Replacing a file so that a crash at any moment leaves either the old or the new content:
 * a temp file in the same directory (mode 0600, created exclusively), fsync, rename over the
 * target, fsync the directory. The sandbox's state files and `--urls-out` both write this way.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temp = tempPathFor(path);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  await syncDirectory(dirname(path));
}

/** A fresh temp file name beside `path` (`.NAME.PID.HEX.tmp`), as writeFileAtomic uses. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `${tempPrefix(path)}${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Removes the temp files a crash left in the middle of writeFileAtomic (`.NAME.PID.HEX.tmp`
 * next to `NAME`); returns how many it removed.
 */
export async function removeStrayTempFiles(path: string): Promise<number> {
  const prefix = tempPrefix(path);
  let names: string[];
  try {
    names = await readdir(dirname(path));
  } catch {
    return 0;
  }
  const stray = names.filter((name) => name.startsWith(prefix) && /^\d+\.[0-9a-f]+\.tmp$/.test(name.slice(prefix.length)));
  await Promise.all(stray.map((name) => unlink(join(dirname(path), name)).catch(() => {})));
  return stray.length;
}

const tempPrefix = (path: string) => `.${basename(path)}.`;

async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Directory fsync is not supported everywhere (e.g. Windows); the rename is still atomic.
  }
}
