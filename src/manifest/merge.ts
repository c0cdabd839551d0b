import { formatLocation, type SourceLocation } from '../errors.js';
import { issue, type ManifestIssue } from './issues.js';
import type { LocatedSetting, NormalizedFile } from './normalize.js';
import type { DiscordSettings, GuildDeclaration, Manifest, RuntimeSettings } from './types.js';

/**
 * Merges the files given with `-f` (or found in a directory) into one manifest.
 *
 * The rule, kept simple enough to predict:
 * - `discord` and `runtime` settings merge key by key; the same key in two files must have
 *   the same value, otherwise it is a conflict naming both places. `discord.token` must be
 *   set in exactly one place or agree everywhere.
 * - A guild belongs to exactly one file: the same guild id in two files (or twice in one)
 *   is an error naming both places — no deep merge of webhook lists, so what a file
 *   declares for a guild is the whole truth for that guild.
 */
export function mergeFiles(files: NormalizedFile[], options: { settingsUnknown: boolean }): { manifest: Manifest; issues: ManifestIssue[] } {
  const issues: ManifestIssue[] = [];
  const discord = mergeSettings<DiscordSettings>('discord', files.map((file) => file.discord), issues);
  const runtime = mergeSettings<RuntimeSettings>('runtime', files.map((file) => file.runtime), issues);
  const guilds = mergeGuilds(files.flatMap((file) => file.guilds), issues);
  // With a file unread or a `discord` section left out for its errors, the token may well be there.
  if (discord.token === undefined && !options.settingsUnknown) {
    const first = files[0];
    issues.push(
      issue('discord_token_missing', 'no manifest file declares `discord.token`; add `discord:\\n  token: ${DISCORD_BOT_TOKEN}`', first ? { file: first.displayPath, line: 1, column: 1 } : undefined),
    );
  }
  // Without a token there is an error above (or in the partial file), so this manifest is only checked, never used.
  const manifest: Manifest = {
    version: 1,
    files: files.map((file) => file.absolutePath),
    discord: { ...discord, token: discord.token ?? '' },
    runtime: { ...runtime, blockPrivateAddresses: runtime.blockPrivateAddresses ?? false },
    guilds,
  };
  return { manifest, issues };
}

function mergeSettings<T extends object>(
  section: string,
  parts: { [K in keyof T]?: LocatedSetting<T[K]> }[],
  issues: ManifestIssue[],
): Partial<T> {
  const merged: { [K in keyof T]?: LocatedSetting<T[K]> } = {};
  for (const part of parts) {
    for (const key of Object.keys(part) as (keyof T)[]) {
      const setting = part[key];
      if (!setting) continue;
      const existing = merged[key];
      if (!existing) {
        merged[key] = setting;
      } else if (existing.value !== setting.value) {
        issues.push(
          issue('setting_conflict', `${section}.${snakeCase(String(key))} is set to a different value in ${formatLocation(existing.location)}; a setting may differ in only one file`, setting.location),
        );
      }
    }
  }
  const values: Partial<T> = {};
  for (const key of Object.keys(merged) as (keyof T)[]) values[key] = merged[key]!.value;
  return values;
}

function mergeGuilds(guilds: GuildDeclaration[], issues: ManifestIssue[]): GuildDeclaration[] {
  const seen = new Map<string, SourceLocation>();
  const merged: GuildDeclaration[] = [];
  for (const guild of guilds) {
    const first = seen.get(guild.id);
    if (first) {
      issues.push(
        issue('guild_duplicate', `guild ${guild.id} is already declared at ${formatLocation(first)}; declare each guild once (one file owns a guild)`, guild.location),
      );
      continue;
    }
    seen.set(guild.id, guild.location);
    merged.push(guild);
  }
  return merged;
}

function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
