import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cutMarkdown } from '../../src/action/cut-markdown.mjs';
import { manifestSetId, parseCommandLine, readInput, readInputs } from '../../src/action/context.mjs';
import { createGitHubApi, nextLink } from '../../src/action/github-api.mjs';
import { countsLine, countsOf, summaryMarkdown } from '../../src/action/plan-report.mjs';
import { issueAnnotations } from '../../src/action/manifest-issues.mjs';
import { cordformEnv } from '../../src/action/run-cordform.mjs';
import { parsePlanMarker, planMarker } from '../../src/action/sticky-comment.mjs';
import { annotation, writeOutputs } from '../../src/action/workflow-commands.mjs';
import { parseOutputFile } from '../support/action-harness.js';

const NOTE = '> [!NOTE]\n> cut here';

/** Re-reads Markdown the way cutMarkdown tracks it: is every fence and <details> closed? */
function openBlocks(markdown: string): { fence: boolean; details: number } {
  let fence: string | null = null;
  let details = 0;
  for (const line of markdown.split('\n')) {
    const mark = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (fence) {
      if (mark && mark[1]![0] === fence[0] && mark[1]!.length >= fence.length && mark[2]!.trim() === '') fence = null;
      continue;
    }
    if (mark) {
      fence = mark[1]!;
      continue;
    }
    details = Math.max(0, details + (line.match(/<details[\s>]/g) ?? []).length - (line.match(/<\/details>/g) ?? []).length);
  }
  return { fence: fence !== null, details };
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('cutMarkdown', () => {
  it('leaves text that fits alone', () => {
    expect(cutMarkdown('# hi\n', 100, { note: NOTE })).toEqual({ text: '# hi\n', cut: false });
  });

  it('closes a code fence open at the cut with its own marker, then the <details> around it', () => {
    const body = Array.from({ length: 50 }, (_, i) => `+ line ${i}`).join('\n');
    const markdown = `<details><summary>x</summary>\n\n\`\`\`\`diff\n${body}\n\`\`\`\`\n\n</details>\n`;
    const { text, cut } = cutMarkdown(markdown, 300, { note: NOTE });
    expect(cut).toBe(true);
    expect(text.length).toBeLessThanOrEqual(300);
    expect(text).toMatch(/\+ line \d+\n````\n<\/details>\n\n> \[!NOTE\]\n> cut here\n$/);
    expect(openBlocks(text)).toEqual({ fence: false, details: 0 });
  });

  it('a ``` line inside a ```` fence does not close it; ~~~ fences are tracked too', () => {
    const markdown = `\`\`\`\`md\n\`\`\`\n${'text\n'.repeat(40)}\`\`\`\`\n~~~\n${'more\n'.repeat(40)}~~~\n`;
    for (const budget of [60, 200, 300]) {
      const { text } = cutMarkdown(markdown, budget, { note: NOTE });
      expect(text.length).toBeLessThanOrEqual(budget);
      expect(openBlocks(text).fence).toBe(false);
    }
  });

  it('measured in bytes, never splits a multi-byte character', () => {
    const markdown = `${'🚀 日本語 ✏️ Wébhook\n'.repeat(100)}`;
    const measure = (s: string) => Buffer.byteLength(s);
    const { text } = cutMarkdown(markdown, 500, { note: NOTE, measure });
    expect(measure(text)).toBeLessThanOrEqual(500);
    expect(text).not.toMatch(LONE_SURROGATE);
    expect(text.startsWith('🚀 日本語 ✏️ Wébhook\n')).toBe(true);
  });

  it('one line longer than the budget is cut on a code point, never inside a tag or an entity', () => {
    const line = `${'🚀'.repeat(30)} <code>a &amp; b</code>`;
    for (let budget = 20; budget < 120; budget++) {
      const { text } = cutMarkdown(line, budget, { note: 'cut' });
      expect(text.length).toBeLessThanOrEqual(budget);
      expect(text).not.toMatch(LONE_SURROGATE);
      const cutLine = text.split('\n')[0]!;
      expect(cutLine).not.toMatch(/<[^>]*$/);
      expect(cutLine).not.toMatch(/&[#\w]*$/);
    }
  });

  it('a job summary is cut under 1 MiB, measured in bytes', () => {
    const body = `${'| 🚀 日本語 | row |\n'.repeat(60_000)}`;
    const summary = summaryMarkdown('## cordform plan\n\n', body);
    expect(Buffer.byteLength(body)).toBeGreaterThan(1_100_000);
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(1_000_000);
    expect(summary).toContain('a job summary holds at most 1 MiB');
  });

  it('property: any Markdown from fences, <details>, emoji and text lines is cut within budget and leaves nothing open', () => {
    const piece = fc.constantFrom('```diff', '```', '````', '~~~', '<details><summary>s</summary>', '</details>', '', '🚀 日本語', '| a | b |', 'plain text line', '<code>x</code> &amp;');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 80 }), fc.integer({ min: 40, max: 400 }), (pieces, budget) => {
        // Input that is itself balanced, as cordform's is.
        const balanced = pieces.join('\n');
        const open = openBlocks(balanced);
        const markdown = balanced + (open.fence ? '\n```````' : '') + '\n</details>'.repeat(Math.max(0, open.details));
        const { text } = cutMarkdown(markdown, budget, { note: 'cut' });
        if (markdown.length <= budget) return void expect(text).toBe(markdown);
        expect(text.length).toBeLessThanOrEqual(budget);
        expect(openBlocks(text)).toEqual({ fence: false, details: 0 });
        expect(text).not.toMatch(LONE_SURROGATE);
      }),
    );
  });
});

