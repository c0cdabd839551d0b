import { mkdirSync, writeFileSync } from 'node:fs';
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
  return readManifestFiles([writeManifestFiles(dir, data)], dir, env);
}

/**
 * Writes a manifest as `files` YAML files in `dir/manifest/`, as a big fleet splits it (its
 * guilds shared out in order, `discord` in the first file), and returns that directory,
 * which `-f` takes as it is.
 */
export function writeManifestFiles(dir, data, files = 1) {
  const out = path.join(dir, 'manifest');
  mkdirSync(out, { recursive: true });
  const { guilds, ...settings } = data;
  const per = Math.ceil(guilds.length / files);
  for (let f = 0; f < files; f++) {
    const part = { ...(f === 0 ? settings : { version: settings.version }), guilds: guilds.slice(f * per, (f + 1) * per) };
    writeFileSync(path.join(out, `part-${String(f).padStart(3, '0')}.yaml`), stringify(part));
  }
  return out;
}

/** The built loader (`readManifest`), as `cordform plan -f PATH...` reads the manifest. */
export async function readManifestFiles(files, cwd, env = {}) {
  const { readManifest } = await dist('manifest/read-manifest.js');
  return readManifest({ files, cwd, env: { DISCORD_BOT_TOKEN: BOT_TOKEN, ...env } });
}

/**
 * A converged world for the plan benchmarks: `guilds` guilds with `perGuild` webhooks each,
 * created by the bot, 10 per channel (Discord allows 15 per channel and 1000 per guild), and
 * the manifest that declares exactly those webhooks.
 */
export function planWorld({ guilds: guildCount, perGuild }) {
  const channels = Math.ceil(perGuild / 10);
  if (channels > 100) throw new Error('planWorld: channelId() gives each guild 100 channel ids');
  const webhooks = [];
  const guilds = [];
  for (let g = 0; g < guildCount; g++) {
    const declared = [];
    for (let w = 0; w < perGuild; w++) {
      const channel = channelId(g, w % channels);
      const name = `hook-${w}`;
      webhooks.push({ id: webhookId(g * perGuild + w), channel_id: channel, name, creator_id: BOT_ID, token: `tok${g}x${w}` });
      declared.push({ name, channel });
    }
    guilds.push({ id: guildId(g), webhooks: declared });
  }
  return { seed: seedWorld({ guilds: guildCount, channels, webhooks }), manifest: { version: 1, discord: { token: '${DISCORD_BOT_TOKEN}' }, guilds } };
}
