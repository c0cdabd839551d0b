import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboundHttp, OutboundHttpError } from '../../src/runtime/outbound-http.js';
import { isPrivateAddress } from '../../src/runtime/private-addresses.js';
import { startTarget, type Target } from './fixtures.js';

let ok: Target;
beforeAll(async () => {
  ok = await startTarget((_req, res) => {
    res.writeHead(200).end('fine');
  });
});
afterAll(async () => {
  await ok.close();
});

const post = (http: OutboundHttp, url: string) =>
  http.post({ url, headers: {}, body: '{}', timeoutMs: 1000, signal: AbortSignal.timeout(1000) });

describe('OutboundHttp', () => {
  it('posts and reads the body', async () => {
    const http = new OutboundHttp();
    try {
      await expect(post(http, ok.url)).resolves.toMatchObject({ status: 200, body: 'fine' });
    } finally {
      await http.close();
    }
  });

  it('with block_private_addresses refuses loopback targets, by IP and by name', async () => {
    const http = new OutboundHttp({ blockPrivateAddresses: true });
    try {
      await expect(post(http, ok.url)).rejects.toMatchObject({ kind: 'blocked' });
      const byName = ok.url.replace('127.0.0.1', 'localhost');
      const error = await post(http, byName).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OutboundHttpError);
      expect(error).toMatchObject({ kind: 'blocked' });
      expect(ok.received).toHaveLength(1);
    } finally {
      await http.close();
    }
  });

  it('classifies addresses', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '::1', 'fd00::1', '::ffff:127.0.0.1', '100.64.0.1']) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
    for (const a of ['1.1.1.1', '8.8.8.8', '2606:4700:4700::1111', '172.32.0.1']) {
      expect(isPrivateAddress(a), a).toBe(false);
    }
  });
});
