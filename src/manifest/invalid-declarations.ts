import type { ManifestIssue } from './issues.js';
import { joinPointer, parsePointer } from './source-map.js';

/**
 * The declarations that schema errors point into, as JSON pointers (`/discord`,
 * `/guilds/0`, `/guilds/0/webhooks/2`, `/guilds/1/commands/0`, …). Everything else in the
 * file is schema-valid, so it can still be normalized and checked — avatars, duplicates,
 * references — in the same run: a user sees every error at once instead of one layer per
 * run. An unknown key drops nothing (nothing reads it); an error at the top level drops
 * nothing either (version is not read), except a top level that is not a mapping.
 */
export class InvalidDeclarations {
  private readonly pointers = new Set<string>();

  constructor(schemaIssues: readonly ManifestIssue[]) {
    for (const item of schemaIssues) {
      if (item.severity !== 'error' || item.path === undefined || item.code === 'schema_unknown_key') continue;
      const pointer = declarationOf(parsePointer(item.path));
      if (pointer !== undefined) this.pointers.add(pointer);
    }
  }

  get any(): boolean {
    return this.pointers.size > 0;
  }

  /**
   * False for a dropped declaration and everything inside it: the pointer and each of its
   * ancestors is looked up once, so a file with thousands of errors stays linear.
   */
  includes(pointer: string): boolean {
    for (let at = pointer; ; at = at.slice(0, at.lastIndexOf('/'))) {
      if (this.pointers.has(at)) return false;
      if (!at.includes('/')) return true;
    }
  }
}

function declarationOf(segments: string[]): string | undefined {
  const [section, guild, list, item] = segments;
  if (section === 'discord' || section === 'runtime') return joinPointer('', section);
  if (section !== 'guilds') return undefined;
  if (guild === undefined) return '/guilds';
  if ((list === 'webhooks' || list === 'commands') && item !== undefined) return joinPointer('', 'guilds', guild, list, item);
  return joinPointer('', 'guilds', guild);
}
