import type { APIGuildMember, APIMessage } from '../discord/types.js';
import type { CommandDeclaration, GuildDeclaration } from '../manifest/types.js';
import { PERMISSION_BITS, permissionBits } from './permissions.js';

const ADMINISTRATOR = PERMISSION_BITS.ADMINISTRATOR ?? 1n << 3n;

/**
 * Message commands, CloudCord style: in a guild with `prefix: ">"`, a message whose first
 * word is `>ping` triggers the command `ping`; the rest of the message is `args`.
 * Pure functions: the runtime supplies the facts (member permissions, channel NSFW flag)
 * that inhibitors need.
 */

/** A MESSAGE_CREATE dispatch's `d`: the message object plus guild_id and member. */
export type GatewayMessage = APIMessage & { guild_id?: string; member?: APIGuildMember };

export interface Invocation {
  /** The command name as typed, lower-cased. */
  name: string;
  /** Everything after the command word, leading whitespace removed. */
  args: string;
}

export interface CommandMatch extends Invocation {
  guild: GuildDeclaration;
  command: CommandDeclaration;
}

/** `>ping a b` with prefix `>` → {name: 'ping', args: 'a b'}; null when it is not a command. */
export function parseInvocation(content: string, prefix: string): Invocation | null {
  if (prefix === '' || !content.startsWith(prefix)) return null;
  const rest = content.slice(prefix.length);
  const match = /^(\S+)(?:\s+([\s\S]*))?$/.exec(rest);
  if (!match || match[1] === undefined) return null;
  return { name: match[1].toLowerCase(), args: match[2] ?? '' };
}

/** Why a message is not routed to any command (for debug logs and the events metric). */
type IgnoreReason = 'bot' | 'self' | 'webhook' | 'empty' | 'dm' | 'unknown_guild' | 'no_command';

export type RouteResult = { matched: true; match: CommandMatch } | { matched: false; reason: IgnoreReason };

/** Finds the command a message triggers. Bots (including this bot) and webhooks are ignored. */
export function routeMessage(
  message: GatewayMessage,
  guilds: readonly GuildDeclaration[],
  botUserId: string,
): RouteResult {
  if (message.author.id === botUserId) return { matched: false, reason: 'self' };
  if (message.author.bot === true) return { matched: false, reason: 'bot' };
  if (message.webhook_id !== undefined && message.webhook_id !== null) return { matched: false, reason: 'webhook' };
  if (typeof message.content !== 'string' || message.content.trim() === '') return { matched: false, reason: 'empty' };
  if (message.guild_id === undefined) return { matched: false, reason: 'dm' };
  const guild = guilds.find((g) => g.id === message.guild_id);
  if (!guild) return { matched: false, reason: 'unknown_guild' };
  const invocation = parseInvocation(message.content, guild.prefix);
  if (!invocation) return { matched: false, reason: 'no_command' };
  const command = guild.commands.find((c) => c.prefix && c.name.toLowerCase() === invocation.name);
  if (!command) return { matched: false, reason: 'no_command' };
  return { matched: true, match: { ...invocation, guild, command } };
}

/** What the inhibitors need to know; `null` means unknown, and unknown fails closed. */
export interface InhibitorFacts {
  channelId: string;
  roles: readonly string[];
  permissions: bigint | null;
  nsfw: boolean | null;
}

type Inhibitor = 'permissions' | 'roles' | 'channels' | 'nsfw';

export type InhibitorResult = { allowed: true } | { allowed: false; inhibitor: Inhibitor };

export function checkInhibitors(command: CommandDeclaration, facts: InhibitorFacts): InhibitorResult {
  const { inhibitors } = command;
  if (inhibitors.channels.length > 0 && !inhibitors.channels.includes(facts.channelId)) {
    return { allowed: false, inhibitor: 'channels' };
  }
  if (inhibitors.roles.length > 0 && !inhibitors.roles.some((role) => facts.roles.includes(role))) {
    return { allowed: false, inhibitor: 'roles' };
  }
  if (inhibitors.nsfw && facts.nsfw !== true) return { allowed: false, inhibitor: 'nsfw' };
  if (inhibitors.permissions.length > 0) {
    const required = permissionBits(inhibitors.permissions);
    const held = facts.permissions;
    const satisfied = held !== null && ((held & ADMINISTRATOR) !== 0n || (held & (required ?? 0n)) === required);
    if (required === null || !satisfied) {
      return { allowed: false, inhibitor: 'permissions' };
    }
  }
  return { allowed: true };
}
