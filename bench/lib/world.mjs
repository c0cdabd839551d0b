import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { dist } from './paths.mjs';

/** Ids and the seed/manifest builders shared by the benchmarks. */
export const BOT_ID = '100000000000000010';
export const BOT_TOKEN = 'sandbox-bot-token';
export const HUMAN_ID = '100000000000000020';

export const guildId = (g) => `3${String(g).padStart(17, '0')}`;
export const channelId = (g, c) => `4${String(g * 100 + c).padStart(17, '0')}`;
export const webhookId = (n) => `5${String(n).padStart(17, '0')}`;

/** A seed with `guilds` guilds of `channels` text channels each; the bot and one human are members. */
export function seedWorld({ guilds, channels, webhooks = [] }) {
  return {
    bots: [{ id: BOT_ID, username: 'cordform-bench', token: BOT_TOKEN, message_content: true }],
    users: [{ id: HUMAN_ID, username: 'bench-user' }],
    guilds: Array.from({ length: guilds }, (_, g) => ({
      id: guildId(g),
      name: `Bench ${g}`,
      owner_id: HUMAN_ID,
      channels: Array.from({ length: channels }, (_, c) => ({ id: channelId(g, c), name: `channel-${c}`, type: 0, position: c })),
    })),
    webhooks,
  };
}

/** Writes a manifest (YAML, as a user would) and loads it with the built loader. */
export async function writeAndReadManifest(dir, data, env = {}) {
  const file = path.join(dir, 'cordform.yaml');
  writeFileSync(file, stringify(data));
  const { readManifest } = await dist('manifest/read-manifest.js');
  return readManifest({ files: [file], cwd: dir, env: { DISCORD_BOT_TOKEN: BOT_TOKEN, ...env } });
}
