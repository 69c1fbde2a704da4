/** Prompt templates for training and inference, and their tokenization into ids and aligned labels. */
export type { Segment, SegmentRole, Rendered, Template, TemplateType, PromptInput } from "./types";
export { TEMPLATE_TYPES, isTemplateType } from "./types";
export { DEFAULT_EOS_TOKEN, whereRecord } from "./common";
export { ALPACA_PROMPT_INPUT, ALPACA_PROMPT_NO_INPUT, ALPACA_LORA_PROMPT_INPUT, ALPACA_LORA_PROMPT_NO_INPUT, alpacaTemplate, type AlpacaOptions, type AlpacaVariant } from "./alpaca";
export { chatTemplate, chatmlTemplate, tuluTemplate, plainTemplate, CHATML_LAYOUT, TULU_LAYOUT, PLAIN_LAYOUT, type ChatLayout, type ChatTemplateOptions } from "./chat";
export { flanTemplate, DEFAULT_FLAN_TEMPLATE_OPTIONS, validateFlanTemplateOptions, type FlanTemplateOptions } from "./flan";
export { GENERIC_PATTERNS, OPTIONS_PLACEHOLDER, fillPattern, optionsText, placeholders, validatePatterns, type FlanPattern } from "./patterns";
export { jinjaTemplate, DEFAULT_JINJA_TEMPLATE_OPTIONS, type JinjaTemplateOptions } from "./jinja";
export { chatTemplateFromPath, chatTemplateFromTokenizerConfig, modelChatTemplate, specialTokenText, type LoadedChatTemplate } from "./hf";
export { getTemplate, isTemplateName, TEMPLATE_NAMES, type TemplateName, type TemplateSpec } from "./registry";
export {
  IGNORE_INDEX, MASK_MODES, DEFAULT_TOKENIZE_OPTIONS, tokenizeExample, tokenizePrompt, tokenizeRecords, trainedTokens, targetSegments, encodeSegments,
  type MaskMode, type TokenizeOptions, type TokenizedExample, type TokenizeRecordsResult,
} from "./tokenize";
