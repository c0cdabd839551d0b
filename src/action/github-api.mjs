// @ts-check
/**
 * The few GitHub REST calls the action makes, over Node's fetch with the workflow's token.
 * The base is GITHUB_API_URL, so GitHub Enterprise Server (https://HOST/api/v3) works the
 * same as github.com. Lists are paged with `per_page=100` and the `Link: rel="next"` header,
 * which is only followed on the API's own origin so the token never goes anywhere else.
 * https://docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api
 */

const REQUEST_TIMEOUT_MS = 30_000;
/** Enough for any real pull request; a runaway `next` chain stops here. */
const MAX_PAGES = 50;

/** A non-2xx answer. The message names the method, path, status and GitHub's own message; never the token. */
class GitHubApiError extends Error {
  /**
   * @param {string} method
   * @param {string} path
   * @param {number} status
   * @param {string} detail
   */
  constructor(method, path, status, detail) {
    super(`GitHub API ${method} ${path}: ${status}${detail ? ` ${detail}` : ''}`);
    this.name = 'GitHubApiError';
    this.status = status;
  }
}

/**
 * @typedef {object} GitHubApi
 * @property {(method: string, path: string, body?: unknown) => Promise<any>} request
 * @property {(path: string) => Promise<any[]>} paginate  every item of a list endpoint
 */

/**
 * @param {{ apiUrl: string, token: string }} options
 * @returns {GitHubApi}
 */
export function createGitHubApi({ apiUrl, token }) {
  const base = apiUrl.replace(/\/+$/, '');
  const origin = new URL(base).origin;
  const headers = {
    accept: 'application/vnd.github+json',
    authorization: `Bearer ${token}`,
    'x-github-api-version': '2022-11-28',
    'user-agent': 'cordform-action',
  };

  /**
   * @param {string} method
   * @param {string} url
   * @param {string} shown  the path as it appears in errors
   * @param {unknown} [body]
   */
  async function send(method, url, shown, body) {
    const response = await fetch(url, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    if (!response.ok) throw new GitHubApiError(method, shown, response.status, errorDetail(text));
    return { json: text === '' ? null : JSON.parse(text), link: response.headers.get('link') };
  }

  return {
    async request(method, path, body) {
      return (await send(method, `${base}${path}`, path, body)).json;
    },
    async paginate(path) {
      const items = [];
      let url = `${base}${path}${path.includes('?') ? '&' : '?'}per_page=100`;
      for (let page = 0; page < MAX_PAGES; page++) {
        const { json, link } = await send('GET', url, path);
        if (!Array.isArray(json)) throw new GitHubApiError('GET', path, 200, 'expected a list');
        items.push(...json);
        const next = nextLink(link);
        if (!next || new URL(next).origin !== origin) break;
        url = next;
      }
      return items;
    },
  };
}

/**
 * The `rel="next"` URL of a Link header, if any.
 * @param {string | null} header
 */
export function nextLink(header) {
  if (!header) return null;
  for (const part of header.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part.trim());
    if (match && match[2]?.split(/\s+/).includes('next')) return match[1] ?? null;
  }
  return null;
}

/**
 * GitHub's error JSON is `{message, errors?: [{message?, code?, field?}], documentation_url}`.
 * @param {string} text
 */
function errorDetail(text) {
  try {
    const json = JSON.parse(text);
    const errors = Array.isArray(json?.errors) ? json.errors.map((/** @type {any} */ e) => e?.message ?? e?.code).filter(Boolean) : [];
    return [json?.message, ...errors].filter(Boolean).join('; ');
  } catch {
    return text.slice(0, 200);
  }
}
