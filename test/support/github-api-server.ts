/**
 * A local stand-in for the GitHub REST endpoints the cordform action uses, on
 * 127.0.0.1:0 under a GitHub Enterprise-style prefix (`/api/v3`): issue comments (list,
 * create, update) and issues (list by label and state, create with labels, update), with
 * GitHub's pagination (`per_page`, `page`, absolute `Link` URLs), its auth check (401 "Bad
 * credentials"), its 65,536-character body limit (422) and its error JSON. Refusals (the
 * 403 a fork's read-only token gets) are injected per route.
 * https://docs.github.com/rest/issues/comments · https://docs.github.com/rest/issues/issues
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const GITHUB_TOKEN = 'ghs_cordformTestToken0123456789abcdefXYZ';
const BODY_LIMIT = 65_536;
const PREFIX = '/api/v3';

interface FakeComment {
  id: number;
  issue: number;
  body: string;
  user: { login: string; type: 'Bot' | 'User' };
}

interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  state_reason: string | null;
  labels: { name: string }[];
  pull_request?: { url: string };
}

interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: string;
}

interface Refusal {
  method: string;
  path: RegExp;
  status: number;
  message: string;
}

export interface FakeGitHub {
  /** GITHUB_API_URL for the action. */
  apiUrl: string;
  comments: FakeComment[];
  issues: FakeIssue[];
  requests: RecordedRequest[];
  /** Answer `method` requests whose path (without the prefix) matches with `status`. */
  refuse(method: string, path: RegExp, status: number, message: string): void;
  clearRefusals(): void;
  /** A comment someone else wrote (to page through). */
  addComment(issue: number, body: string, user?: FakeComment['user']): FakeComment;
  close(): Promise<void>;
}