describe('inputs and context', () => {
  it('reads INPUT_<NAME> the way the runner sets it: upper-cased, hyphens kept, spaces as underscores', () => {
    const env = { 'INPUT_CORDFORM-COMMAND': ' node ./bin/cordform ', INPUT_MY_INPUT: 'x', INPUT_CORDFORM_COMMAND: 'wrong' };
    expect(readInput(env, 'cordform-command')).toBe('node ./bin/cordform');
    expect(readInput(env, 'my input')).toBe('x');
    expect(readInput(env, 'absent')).toBe('');
  });

  it('manifest is newline-separated; bad choices are errors that name the input', () => {
    const inputs = readInputs({ INPUT_MODE: 'check', INPUT_MANIFEST: 'a.yaml\n\n  guilds/\r\n', INPUT_COMMENT: 'off' });
    expect(inputs).toMatchObject({ mode: 'check', manifests: ['a.yaml', 'guilds/'], comment: 'off', command: ['npx', '--no-install', 'cordform'] });
    expect(() => readInputs({ INPUT_MODE: 'destroy' })).toThrow('input mode must be one of plan, apply, check; got "destroy"');
    expect(() => readInputs({ INPUT_COMMENT: 'sticky' })).toThrow('input comment must be one of update, new, off');
    expect(manifestSetId(['a.yaml'])).toMatch(/^[0-9a-f]{12}$/);
    expect(manifestSetId(['a.yaml'])).not.toBe(manifestSetId(['b.yaml']));
  });

  it('cordform-command is split into words, quotes kept together, and run without a shell', () => {
    expect(parseCommandLine(`"/opt/my node/node" '/x y/bin/cordform' --flag`)).toEqual(['/opt/my node/node', '/x y/bin/cordform', '--flag']);
  });

  it("cordform does not get the action's inputs (the token), the runner's runtime tokens or GITHUB_ACTIONS", () => {
    const env = cordformEnv({
      'INPUT_GITHUB-TOKEN': 'ghs_x',
      ACTIONS_RUNTIME_TOKEN: 'r',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'i',
      GITHUB_ACTIONS: 'true',
      DISCORD_BOT_TOKEN: 'bot',
      GITHUB_SHA: 'abc',
    });
    expect(env).toEqual({ DISCORD_BOT_TOKEN: 'bot', GITHUB_SHA: 'abc', CI: 'true', NO_COLOR: '1' });
  });
});

