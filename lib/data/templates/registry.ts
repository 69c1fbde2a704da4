/** Templates by name, or from a Hugging Face chat template, with per-template options. */
import { UserError } from "../../errors";
import type { Template } from "./types";
import { alpacaTemplate } from "./alpaca";
import { chatmlTemplate, plainTemplate, tuluTemplate } from "./chat";
import { flanTemplate, type FlanTemplateOptions } from "./flan";
import { jinjaTemplate, type JinjaTemplateOptions } from "./jinja";
import { chatTemplateFromPath, looksLikeTemplatePath } from "./hf";
import { didYouMean } from "../../suggest";

export const TEMPLATE_NAMES = ["alpaca", "alpaca-lora", "flan", "flan-zero-shot", "flan-few-shot", "chatml", "tulu", "plain"] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

/**
 * What `getTemplate` accepts: a name; a name with options (`{name: "flan-few-shot", maxExemplars: 5}`);
 * `{jinja: "..."}` for a chat template; or the path of a tokenizer_config.json, a .jinja file or a model
 * directory holding a chat template ("dir/tokenizer_config.json#tool_use" picks a named one; see ./hf.ts).
 * `eosToken` is the EOS text shown in rendered strings.
 */
export type TemplateSpec =
  | TemplateName
  | (string & {})
  | ({ name: TemplateName } & Partial<FlanTemplateOptions>)
  | (Partial<JinjaTemplateOptions> & { jinja: string });

export function isTemplateName(s: unknown): s is TemplateName {
  return typeof s === "string" && (TEMPLATE_NAMES as readonly string[]).includes(s);
}

export function getTemplate(spec: TemplateSpec): Template {
  if (typeof spec === "object" && spec !== null && "jinja" in spec) return jinjaTemplate(spec);
  if (typeof spec === "string" && !isTemplateName(spec) && looksLikeTemplatePath(spec)) return jinjaTemplate(chatTemplateFromPath(spec));
  const { name, ...options } = typeof spec === "string" ? { name: spec } : (spec ?? {}) as { name?: unknown };
  if (!isTemplateName(name)) {
    throw new UserError(`unknown template '${String(name)}'${didYouMean(String(name), TEMPLATE_NAMES)}: use one of ${TEMPLATE_NAMES.join(", ")}, ` +
      `a tokenizer_config.json or model directory with a chat template, or {jinja: "..."}`, 2);
  }
  const o = options as Partial<FlanTemplateOptions>;
  switch (name) {
    case "alpaca":
    case "alpaca-lora":
      return alpacaTemplate({ ...o, variant: name });
    case "chatml":
      return chatmlTemplate(o);
    case "tulu":
      return tuluTemplate(o);
    case "plain":
      return plainTemplate(o);
    case "flan":
      // Follows each record's template_type (what a mixture assigned); zero-shot with options otherwise.
      return flanTemplate({ followRecord: true, ...o }, "flan");
    case "flan-zero-shot":
      return flanTemplate({ type: "zs_opt", ...o }, name);
    case "flan-few-shot":
      return flanTemplate({ type: "fs_opt", ...o }, name);
  }
}
