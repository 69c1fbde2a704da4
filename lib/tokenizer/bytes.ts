/**
 * GPT-2's byte-level alphabet: every byte 0..255 gets a printable stand-in character so that
 * vocabularies and merges can be stored as JSON text. Printable Latin-1 bytes stand for themselves;
 * the rest (controls, space, soft hyphen...) are shifted up to U+0100.. in byte order.
 */

function buildByteToChar(): string[] {
  const out: string[] = new Array(256);
  const keep = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  let shifted = 0;
  for (let b = 0; b < 256; b++) {
    out[b] = String.fromCharCode(keep(b) ? b : 256 + shifted++);
  }
  return out;
}

/** byte value -> its one-character stand-in ("Ġ" for space, "Ċ" for newline). */
export const BYTE_TO_CHAR: readonly string[] = buildByteToChar();

/** Inverse of BYTE_TO_CHAR, keyed by the stand-in's char code. */
export const CHAR_TO_BYTE: ReadonlyMap<number, number> = new Map(BYTE_TO_CHAR.map((c, b) => [c.charCodeAt(0), b]));

/** The byte-level spelling of some bytes: one stand-in character per byte. */
export function bytesToSymbols(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += BYTE_TO_CHAR[bytes[i]];
  return s;
}

/** Bytes spelled by a byte-level token string, or undefined if it uses a character outside the alphabet. */
export function symbolsToBytes(symbols: string): Uint8Array | undefined {
  const out = new Uint8Array(symbols.length);
  for (let i = 0; i < symbols.length; i++) {
    const b = CHAR_TO_BYTE.get(symbols.charCodeAt(i));
    if (b === undefined) return undefined;
    out[i] = b;
  }
  return out;
}

const encoder = new TextEncoder();
/** UTF-8 bytes of a string (lone surrogates become U+FFFD, as in any UTF-8 encoder). */
export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}
