import type { SourceLocation } from '../errors.js';

export type DecodeResult =
  | { ok: true; text: string }
  | { ok: false; byteOffset: number; location: SourceLocation; byte: number };

/**
 * Decodes strictly (no U+FFFD substitution, which would silently change names and tokens).
 * On failure, finds the first invalid byte so the error can point at its line and column;
 * columns count UTF-16 units like the YAML positions do.
 */
export function decodeUtf8(bytes: Uint8Array, file: string): DecodeResult {
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const byteOffset = firstInvalidUtf8Byte(bytes);
    let lineStart = 0;
    let line = 1;
    for (let i = 0; i < byteOffset; i++) {
      if (bytes[i] === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    const prefix = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, byteOffset));
    return { ok: false, byteOffset, byte: bytes[byteOffset] ?? 0, location: { file, line, column: prefix.length + 1 } };
  }
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    let need: number;
    let min = 0x80;
    let max = 0xbf;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) min = 0xa0; // overlong
      if (b === 0xed) max = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) min = 0x90;
      if (b === 0xf4) max = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      const lo = k === 1 ? min : 0x80;
      const hi = k === 1 ? max : 0xbf;
      if (c === undefined || c < lo || c > hi) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}
