import { describe, expect, it } from 'vitest';
import { computeSignature, signatureHeaders, verifySignature } from '../../src/runtime/signing.js';

describe('Standard Webhooks signing', () => {
  // The test vector published with the Standard Webhooks specification.
  const vector = {
    id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    timestamp: 1614265330,
    body: '{"test": 2432232314}',
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  };

  it('matches the specification vector', () => {
    expect(computeSignature(vector)).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('produces the three headers', () => {
    expect(signatureHeaders(vector)).toEqual({
      'webhook-id': vector.id,
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('uses a secret without the whsec_ prefix as raw bytes', () => {
    expect(computeSignature({ ...vector, secret: 'plain-secret' })).not.toBe(computeSignature(vector));
    expect(computeSignature({ ...vector, secret: 'plain-secret' })).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
  });

  it('verifies a list of signatures and rejects a tampered body', () => {
    const header = `v1,bogus ${computeSignature(vector)}`;
    expect(verifySignature({ ...vector, header })).toBe(true);
    expect(verifySignature({ ...vector, body: '{"test": 1}', header })).toBe(false);
  });
});
