import type { InputIssue } from '../input/input-issues.js';
import type { PersistedState } from './state.js';

type Path = Array<string | number>;

/**
 * What the state schema cannot check, on a snapshot that matches it: ids are unique per
 * kind, and webhooks, messages, threads, reactions and commands point at channels, guilds and
 * messages that exist (the seed's, or threads of the snapshot).
 */
export function checkStateReferences(state: PersistedState): InputIssue[] {
  const issues: InputIssue[] = [];
  const fail = (path: Path, message: string) => void issues.push({ path, message });
  const unique = uniqueIds(fail);

  const channelGuild = new Map<string, string>();
  const guilds = new Set<string>();
  for (const guild of state.seed.guilds) {
    guilds.add(guild.id);
    for (const channel of guild.channels) channelGuild.set(channel.id, guild.id);
  }
  const seededChannels = new Set(channelGuild.keys());

  (state.threads ?? []).forEach((thread, i) => {
    unique('thread', thread.id, ['threads', i]);
    if (!seededChannels.has(thread.parent_id)) fail(['threads', i, 'parent_id'], `unknown channel ${thread.parent_id}`);
    else if (channelGuild.get(thread.parent_id) !== thread.guild_id) fail(['threads', i, 'guild_id'], `channel ${thread.parent_id} is not in guild ${thread.guild_id}`);
    channelGuild.set(thread.id, thread.guild_id);
  });

  state.webhooks.forEach((webhook, i) => {
    unique('webhook', webhook.id, ['webhooks', i]);
    if (!seededChannels.has(webhook.channel_id)) fail(['webhooks', i, 'channel_id'], `unknown channel ${webhook.channel_id}`);
    else if (channelGuild.get(webhook.channel_id) !== webhook.guild_id) {
      fail(['webhooks', i, 'guild_id'], `channel ${webhook.channel_id} is not in guild ${webhook.guild_id}`);
    }
  });

  const messages = new Set<string>();
  for (const [channelId, list] of Object.entries(state.messages)) {
    if (!channelGuild.has(channelId)) fail(['messages', channelId], `unknown channel ${channelId}`);
    list.forEach((message, i) => {
      unique('message', message.id, ['messages', channelId, i]);
      messages.add(message.id);
      if (message.channel_id !== channelId) fail(['messages', channelId, i, 'channel_id'], `is ${message.channel_id}, but the message is listed under channel ${channelId}`);
    });
  }

  (state.reactions ?? []).forEach((entry, i) => {
    unique('reactions', entry.message_id, ['reactions', i], 'message_id');
    if (!messages.has(entry.message_id)) fail(['reactions', i, 'message_id'], `unknown message ${entry.message_id}`);
  });
  state.audit_log.forEach((entry, i) => unique('audit log entry', entry.id, ['audit_log', i]));
  (state.commands ?? []).forEach((command, i) => {
    unique('command', command.id, ['commands', i]);
    if (!guilds.has(command.guild_id)) fail(['commands', i, 'guild_id'], `unknown guild ${command.guild_id}`);
  });
  return issues;
}

/** Reports a second use of an id within one kind, naming where it was first used. */
function uniqueIds(fail: (path: Path, message: string) => void) {
  const seen = new Map<string, string>();
  return (kind: string, id: string, path: Path, key = 'id') => {
    const first = seen.get(`${kind}:${id}`);
    const here = path.join('.');
    if (first) fail([...path, key], `duplicate ${kind} id ${id} (also ${first})`);
    else seen.set(`${kind}:${id}`, here);
  };
}
