#!/usr/bin/env node
// An HTTP_POST target written for CloudCord's contract, unchanged (see ../docs/runtime.md#http_post
// and the reply format in ../docs/manifest.md#replying-to-an-http_post-action). cordform POSTs the
// Discord message object with X-CloudCord-* headers; this server answers with an action object:
//   - `command:ping` (X-CloudCord-Emitter) → SEND_MESSAGE_TO_CHANNEL "Pong!"
//   - `command:deferred`                   → 204 at once; a moment later (a "job") it calls
//     back: POST {X-CloudCord-APIBase}/v1/actions with `Authorization: Bearer` and the
//     invocation's X-Cordform-Callback-Token, body SEND_MESSAGE_TO_CHANNEL "Done: ARGS"
//   - any other command                    → SEND_MESSAGE_TO_CHANNEL "Hello, <@AUTHOR_ID>!"
// in the channel the command was used in.
//
// Usage: node examples/http-post-server.mjs [PORT]   (or PORT=8787; 0 picks a free port)
// With WEBHOOK_SECRET set (the action's `signing_secret`), requests whose Standard Webhooks
// signature does not verify are answered 401. JOB_DELAY_MS (default 1000) is how long the
// deferred job takes.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? process.env.PORT ?? 8787);
const host = process.env.HOST ?? '127.0.0.1';
const secret = process.env.WEBHOOK_SECRET;
const MAX_BODY = 1024 * 1024;
const JOB_DELAY_MS = Number(process.env.JOB_DELAY_MS ?? 1000);

function verify(headers, body) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = String(headers['webhook-signature'] ?? '').split(' ');
  if (!id || !timestamp || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const key = secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret);
  const expected = Buffer.from(`v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`);
  return signatures.some((s) => Buffer.byteLength(s) === expected.length && timingSafeEqual(Buffer.from(s), expected));
}

// The deferred job: past the 5-second reply window, act through the runtime's callback
// endpoint with the token of this one invocation (valid 15 minutes, this guild and command).
async function finishLater(headers, message) {
  await new Promise((resolve) => setTimeout(resolve, JOB_DELAY_MS));
  const args = message.content.split(/\s+/).slice(1).join(' ');
  const response = await fetch(`${headers['x-cloudcord-apibase']}/v1/actions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${headers['x-cordform-callback-token']}`, 'content-type': 'application/json' },
    body: JSON.stringify({ action: 'SEND_MESSAGE_TO_CHANNEL', parameters: { channel_id: message.channel_id, message: `Done: ${args}` } }),
  });
  console.log(`deferred job for ${message.id} -> callback ${response.status} ${await response.text()}`);
}

function reply(message, emitter) {
  const text = emitter === 'command:ping' ? 'Pong!' : `Hello, <@${message.author.id}>!`;
  return { action: 'SEND_MESSAGE_TO_CHANNEL', parameters: { channel_id: message.channel_id, message: text } };
}

const server = createServer((req, res) => {
  if (req.method !== 'POST') {
    res.writeHead(405, { allow: 'POST' }).end();
    return;
  }
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size > MAX_BODY) req.destroy();
    else chunks.push(chunk);
  });
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    if (secret && !verify(req.headers, body)) {
      res.writeHead(401).end();
      return;
    }
    let message;
    try {
      message = JSON.parse(body);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const emitter = req.headers['x-cloudcord-emitter'];
    if (!message?.author?.id || !message.channel_id) {
      res.writeHead(204).end();
      return;
    }
    if (emitter === 'command:deferred' && req.headers['x-cordform-callback-token']) {
      res.writeHead(204).end();
      finishLater(req.headers, message).catch((error) => console.log(`deferred job for ${message.id} failed: ${error.message}`));
      return;
    }
    const action = reply(message, emitter);
    console.log(`${emitter} from ${message.author.id} in ${message.channel_id} -> ${action.parameters.message}`);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(action));
  });
});

server.listen(port, host, () => {
  const address = server.address();
  console.log(`http-post example server listening on http://${host}:${address.port}/`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
  });
}
