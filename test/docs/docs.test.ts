import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadManifestSchema } from '../../src/manifest/manifest-schema.js';
import { validateReplyAction } from '../../src/runtime/reply-actions.js';
import { codeBlocks, headingAnchors, linkTargets, withoutCode } from './markdown.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const docs = readdirSync(join(root, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => `docs/${name}`);

describe('README.md is the front door', () => {
  it('is at most 12 KB', () => {
    expect(statSync(join(root, 'README.md')).size).toBeLessThanOrEqual(12 * 1024);
  });

  it('starts with the two commands: npm install, then npm run demo; and npm test', () => {
    const [first, second] = codeBlocks(read('README.md'));
    expect(first?.text.split('\n').map((line) => line.split('#')[0]!.trim())).toEqual(['npm install', 'npm run demo']);
    expect(second?.text.split('#')[0]!.trim()).toBe('npm test');
  });

  it('has the reference in docs/: manifest, plan and apply, runtime, CI, sandbox', () => {
    expect(docs).toEqual(expect.arrayContaining(['docs/manifest.md', 'docs/plan-and-apply.md', 'docs/runtime.md', 'docs/ci.md', 'docs/sandbox.md']));
    const links = linkTargets(read('README.md'));
    for (const doc of ['manifest', 'plan-and-apply', 'runtime', 'ci', 'sandbox']) expect(links).toContain(`docs/${doc}.md`);
  });

  it('lists every command in its table', () => {
    const table = withoutCode(read('README.md')).split('## Commands')[1]!.split('\n## ')[0]!;
    for (const command of ['validate', 'plan', 'apply', 'import', 'check', 'output', 'rotate', 'run', 'sandbox']) {
      expect(read('README.md').split('## Commands')[1]).toContain(`| \`cordform ${command}`);
    }
    expect(table).toContain('docs/plan-and-apply.md');
  });
});

