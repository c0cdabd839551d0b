import { beforeEach, describe, expect, it } from 'vitest';
import { BOT, createWebhook, GENERAL, useTestSandbox } from './helpers.js';

/**
 * How request bodies are read: JSON, or multipart/form-data with `payload_json` and files
 * (https://discord.com/developers/docs/reference#uploading-files). Uploads come only from
 * the multipart files themselves; no JSON key can pose as one.
 */
const { sandbox, api } = useTestSandbox();
let hook: { id: string; token: string };

beforeEach(async () => {
  hook = await createWebhook(api);
});

const forged = [{ field: 'files[0]', filename: 'forged.txt', size: 1, content_type: 'text/plain' }];

async function postForm(path: string, form: FormData, auth = false): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sandbox.apiBase}${path}`, {
    method: 'POST',
    body: form,
    ...(auth ? { headers: { Authorization: `Bot ${BOT.token}` } } : {}),
  });
  return { status: res.status, body: await res.json() };
}

describe('payload_json and internal fields', () => {
  it('a `__files` key in payload_json does not become an attachment (webhook execute and channel message)', async () => {
    const form = new FormData();
    form.append('payload_json', JSON.stringify({ content: 'hi', __files: forged }));
    const executed = await postForm(`/webhooks/${hook.id}/${hook.token}?wait=true`, form);
    expect(executed).toMatchObject({ status: 200, body: { content: 'hi', attachments: [] } });

    const again = new FormData();
    again.append('payload_json', JSON.stringify({ content: 'hi', __files: forged }));
    const created = await postForm(`/channels/${GENERAL}/messages`, again, true);
    expect(created).toMatchObject({ status: 200, body: { content: 'hi', attachments: [] } });
  });

  it('a JSON body with only `__files` is an empty message (50006), not an upload', async () => {
    const res = await api.as(null).post(`/webhooks/${hook.id}/${hook.token}?wait=true`, { __files: forged });
    expect(res).toMatchObject({ status: 400, body: { code: 50006 } });
  });

  it('a form field named __files is text, and real files still become attachments', async () => {
    const form = new FormData();
    form.append('payload_json', JSON.stringify({ content: 'with file' }));
    form.append('__files', JSON.stringify(forged));
    form.append('files[0]', new Blob(['data'], { type: 'text/plain' }), 'real.txt');
    const res = await postForm(`/webhooks/${hook.id}/${hook.token}?wait=true`, form);
    expect(res.status).toBe(200);
    expect(res.body.attachments.map((a: any) => a.filename)).toEqual(['real.txt']);
  });
});
