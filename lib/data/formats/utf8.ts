/**
 * Strict UTF-8 decoding. Node's default decoder silently turns bad bytes into U+FFFD, which would hide
 * a corrupt record inside training data; here bad bytes are a reported problem with a location.
 */
const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The text, or undefined when `bytes` is not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strict.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Byte offset of the first byte that breaks UTF-8, or -1 when all of `bytes` is valid. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let len: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) (len = 2), (min = 0x80);
    else if (b >= 0xe0 && b <= 0xef) (len = 3), (min = 0x800);
    else if (b >= 0xf0 && b <= 0xf4) (len = 4), (min = 0x10000);
    else return i;
    if (i + len > n) return i;
    let cp = b & (0xff >> (len + 1));
    for (let k = 1; k < len; k++) {
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are all invalid.
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return i;
    i += len;
  }
  return -1;
}

/** The problem text for undecodable bytes, pointing at the first bad byte. */
export function badUtf8(bytes: Uint8Array): string {
  const at = firstInvalidUtf8(bytes);
  if (at < 0) return "not valid UTF-8";
  return `not valid UTF-8 (byte 0x${bytes[at].toString(16).padStart(2, "0")} at byte ${at + 1})`;
}

/** 1-based line of byte `offset` in `bytes`, counting from `firstLine`. */
export function lineAt(bytes: Uint8Array, offset: number, firstLine = 1): number {
  let line = firstLine;
  for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** True when `bytes` starts with the UTF-8 byte order mark. */
export function hasBom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}