describe('links', () => {
  /** Markdown files whose relative links must resolve, plus `../docs/…md#anchor` references in example comments. */
  const sources = ['README.md', ...docs, 'examples/import-walkthrough.md'];

  const check = (source: string, target: string): string | undefined => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto: …
    const [path, anchor] = target.split('#') as [string, string | undefined];
    const file = path === '' ? join(root, source) : resolve(dirname(join(root, source)), decodeURIComponent(path));
    if (!existsSync(file)) return `${source}: ${target} → no such file ${relative(root, file)}`;
    if (anchor === undefined || !file.endsWith('.md')) return undefined;
    if (!headingAnchors(readFileSync(file, 'utf8')).has(anchor)) return `${source}: ${target} → no heading #${anchor} in ${relative(root, file)}`;
    return undefined;
  };

  it('every relative link in README.md and docs/*.md resolves to a file, and its #anchor to a heading', () => {
    const broken = sources.flatMap((source) => linkTargets(read(source)).map((target) => check(source, target))).filter(Boolean);
    expect(broken).toEqual([]);
    expect(sources.flatMap((source) => linkTargets(read(source))).length).toBeGreaterThan(40);
  });

  it('the documentation references in examples/ resolve too', () => {
    const examples = readdirSync(join(root, 'examples')).filter((name) => /\.(mjs|ya?ml)$/.test(name));
    const broken = examples.flatMap((name) =>
      [...read(`examples/${name}`).matchAll(/(\.\.\/[\w./-]+\.md(?:#[\w-]+)?)/g)].map((match) => check(`examples/${name}`, match[1]!)),
    );
    expect(broken.filter(Boolean)).toEqual([]);
  });

  it('the anchor rules match GitHub for the headings this documentation uses', () => {
    const anchors = headingAnchors('## `discord` — Discord settings\n## Replying to an HTTP_POST action\n```sh\n# not a heading\n```\n## Retries\n## Retries\n');
    expect([...anchors]).toEqual(['discord--discord-settings', 'replying-to-an-http_post-action', 'retries', 'retries-1']);
  });
});

describe('docs/manifest.md', () => {
  const manifestDoc = read('docs/manifest.md');

  /** The section under the heading that ends with `title`, up to the next heading of its level or higher. */
  const section = (title: string): string | undefined => {
    const lines = manifestDoc.split('\n');
    const start = lines.findIndex((line) => /^#{2,6} /.test(line) && line.toLowerCase().endsWith(title.toLowerCase()));
    if (start < 0) return undefined;
    const level = /^#+/.exec(lines[start]!)![0].length;
    const end = lines.findIndex((line, i) => i > start && new RegExp(`^#{1,${level}} `).test(line));
    return lines.slice(start, end < 0 ? undefined : end).join('\n');
  };

  it('documents every key of schema/manifest.schema.json in the section of its object', () => {
    const missing: string[] = [];
    const visit = (node: unknown, pointer: string) => {
      if (node === null || typeof node !== 'object') return;
      const schema = node as { title?: string; type?: unknown; properties?: Record<string, unknown> };
      if (schema.type === 'object' && schema.properties && !pointer.includes('/if')) {
        // The embed's nested objects are documented in the Embed section; the root is "Top level".
        const title = pointer === '#' ? 'Top level' : pointer.startsWith('#/$defs/embed/') ? 'Embed' : schema.title!;
        const text = section(title);
        for (const key of Object.keys(schema.properties)) {
          if (!text?.includes(`\`${key}\``)) missing.push(`${pointer}: ${key} (section "${title}")`);
        }
      }
      for (const [key, child] of Object.entries(node)) visit(child, `${pointer}/${key}`);
    };
    visit(loadManifestSchema(), '#');
    expect(missing).toEqual([]);
  });

  it('shows the HTTP_POST reply format next to the actions, and the example reply is valid', () => {
    const reply = section('Replying to an HTTP_POST action')!;
    expect(section('Actions')).toContain(reply);
    const json = codeBlocks(reply).filter((block) => block.lang === 'json');
    expect(json.length).toBeGreaterThan(0);
    for (const block of json) expect(validateReplyAction(JSON.parse(block.text))).toMatchObject({ ok: true });
    for (const action of ['SEND_MESSAGE_TO_CHANNEL', 'SEND_EMBED_TO_CHANNEL', 'EXECUTE_WEBHOOK', 'THIRD_PARTY_MESSAGE']) {
      expect(reply).toContain(`| \`${action}\``);
    }
  });

  it('the example target works: it answers a payload with a valid action for the payload\'s channel', async () => {
    const js = codeBlocks(section('Replying to an HTTP_POST action')!).find((block) => block.lang === 'js')!;
    const dir = await mkdtemp(join(tmpdir(), 'cordform-reply-'));
    // Port 0 instead of 8787, and the chosen port printed, so the test can reach it.
    const source = js.text.replace(/^createServer\(/m, 'const server = createServer(').replace(".listen(8787, '127.0.0.1');", ".listen(0, '127.0.0.1', () => console.log(server.address().port));");
    expect(source).toContain('server.address()');
    await writeFile(join(dir, 'reply-server.mjs'), source);
    const child = spawn(process.execPath, [join(dir, 'reply-server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const port = await new Promise<string>((done) => child.stdout.once('data', (chunk: Buffer) => done(chunk.toString().trim())));
      const response = await fetch(`http://127.0.0.1:${port}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-cloudcord-emitter': 'command:ping' },
        body: JSON.stringify({ id: '1', channel_id: '100000000000000002', guild_id: '100000000000000001', content: '>ping', author: { id: '100000000000000020' } }),
      });
      expect(response.status).toBe(200);
      const answer = validateReplyAction(await response.json());
      expect(answer).toMatchObject({ ok: true, reply: { action: 'SEND_MESSAGE_TO_CHANNEL', parameters: { channel_id: '100000000000000002' } } });
    } finally {
      child.kill();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
