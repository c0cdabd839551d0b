import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { MAX_AGE_SECONDS, publicKeyFromHex, verifyInteractionRequest } from '../../src/runtime/interaction-verify.js';
import { MAX_YAML_TOKENS } from '../../src/manifest/parse-yaml.js';
import { MAX_MANIFEST_BYTES } from '../../src/manifest/source-files.js';
import { fuzzRuns } from '../support/fuzz.js';

/**
 * Hostile input through the real CLI: YAML alias bombs and oversized manifests are refused
 * by `cordform validate` with a clear error, quickly and within bounded memory. And the
 * interaction signature verifier never throws and never accepts what it should not.
 */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cordform-hostile-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HEAD = 'version: 1\ndiscord:\n  token: ${DISCORD_BOT_TOKEN}\n';
const MIB = 1024 * 1024;

/** Runs `cordform validate` and reports exit code, output, wall time and the peak heap growth. */
async function validate(name: string, text: string, format: 'text' | 'json' = 'text') {
  const file = join(dir, name);
  await writeFile(file, text);
  const io = createMemoryIo({ cwd: dir, env: { DISCORD_BOT_TOKEN: 'hostile-input-token' } });
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 2);
  const started = performance.now();
  const code = await runCli(['validate', '-f', file, '--format', format], io);
  const ms = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  if (process.env.CORDFORM_FAULT_REPORT) process.stdout.write(`${name}: exit ${code}, ${Math.round(ms)} ms, heap +${((peak - before) / MIB).toFixed(1)} MiB\n`);
  return { code, out: io.stdout() + io.stderr(), ms, heapGrowth: peak - before };
}

/** The classic: 10 layers, each holding 100 aliases of the layer below (1,000 aliases, 100^10 values). */
function billionLaughs(): string {
  const lines = [HEAD, 'guilds: []', 'lol0: &l0 "lol"'];
  for (let layer = 1; layer <= 10; layer++) {
    lines.push(`lol${layer}: &l${layer} [${Array.from({ length: 100 }, () => `*l${layer - 1}`).join(', ')}]`);
  }
  return `${lines.join('\n')}\n`;
}

/** Flat: one 1,000-item anchor used 1,000 times (a million values, under the alias count). */
function wideBomb(): string {
  const items = Array.from({ length: 1000 }, (_, i) => `"v${i}"`).join(', ');
  const uses = Array.from({ length: 1000 }, (_, i) => `  k${i}: *big`).join('\n');
  return `${HEAD}guilds: []\nbig: &big [${items}]\nbomb:\n${uses}\n`;
}

/** A well-formed manifest past the size limit: a hundred thousand webhook declarations. */
function hugeManifest(): string {
  const lines = [HEAD, 'guilds:', '  - id: "100000000000000001"', '    webhooks:'];
  let size = lines.join('\n').length;
  for (let i = 0; size <= MAX_MANIFEST_BYTES; i++) {
    const entry = `      - name: webhook-${i}-${'x'.repeat(40)}\n        channel: "${100000000000000002n + BigInt(i % 50)}"`;
    lines.push(entry);
    size += entry.length + 1;
  }
  return `${lines.join('\n')}\n`;
}

describe('cordform validate refuses hostile YAML, fast and in bounded memory', () => {
  it('a 1,000-alias billion-laughs document', async () => {
    const text = billionLaughs();
    expect(text.match(/\*l\d+/g)).toHaveLength(1000);
    const result = await validate('laughs.yaml', text);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/laughs\.yaml:\d+:\d+: .*alias bomb/);
    expect(result.out).toContain('yaml_alias_limit');
    expect(result.ms).toBeLessThan(2000);
    expect(result.heapGrowth).toBeLessThan(100 * MIB);
  });

  it('a wide alias bomb, also as --format json', async () => {
    const result = await validate('wide.yaml', wideBomb(), 'json');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out) as { valid: boolean; errors: Array<{ code: string; message: string }> };
    expect(report.valid).toBe(false);
    expect(report.errors).toEqual([expect.objectContaining({ code: 'yaml_alias_limit', message: expect.stringMatching(/alias bomb/) })]);
    expect(result.ms).toBeLessThan(2000);
    expect(result.heapGrowth).toBeLessThan(100 * MIB);
  });

  it('a manifest over the size limit is refused before it is parsed', async () => {
    const text = hugeManifest();
    expect(text.length).toBeGreaterThan(MAX_MANIFEST_BYTES);
    const result = await validate('huge.yaml', text);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/huge\.yaml.*manifest is \d+ bytes; the limit is \d+ bytes \(16 MiB\); split it across files/);
    expect(result.out).toContain('manifest_too_large');
    expect(result.ms).toBeLessThan(1000);
    expect(result.heapGrowth).toBeLessThan(100 * MIB);
  });
});

