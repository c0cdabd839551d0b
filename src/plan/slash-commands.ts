/**
 * Slash command sync: per declared guild, the declared `slash:` commands against
 * the application's live guild commands. When the canonical sets differ, ONE bulk overwrite
 * (`PUT /applications/{app}/guilds/{guild}/commands`) replaces them all; when they are
 * equal, nothing is planned.
 * https://discord.com/developers/docs/interactions/application-commands#bulk-overwrite-guild-application-commands
 */
import type { APIApplicationCommand } from '../discord/types.js';
import type { GuildDeclaration } from '../manifest/types.js';
import {
  canonicalCommandsFromDeclarations,
  canonicalCommandsFromLive,
  commandBody,
  commandKey,
  type CanonicalCommand,
} from './canonical-command.js';
import { diffFields } from './diff-fields.js';
import { sha256Json } from './hash.js';
import type { LiveGuild } from '../live/live-state.js';
import type { FieldDiffs, SyncCommandsChange, Warning } from './plan-types.js';

/**
 * What a sync's precondition records: apply re-reads the guild's commands and compares
 * `commandsFingerprint(live)` with `precondition.commands_sha256` before the PUT.
 */
export function commandsFingerprint(commands: readonly APIApplicationCommand[]): string {
  return sha256Json(canonicalCommandsFromLive(commands));
}

const COMMAND_FIELDS = ['type', 'description', 'options', 'default_member_permissions', 'nsfw'] as const;

export interface CommandSyncResult {
  change: SyncCommandsChange | null;
  warnings: Warning[];
}

export function planCommandSync(guild: GuildDeclaration, live: LiveGuild, applicationId: string): CommandSyncResult {
  const declared = canonicalCommandsFromDeclarations(guild.commands);
  if (live.commands === null) {
    if (declared.length === 0) return { change: null, warnings: [] };
    const message = `slash commands of guild ${guild.id} were not read; their sync is not part of this plan`;
    return { change: null, warnings: [{ code: 'commands_not_read', message, guildId: guild.id, location: guild.location }] };
  }
  const current = canonicalCommandsFromLive(live.commands);
  const diff = diffCommandSets(current, declared);
  if (Object.keys(diff.fields).length === 0) return { change: null, warnings: [] };
  return { change: syncChange(guild, applicationId, declared, current, diff), warnings: [] };
}

interface CommandSetDiff {
  fields: FieldDiffs;
  commands: SyncCommandsChange['commands'];
}

function diffCommandSets(current: CanonicalCommand[], declared: CanonicalCommand[]): CommandSetDiff {
  const before = new Map(current.map((c) => [commandKey(c), c]));
  const after = new Map(declared.map((c) => [commandKey(c), c]));
  const fields: FieldDiffs = {};
  const commands: CommandSetDiff['commands'] = { create: [], update: [], delete: [] };
  for (const [key, command] of after) {
    const old = before.get(key);
    if (old === undefined) {
      fields[key] = { from: null, to: command };
      commands.create.push(key);
      continue;
    }
    const changed = diffFields(old, command, COMMAND_FIELDS);
    for (const [field, diff] of Object.entries(changed)) fields[`${key}.${field}`] = diff;
    if (Object.keys(changed).length > 0) commands.update.push(key);
  }
  for (const [key, command] of before) {
    if (after.has(key)) continue;
    fields[key] = { from: command, to: null };
    commands.delete.push(key);
  }
  return { fields, commands };
}

function syncChange(
  guild: GuildDeclaration,
  applicationId: string,
  declared: CanonicalCommand[],
  current: CanonicalCommand[],
  diff: CommandSetDiff,
): SyncCommandsChange {
  return {
    action: 'sync_commands',
    key: `${guild.id}/commands`,
    guildId: guild.id,
    channelId: null,
    name: 'slash commands',
    ownership: 'managed',
    fields: diff.fields,
    commands: diff.commands,
    request: {
      method: 'PUT',
      path_template: '/applications/{application.id}/guilds/{guild.id}/commands',
      params: { 'application.id': applicationId, 'guild.id': guild.id },
      body: declared.map(commandBody),
    },
    precondition: { commands_sha256: sha256Json(current) },
    location: guild.location,
  };
}