describe('workflow commands and files', () => {
  it('outputs use the heredoc syntax with a random delimiter, safe for multi-line values', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cordform-output-'));
    try {
      const file = join(dir, 'out');
      await writeOutputs(file, { changes: 'true', plan: 'line 1\nEOF\nline 3' });
      const text = await readFile(file, 'utf8');
      expect(text).toMatch(/^changes<<ghadelimiter_[0-9a-f-]{36}\ntrue\nghadelimiter_[0-9a-f-]{36}\n/);
      expect(parseOutputFile(text)).toEqual({ changes: 'true', plan: 'line 1\nEOF\nline 3' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('annotations escape data and properties', () => {
    expect(annotation('error', '50% done\nnext', { location: { file: 'a,b:c.yaml', line: 3, column: 4 }, title: 'cordform x' })).toBe(
      '::error file=a%2Cb%3Ac.yaml,line=3,col=4,title=cordform x::50%25 done%0Anext',
    );
  });

  it('at most 10 annotations per kind, a notice counting the rest, files relative to the workspace', () => {
    const issue = (severity: 'error' | 'warning', i: number) => ({
      code: 'c',
      message: `m${i}`,
      severity,
      location: { file: `/work/repo/config/cordform.yaml`, line: i + 1, column: 1 },
    });
    const issues = [...Array.from({ length: 14 }, (_, i) => issue('error', i)), ...Array.from({ length: 11 }, (_, i) => issue('warning', i))];
    const out = issueAnnotations(issues, { cwd: '/work/repo', workspace: '/work/repo' });
    expect(out.filter((a) => a.kind === 'error')).toHaveLength(10);
    expect(out.filter((a) => a.kind === 'warning')).toHaveLength(10);
    expect(out.at(-1)).toEqual({ kind: 'notice', message: expect.stringContaining('4 more errors and 1 more warning not annotated') });
    expect(out[0]!.location).toEqual({ file: 'config/cordform.yaml', line: 1, column: 1 });
  });
});

describe('GitHub REST pieces', () => {
  it('pages through Link rel="next" on the API origin only: the token is never sent elsewhere', async () => {
    const seen: { server: string; auth: string | undefined; url: string }[] = [];
    const listen = async (name: string, handler: (url: string) => { body: unknown; link?: string }) => {
      const server = createServer((req, res) => {
        seen.push({ server: name, auth: req.headers.authorization, url: req.url ?? '' });
        const { body, link } = handler(req.url ?? '');
        res.writeHead(200, { 'content-type': 'application/json', ...(link ? { link } : {}) });
        res.end(JSON.stringify(body));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
    };
    const elsewhere = await listen('elsewhere', () => ({ body: [{ id: 99 }] }));
    const api = await listen('api', (url) =>
      url.includes('page=2')
        ? { body: [{ id: 2 }], link: `<${elsewhere.origin}/api/v3/list?page=3>; rel="next"` }
        : { body: [{ id: 1 }], link: `<${api.origin}/api/v3/list?per_page=100&page=2>; rel="next"` },
    );
    try {
      const items = await createGitHubApi({ apiUrl: `${api.origin}/api/v3`, token: 'ghs_secret' }).paginate('/list');
      expect(items).toEqual([{ id: 1 }, { id: 2 }]);
      expect(seen.map((r) => [r.server, r.url, r.auth])).toEqual([
        ['api', '/api/v3/list?per_page=100', 'Bearer ghs_secret'],
        ['api', '/api/v3/list?per_page=100&page=2', 'Bearer ghs_secret'],
      ]);
    } finally {
      api.server.close();
      elsewhere.server.close();
    }
  });

  it('follows rel="next" in a Link header', () => {
    const header = '<https://ghe.example/api/v3/repos/a/b/issues/7/comments?per_page=100&page=2>; rel="next", <https://ghe.example/api/v3/repos/a/b/issues/7/comments?per_page=100&page=5>; rel="last"';
    expect(nextLink(header)).toBe('https://ghe.example/api/v3/repos/a/b/issues/7/comments?per_page=100&page=2');
    expect(nextLink('<https://x/?page=1>; rel="prev"')).toBeNull();
    expect(nextLink(null)).toBeNull();
  });

  it('the plan marker round-trips the manifest set and fingerprints, and is a valid HTML comment', () => {
    const fingerprints = { manifest: 'a'.repeat(64), live: 'b'.repeat(64) };
    const marker = planMarker('0123456789ab', fingerprints);
    expect(marker.slice(4, -3)).not.toContain('--');
    expect(parsePlanMarker(`${marker}\nbody`)).toEqual({ setId: '0123456789ab', fingerprints });
    expect(parsePlanMarker(planMarker('0123456789ab', null))).toEqual({ setId: '0123456789ab', fingerprints: null });
    expect(parsePlanMarker(`quoted: ${marker}`)).toBeNull();
  });
});

describe('plan counts', () => {
  it('names replacements (a new URL) apart from deletes, and only when there are any', () => {
    const counts = countsOf({ create: 1, update: 0, move: 0, delete: 1, replace: 2, adopt: 0, commands: 0 });
    expect(counts).toMatchObject({ create: 1, delete: 1, replace: 2 });
    expect(countsLine(counts)).toBe('➕ 1 to create · ✏️ 0 to update · ➡️ 0 to move · ♻️ 2 to replace (new URL) · 🗑️ 1 to delete');
    expect(countsLine(countsOf({ create: 1 }))).not.toContain('replace');
  });
});