export async function startFakeGitHub(repository: string, pullRequest: number): Promise<FakeGitHub> {
  const comments: FakeComment[] = [];
  const issues: FakeIssue[] = [
    { number: pullRequest, title: 'A pull request', body: '', state: 'open', state_reason: null, labels: [], pull_request: { url: 'x' } },
  ];
  const requests: RecordedRequest[] = [];
  const refusals: Refusal[] = [];
  let nextCommentId = 1000;
  let origin = '';
  const repoPath = `/repos/${repository}`;
  const bot = { login: 'github-actions[bot]', type: 'Bot' as const };

  const route = async (req: IncomingMessage, res: ServerResponse, body: string) => {
    const url = new URL(req.url ?? '/', origin);
    const path = url.pathname.slice(PREFIX.length);
    const method = req.method ?? 'GET';
    if (!url.pathname.startsWith(`${PREFIX}/`)) return send(res, 404, { message: 'Not Found' });
    if (req.headers.authorization !== `Bearer ${GITHUB_TOKEN}`) return send(res, 401, { message: 'Bad credentials' });
    const refusal = refusals.find((r) => r.method === method && r.path.test(path));
    if (refusal) return send(res, refusal.status, { message: refusal.message });
    if (!path.startsWith(`${repoPath}/`)) return send(res, 404, { message: 'Not Found' });
    const rest = path.slice(repoPath.length);
    const json = body === '' ? {} : (JSON.parse(body) as Record<string, unknown>);

    let match: RegExpExecArray | null;
    if ((match = /^\/issues\/(\d+)\/comments$/.exec(rest))) {
      const issue = Number(match[1]);
      if (!issues.some((i) => i.number === issue)) return send(res, 404, { message: 'Not Found' });
      if (method === 'GET') return sendPage(res, url, comments.filter((c) => c.issue === issue).map(commentJson));
      if (method === 'POST') {
        const invalid = checkBody(json.body, 'IssueComment');
        if (invalid) return send(res, 422, invalid);
        const comment = { id: nextCommentId++, issue, body: String(json.body), user: bot };
        comments.push(comment);
        return send(res, 201, commentJson(comment));
      }
    }
    if ((match = /^\/issues\/comments\/(\d+)$/.exec(rest)) && method === 'PATCH') {
      const comment = comments.find((c) => c.id === Number(match![1]));
      if (!comment) return send(res, 404, { message: 'Not Found' });
      const invalid = checkBody(json.body, 'IssueComment');
      if (invalid) return send(res, 422, invalid);
      comment.body = String(json.body);
      return send(res, 200, commentJson(comment));
    }
    if (rest === '/issues' && method === 'GET') {
      const state = url.searchParams.get('state') ?? 'open';
      const labels = (url.searchParams.get('labels') ?? '').split(',').filter(Boolean);
      const found = issues.filter(
        (i) => (state === 'all' || i.state === state) && labels.every((l) => i.labels.some((have) => have.name === l)),
      );
      return sendPage(res, url, found.map(issueJson).reverse());
    }
    if (rest === '/issues' && method === 'POST') {
      const invalid = checkBody(json.body, 'Issue');
      if (invalid) return send(res, 422, invalid);
      const issue: FakeIssue = {
        number: Math.max(...issues.map((i) => i.number)) + 1,
        title: String(json.title),
        body: String(json.body),
        state: 'open',
        state_reason: null,
        labels: ((json.labels as string[] | undefined) ?? []).map((name) => ({ name })),
      };
      issues.push(issue);
      return send(res, 201, issueJson(issue));
    }
    if ((match = /^\/issues\/(\d+)$/.exec(rest)) && method === 'PATCH') {
      const issue = issues.find((i) => i.number === Number(match![1]));
      if (!issue) return send(res, 404, { message: 'Not Found' });
      if (json.body !== undefined) {
        const invalid = checkBody(json.body, 'Issue');
        if (invalid) return send(res, 422, invalid);
        issue.body = String(json.body);
      }
      if (typeof json.title === 'string') issue.title = json.title;
      if (json.state === 'open' || json.state === 'closed') issue.state = json.state;
      if (typeof json.state_reason === 'string') issue.state_reason = json.state_reason;
      return send(res, 200, issueJson(issue));
    }
    return send(res, 404, { message: 'Not Found' });
  };

  const commentJson = (c: FakeComment) => ({
    id: c.id,
    body: c.body,
    user: c.user,
    html_url: `https://github.example/${repository}/pull/${c.issue}#issuecomment-${c.id}`,
  });
  const issueJson = (i: FakeIssue) => ({ ...i, html_url: `https://github.example/${repository}/issues/${i.number}` });

  /** GitHub's default page is 30 items, at most 100; Link carries absolute next/last URLs. */
  const sendPage = (res: ServerResponse, url: URL, items: unknown[]) => {
    const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30)));
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const links: string[] = [];
    const pageUrl = (n: number) => {
      const next = new URL(url);
      next.searchParams.set('page', String(n));
      return next.toString();
    };
    if (page < last) links.push(`<${pageUrl(page + 1)}>; rel="next"`, `<${pageUrl(last)}>; rel="last"`);
    if (page > 1) links.push(`<${pageUrl(1)}>; rel="first"`, `<${pageUrl(page - 1)}>; rel="prev"`);
    send(res, 200, items.slice((page - 1) * perPage, page * perPage), links.length > 0 ? { link: links.join(', ') } : {});
  };

  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      requests.push({ method: req.method ?? 'GET', path: req.url ?? '', authorization: req.headers.authorization, body });
      route(req, res, body).catch((error: Error) => send(res, 500, { message: error.message }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    apiUrl: `${origin}${PREFIX}`,
    comments,
    issues,
    requests,
    refuse: (method, path, status, message) => void refusals.push({ method, path, status, message }),
    clearRefusals: () => void refusals.splice(0),
    addComment(issue, body, user = { login: 'someone', type: 'User' }) {
      const comment = { id: nextCommentId++, issue, body, user };
      comments.push(comment);
      return comment;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** GitHub counts characters (code points), not UTF-16 units or bytes. */
function checkBody(body: unknown, resource: string): object | null {
  if (typeof body !== 'string') return null;
  const length = [...body].length;
  if (length <= BODY_LIMIT) return null;
  return {
    message: 'Validation Failed',
    errors: [{ resource, code: 'custom', field: 'body', message: `body is too long (maximum is ${BODY_LIMIT} characters)` }],
    documentation_url: 'https://docs.github.com/rest',
  };
}

function send(res: ServerResponse, status: number, json: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(json));
}
