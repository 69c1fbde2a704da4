/** Tokenizers: byte-level BPE (GPT-2 family) loading, encoding, training and saving. */
export type { Tokenizer, EncodeOptions, DecodeOptions, StreamDecoder } from "./types";
export type { TokenizerSpec, AddedToken } from "./spec";
export { ByteLevelBpeTokenizer } from "./tokenizer";
export { loadTokenizer } from "./load";
export { trainBpe, countWords } from "./train";
export { DEFAULT_TRAIN_BPE_CONFIG, validateTrainBpeConfig, type TrainBpeConfig } from "./train-config";
export { EOS_TOKEN, PAD_TOKEN, IM_START, IM_END, DEFAULT_SPECIAL_TOKENS, chatTokenIds, type ChatTokenIds } from "./chat";
export { GPT2_SPLIT_PATTERN, splitWords } from "./pretokenize";
export { withSpecialTokens, type SpecialTokenRoles } from "./extend";
export type { UnicodeNormalization } from "./spec";