describe('cordform validate refuses dense YAML under the size limit, fast and in bounded memory', () => {
  it('a flow sequence with a value every other byte (the parser would need gigabytes)', async () => {
    const text = `${HEAD}guilds: []\nx: [${'1,'.repeat(MAX_YAML_TOKENS / 2)}1]\n`;
    expect(text.length).toBeLessThan(MAX_MANIFEST_BYTES);
    const result = await validate('dense.yaml', text);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/dense\.yaml:5:\d+: .*more than 3000000 YAML tokens.*split it across files/);
    expect(result.out).toContain('manifest_too_large');
    // Only the lexer runs (about a second idle); parsing it would take ~40 s and ~3 GB.
    expect(result.ms).toBeLessThan(10_000);
    expect(result.heapGrowth).toBeLessThan(100 * MIB);
  });
});

describe('interaction signature verifier (fast-check)', () => {
  let privateKey: KeyObject;
  let publicKey: KeyObject;
  const NOW = 1_750_000_000_000;
  const REASONS = ['missing_signature', 'malformed_signature', 'bad_signature', 'stale', 'future'];

  beforeAll(() => {
    const pair = generateKeyPairSync('ed25519');
    privateKey = pair.privateKey;
    const x = pair.publicKey.export({ format: 'jwk' }).x!;
    publicKey = publicKeyFromHex(Buffer.from(x, 'base64url').toString('hex'));
  });

  const signed = (timestamp: string, body: Buffer) => sign(null, Buffer.concat([Buffer.from(timestamp), body]), privateKey).toString('hex');
  const freshTimestamp = fc.integer({ min: -59, max: MAX_AGE_SECONDS - 1 }).map((age) => String(Math.floor(NOW / 1000) - age));
  const body = fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes));

  it('never throws and only ever answers a known verdict, whatever the headers and body', () => {
    // Random text, and well-formed hex signatures that were never made with the key.
    const header = fc.option(fc.oneof(fc.string(), fc.stringMatching(/^[0-9a-f]{128}$/)), { nil: undefined });
    fc.assert(
      fc.property(header, fc.option(fc.string(), { nil: undefined }), body, (signature, timestamp, raw) => {
        const verdict = verifyInteractionRequest(publicKey, { signature, timestamp, body: raw }, NOW);
        expect(verdict.ok).toBe(false);
        if (!verdict.ok) expect(REASONS).toContain(verdict.reason);
      }),
      { numRuns: fuzzRuns(300), seed: 6 },
    );
  });

  it('accepts exactly what was signed, within the time window', () => {
    fc.assert(
      fc.property(freshTimestamp, body, (timestamp, raw) => {
        expect(verifyInteractionRequest(publicKey, { signature: signed(timestamp, raw), timestamp, body: raw }, NOW)).toEqual({ ok: true });
      }),
      { numRuns: fuzzRuns(100), seed: 6 },
    );
  });

  it('refuses any change to the body, the timestamp or the signature', () => {
    fc.assert(
      fc.property(freshTimestamp, body.filter((b) => b.length > 0), fc.nat(), fc.integer({ min: 1, max: 255 }), (timestamp, raw, at, xor) => {
        const signature = signed(timestamp, raw);
        const tampered = Buffer.from(raw);
        tampered[at % tampered.length]! ^= xor;
        expect(verifyInteractionRequest(publicKey, { signature, timestamp, body: tampered }, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
        const otherTime = String(Number(timestamp) - 1);
        expect(verifyInteractionRequest(publicKey, { signature, timestamp: otherTime, body: raw }, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
        const sigBytes = Buffer.from(signature, 'hex');
        sigBytes[at % sigBytes.length]! ^= xor;
        const verdict = verifyInteractionRequest(publicKey, { signature: sigBytes.toString('hex'), timestamp, body: raw }, NOW);
        expect(verdict).toEqual({ ok: false, reason: 'bad_signature' });
      }),
      { numRuns: fuzzRuns(100), seed: 6 },
    );
  });

  it('refuses a correctly signed request that is stale or from the future', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.boolean(), body, (offset, past, raw) => {
        const nowSeconds = Math.floor(NOW / 1000);
        const timestamp = String(past ? nowSeconds - MAX_AGE_SECONDS - offset : nowSeconds + 60 + offset);
        const verdict = verifyInteractionRequest(publicKey, { signature: signed(timestamp, raw), timestamp, body: raw }, NOW);
        expect(verdict).toEqual({ ok: false, reason: past ? 'stale' : 'future' });
      }),
      { numRuns: fuzzRuns(100), seed: 6 },
    );
  });
});
