#!/usr/bin/env node
// `npm run demo`: the whole loop against the embedded sandbox, as a user would run it —
// plan, apply, plan again (no changes), then `cordform run` answering ">ping" through the
// example HTTP_POST server. No Discord account needed; everything listens on 127.0.0.1.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSandbox } from '../dist/sandbox/server.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = fileURLToPath(new URL('../bin/cordform', import.meta.url));
const manifest = 'examples/demo.yaml';
const GENERAL = '100000000000000002';

const children = new Set();
const sandbox = await startSandbox({ port: 0 });
const hook = await startChild(process.execPath, ['examples/http-post-server.mjs', '0'], /listening on (http:\/\/[^/\s]+)/);
const env = {
  ...process.env,
  CORDFORM_API_BASE: sandbox.apiBase,
  DISCORD_BOT_TOKEN: 'sandbox-bot-token',
  CORDFORM_DEMO_HOOK_URL: hook.match[1],
  CI: 'true',
};

try {
  step(`sandbox at ${sandbox.url}, example HTTP_POST server at ${hook.match[1]}`);
  step('cordform plan'), await cordform(['plan', '-f', manifest], [0]);
  step('cordform apply --auto-approve'), await cordform(['apply', '-f', manifest, '--auto-approve'], [0]);
  step('cordform plan --detailed-exitcode (converged: exit 0)'), await cordform(['plan', '-f', manifest, '--detailed-exitcode'], [0]);

  step('cordform run (gateway + HTTP_POST actions)');
  const runtime = await startChild(cli, ['run', '-f', manifest, '--port', '0'], /"msg":"runtime started"/, env);
  await postAsUser('>ping');
  const pong = await waitForBotMessage('Pong!');
  step(`the bot answered in #general: "${pong.content}"`);
  await postAsUser('>hello');
  const hello = await waitForBotMessage('Hello, ');
  step(`the bot answered in #general: "${hello.content}"`);
  const viaWebhook = await waitForMessage((m) => m.webhook_id && m.content.includes('said hello'), 'the Announcements webhook');
  step(`and the managed "Announcements" webhook posted: "${viaWebhook.content}"`);
  runtime.child.kill('SIGTERM');
  step('demo complete: plan → apply → converged → the runtime answered >ping and >hello');
} catch (error) {
  console.error(`demo failed: ${error.message}`);
  process.exitCode = 1;
} finally {
  for (const child of children) child.kill('SIGTERM');
  await sandbox.close();
}

function step(text) {
  console.log(`\n\u25b6 ${text}`);
}

async function cordform(args, okCodes) {
  const child = spawn(cli, args, { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
  const code = await new Promise((resolve) => child.on('exit', resolve));
  if (!okCodes.includes(code)) throw new Error(`cordform ${args.join(' ')} exited ${code}`);
}

/** Starts a long-running process and resolves once a line of its output matches `ready`. */
function startChild(command, args, ready, childEnv = process.env) {
  const child = spawn(command, args, { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${args[0]} did not become ready:\n${seen}`)), 15_000);
    const onData = (chunk) => {
      seen += chunk;
      const match = seen.match(ready);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${args[0]} exited ${code}:\n${seen}`)));
  });
}

async function postAsUser(content) {
  step(`a user posts "${content}" in #general`);
  const response = await fetch(`${sandbox.url}/__sandbox/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ channel_id: GENERAL, author_id: '100000000000000020', content }),
  });
  if (!response.ok) throw new Error(`posting failed: ${response.status} ${await response.text()}`);
}

function waitForBotMessage(prefix) {
  return waitForMessage((m) => m.author?.id === '100000000000000010' && m.content.startsWith(prefix), `the bot's "${prefix}…"`);
}

async function waitForMessage(predicate, what) {
  for (let i = 0; i < 100; i++) {
    const response = await fetch(`${sandbox.url}/__sandbox/channels/${GENERAL}/messages`);
    const found = (await response.json()).find(predicate);
    if (found) return found;
    await sleep(100);
  }
  throw new Error(`no message from ${what} in #general within 10 s`);
}
