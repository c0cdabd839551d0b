#!/usr/bin/env node
// An HTTP_POST target written for CloudCord's contract, unchanged (see ../docs/runtime.md#http_post
// and the reply format in ../docs/manifest.md#replying-to-an-http_post-action). cordform POSTs the
// Discord message object with X-CloudCord-* headers; this server answers with an action object:
//   - `command:ping` (X-CloudCord-Emitter) → SEND_MESSAGE_TO_CHANNEL "Pong!"
//   - any other command                    → SEND_MESSAGE_TO_CHANNEL "Hello, <@AUTHOR_ID>!"
// in the channel the command was used in.
//
// Usage: node examples/http-post-server.mjs [PORT]   (or PORT=8787; 0 picks a free port)
// With WEBHOOK_SECRET set (the action's `signing_secret`), requests whose Standard Webhooks
// signature does not verify are answered 401.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? process.env.PORT ?? 8787);
const host = process.env.HOST ?? '127.0.0.1';
const secret = process.env.WEBHOOK_SECRET;
const MAX_BODY = 1024 * 1024;

function verify(headers, body) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = String(headers['webhook-signature'] ?? '').split(' ');
  if (!id || !timestamp || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const key = secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret);
  const expected = Buffer.from(`v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`);
  return signatures.some((s) => Buffer.byteLength(s) === expected.length && timingSafeEqual(Buffer.from(s), expected));
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
