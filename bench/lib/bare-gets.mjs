import { Agent, request } from 'undici';
import { BOT_TOKEN } from './world.mjs';

/**
 * The reads computePlan makes, with nothing else: `GET /users/@me` and one
 * `GET /guilds/{id}/webhooks` per guild, all at once, over plain undici with the client's
 * Agent settings (50 connections), each body parsed as JSON and dropped.
 */
export async function bareGets(apiBase, ids) {
  const dispatcher = new Agent({ connections: 50, keepAliveTimeout: 10_000 });
  const headers = { authorization: `Bot ${BOT_TOKEN}` };
  const get = async (path) => {
    const res = await request(`${apiBase}${path}`, { dispatcher, headers });
    if (res.statusCode !== 200) throw new Error(`GET ${path}: ${res.statusCode}`);
    return res.body.json();
  };
  try {
    await Promise.all([get('/users/@me'), ...ids.map((id) => get(`/guilds/${id}/webhooks`))]);
    return ids.length + 1;
  } finally {
    await dispatcher.close();
  }
}
