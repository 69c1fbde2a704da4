/** The tokenizer contract the rest of nanoinstruct (data, engine, train, eval) codes against. */

export interface EncodeOptions {
  /**
   * Recognize special-token strings (`<|endoftext|>`, `<|im_start|>`...) in the text as their ids.
   * Default false: they are encoded as ordinary text, so data from the outside world can never
   * smuggle control tokens into a prompt. Turn it on only for text you built yourself (templates).
   */
  allowSpecial?: boolean;
}

export interface DecodeOptions {
  /** Drop special tokens from the output. Default false (they are rendered as their text). */
  skipSpecial?: boolean;
}

export interface StreamDecoder {
  /** Feed one id; returns the text completed by it (may be "" while a UTF-8 character is split). */
  push(id: number): string;
  /** Ends the stream; returns whatever was pending (an incomplete character becomes U+FFFD). */
  flush(): string;
}

export interface Tokenizer {
  /** Number of ids, including special tokens (max id + 1). */
  readonly vocabSize: number;
  readonly eosId: number;
  /** Null when the tokenizer has no pad token (GPT-2): collation must mask, never pad with EOS. */
  readonly padId: number | null;
  readonly bosId: number | null;
  /** Special-token text -> id. */
  readonly specialTokens: ReadonlyMap<string, number>;
  encode(text: string, opts?: EncodeOptions): number[];
  decode(ids: readonly number[], opts?: DecodeOptions): string;
  tokenToId(token: string): number | undefined;
  idToToken(id: number): string | undefined;
  /** Incremental decoder for streaming: feed ids one at a time, get back only complete UTF-8 text. */
  streamDecoder(opts?: DecodeOptions): StreamDecoder;
  /** Writes tokenizer.json (Hugging Face format), tokenizer_config.json and special_tokens_map.json. */
  save(dir: string): void;
}
