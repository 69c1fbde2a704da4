/**
 * Byte-level BPE tokenizer (GPT-2 family), written here rather than wrapping @huggingface/tokenizers.
 * Why: we evaluated that library (v0.2.0) on 5 MB of text against gpt-tokenizer's GPT-2 (r50k) ids.
 * It encodes GPT-2 correctly but 8-15x slower than this code (0.8 vs 7-12 MB/s), its ByteLevel split
 * uses JavaScript's \s (so U+0085/U+FEFF differ from the Rust reference), it always matches special
 * tokens inside text (no safe default), and it cannot train, save, stream-decode or read
 * vocab.json + merges.txt. We need the merge core for our trainer anyway, so encode/decode live here
 * too; tests check saved files load in @huggingface/tokenizers and encode the same there.
 */
import { BpeModel } from "./bpe";
import { CHAR_TO_BYTE, utf8 } from "./bytes";
import { GPT2_SPLIT_PATTERN } from "./pretokenize";
import { saveTokenizer } from "./save";
import type { AddedToken, TokenizerSpec } from "./spec";
import type { DecodeOptions, EncodeOptions, StreamDecoder, Tokenizer } from "./types";
import { UserError } from "../errors";

const GPT2_SPLIT = new RegExp(GPT2_SPLIT_PATTERN, "gu");

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A regex matching any of `tokens`, longest first so `<|im_start|>` wins over a prefix of it. */
function alternation(tokens: readonly AddedToken[]): RegExp | null {
  const contents = tokens.map((t) => t.content).filter((c) => c.length > 0);
  if (contents.length === 0) return null;
  contents.sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  return new RegExp(contents.map(escapeRegex).join("|"), "g");
}

/** Bytes a vocabulary token stands for; characters outside the byte alphabet count as their UTF-8. */
function tokenBytes(token: string): Uint8Array {
  const out: number[] = [];
  for (const ch of token) {
    const b = ch.length === 1 ? CHAR_TO_BYTE.get(ch.charCodeAt(0)) : undefined;
    if (b !== undefined) out.push(b);
    else out.push(...utf8(ch));
  }
  return Uint8Array.from(out);
}

export class ByteLevelBpeTokenizer implements Tokenizer {
  readonly vocabSize: number;
  readonly eosId: number;
  readonly padId: number | null;
  readonly bosId: number | null;
  readonly specialTokens: ReadonlyMap<string, number>;

  private readonly model: BpeModel;
  private readonly idToTok: (string | undefined)[] = [];
  /** Bytes per id: added tokens up front, vocabulary tokens filled in on first decode. */
  private readonly idBytes: (Uint8Array | undefined)[] = [];
  private readonly specialIds = new Set<number>();
  private readonly addedIds = new Map<string, number>();
  /** Splitters for added tokens: ordinary ones only, or ordinary + special. */
  private readonly plainAddedRe: RegExp | null;
  private readonly allAddedRe: RegExp | null;

  constructor(readonly spec: TokenizerSpec) {
    this.model = new BpeModel(spec.bpe, spec.source);
    for (const [tok, id] of spec.bpe.vocab) this.idToTok[id] = tok;
    const special = new Map<string, number>();
    for (const t of spec.addedTokens) {
      this.idToTok[t.id] = t.content;
      this.idBytes[t.id] = utf8(t.content);
      this.addedIds.set(t.content, t.id);
      if (t.special) {
        special.set(t.content, t.id);
        this.specialIds.add(t.id);
      }
    }
    this.specialTokens = special;
    this.vocabSize = this.idToTok.length;
    this.plainAddedRe = alternation(spec.addedTokens.filter((t) => !t.special));
    this.allAddedRe = alternation(spec.addedTokens);

    const role = (name: string, content: string | null): number | null => {
      if (content === null) return null;
      const id = special.get(content);
      if (id === undefined) throw new UserError(`${spec.source}: ${name} token ${JSON.stringify(content)} is not a special token`);
      return id;
    };
    this.eosId = role("eos", spec.eos) as number;
    this.padId = role("pad", spec.pad);
    this.bosId = role("bos", spec.bos);
    if (this.padId !== null && this.padId === this.eosId) {
      throw new UserError(`${spec.source}: pad token must differ from eos token ${JSON.stringify(spec.eos)}`);
    }
  }

  encode(text: string, opts: EncodeOptions = {}): number[] {
    const out: number[] = [];
    // Like Hugging Face, normalize before looking for added tokens (they are stored normalized).
    if (this.spec.normalizer !== null) text = text.normalize(this.spec.normalizer);
    const splitter = opts.allowSpecial ? this.allAddedRe : this.plainAddedRe;
    if (splitter === null) {
      this.encodeOrdinary(text, out);
      return out;
    }
    splitter.lastIndex = 0;
    let last = 0;
    let m: RegExpExecArray | null;
    while ((m = splitter.exec(text)) !== null) {
      this.encodeOrdinary(text.slice(last, m.index), out);
      out.push(this.addedIds.get(m[0]) as number);
      last = m.index + m[0].length;
    }
    this.encodeOrdinary(text.slice(last), out);
    return out;
  }

  /** Text with no added tokens in it: pre-tokenize, then BPE each word. */
  private encodeOrdinary(text: string, out: number[]): void {
    if (text.length === 0) return;
    if (this.spec.addPrefixSpace && !text.startsWith(" ")) text = " " + text;
    if (!this.spec.useRegex) {
      this.model.encodeWord(text, out);
      return;
    }
    // A private copy of the regex: encode may be re-entered (a callback, a generator) mid-scan.
    const re = new RegExp(GPT2_SPLIT);
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) this.model.encodeWord(m[0], out);
  }

  decode(ids: readonly number[], opts: DecodeOptions = {}): string {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (const id of ids) {
      if (opts.skipSpecial && this.specialIds.has(id)) continue;
      const b = this.bytesOf(id);
      parts.push(b);
      total += b.length;
    }
    const all = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    // ignoreBOM keeps a leading U+FEFF (the default decoder would silently eat it).
    return new TextDecoder("utf-8", { ignoreBOM: true }).decode(all);
  }

  streamDecoder(opts: DecodeOptions = {}): StreamDecoder {
    // TextDecoder's stream mode holds back an incomplete UTF-8 sequence until its last byte arrives.
    const td = new TextDecoder("utf-8", { ignoreBOM: true });
    return {
      push: (id: number) => (opts.skipSpecial && this.specialIds.has(id) ? "" : td.decode(this.bytesOf(id), { stream: true })),
      flush: () => td.decode(),
    };
  }

  private bytesOf(id: number): Uint8Array {
    let b = this.idBytes[id];
    if (b === undefined) {
      const tok = Number.isInteger(id) ? this.idToTok[id] : undefined;
      if (tok === undefined) throw new RangeError(`token id ${id} is not in the vocabulary (size ${this.vocabSize})`);
      b = this.idBytes[id] = tokenBytes(tok);
    }
    return b;
  }

  tokenToId(token: string): number | undefined {
    return this.addedIds.get(token) ?? this.spec.bpe.vocab.get(token);
  }

  idToToken(id: number): string | undefined {
    return this.idToTok[id];
  }

  isSpecial(id: number): boolean {
    return this.specialIds.has(id);
  }

  save(dir: string): void {
    saveTokenizer(this.spec, dir);
  }
}
