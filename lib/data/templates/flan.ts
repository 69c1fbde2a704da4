/**
 * FLAN-style layouts: a task's instruction pattern filled from the record, zero-shot or few-shot (solved
 * exemplars first, joined by blank lines), with or without the answer options. The prompt is the filled
 * input pattern and a newline; the target pattern follows as the response, then EOS.
 *
 * What a record may carry in `metadata` (the task library fills these; files may too):
 *   values        {name: text} for the pattern's placeholders (besides instruction/input/output/answer)
 *   options       string[] answer options
 *   exemplars     [{name: text, options?: string[]}] solved examples for few-shot (the query's
 *                 instruction is inherited when an exemplar has none)
 *   pattern       {input, target} to use for this record
 *   pattern_index which of the task's patterns to use (otherwise chosen by a hash of the id)
 *   template_type zs_opt | zs_noopt | fs_opt | fs_noopt (used when the template follows the record)
 */
import { UserError } from "../../errors";
import type { InstructionRecord } from "../record";
import { isTemplateType, type PromptInput, type Rendered, type Segment, type Template, type TemplateType } from "./types";
import { content, DEFAULT_EOS_TOKEN, eosSegment, isRecord, joinSegments, markup, nonEmpty, singleTurnView, whereRecord } from "./common";
import { fillPattern, GENERIC_PATTERNS, optionsText, OPTIONS_PLACEHOLDER, validatePatterns, type FlanPattern } from "./patterns";
import { fnv1a } from "../../random";

export interface FlanTemplateOptions {
  /** Layout when the record does not name one (or always, when followRecord is false). */
  type: TemplateType;
  /** Use a record's metadata.template_type when it has one (what a mixture assigned). */
  followRecord: boolean;
  /** Patterns per task name; records of other tasks use `fallbackPatterns`. */
  patterns: Readonly<Record<string, readonly FlanPattern[]>>;
  fallbackPatterns: readonly FlanPattern[];
  /** Most exemplars shown in a few-shot prompt. */
  maxExemplars: number;
  /** Between the filled input and the target. */
  answerSeparator: string;
  /** Between few-shot exemplars (and before the query). */
  exemplarSeparator: string;
  eosToken: string;
}

export const DEFAULT_FLAN_TEMPLATE_OPTIONS: Readonly<FlanTemplateOptions> = {
  type: "zs_opt",
  followRecord: false,
  patterns: {},
  fallbackPatterns: GENERIC_PATTERNS,
  maxExemplars: 3,
  answerSeparator: "\n",
  exemplarSeparator: "\n\n",
  eosToken: DEFAULT_EOS_TOKEN,
};

export function validateFlanTemplateOptions(o: FlanTemplateOptions): FlanTemplateOptions {
  if (!isTemplateType(o.type)) throw new UserError(`flan template: type must be one of zs_opt, zs_noopt, fs_opt, fs_noopt, got '${o.type}'`, 1);
  if (!Number.isInteger(o.maxExemplars) || o.maxExemplars < 1) throw new UserError(`flan template: maxExemplars must be a positive integer, got ${o.maxExemplars}`, 1);
  validatePatterns(o.fallbackPatterns, "flan template: fallbackPatterns");
  for (const [task, list] of Object.entries(o.patterns)) validatePatterns(list, `flan template: patterns.${task}`);
  return o;
}

type Values = Record<string, string>;

function stringMap(value: unknown, where: string): Values {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new UserError(`${where} must be an object of strings`, 1);
  const out: Values = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== "string") throw new UserError(`${where}.${k} must be a string`, 1);
    out[k] = v;
  }
  return out;
}

function stringList(value: unknown, where: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) throw new UserError(`${where} must be an array of strings`, 1);
  return value.length > 0 ? (value as string[]) : undefined;
}

/** One filled-in task instance: placeholder values and its options. */
interface Instance {
  values: Values;
  options?: string[];
}

function withOptions(values: Values, options: string[] | undefined, show: boolean): Values {
  return { ...values, [OPTIONS_PLACEHOLDER]: show && options ? optionsText(options) : "" };
}

/** The input pattern filled; the options block is appended when asked for and the pattern has no slot for it. */
function fillInput(pattern: FlanPattern, inst: Instance, show: boolean, where: string): string {
  const text = fillPattern(pattern.input, withOptions(inst.values, inst.options, show), where);
  const hasSlot = pattern.input.includes(`{${OPTIONS_PLACEHOLDER}}`);
  return show && inst.options && !hasSlot ? `${text}\n\n${optionsText(inst.options)}` : text;
}

export function flanTemplate(options: Partial<FlanTemplateOptions> = {}, name = "flan"): Template {
  const o = validateFlanTemplateOptions({ ...DEFAULT_FLAN_TEMPLATE_OPTIONS, ...options });

  function layout(input: PromptInput): { prompt: Segment[]; answer: Segment[]; type: TemplateType } {
    const view = singleTurnView(input, name);
    const record = isRecord(input) ? input : undefined;
    const where = record ? whereRecord(record) : "prompt";
    const meta = record?.metadata ?? {};
    const base: Values = { instruction: view.instruction, input: view.input };
    if (view.output !== undefined) Object.assign(base, { output: view.output, answer: view.output });
    const query: Instance = { values: { ...base, ...stringMap(meta.values, `${where}: metadata.values`) } };
    query.options = stringList(meta.options, `${where}: metadata.options`);

    let type = o.followRecord && isTemplateType(meta.template_type) ? meta.template_type : o.type;
    const available = Array.isArray(meta.exemplars) ? meta.exemplars.slice(0, o.maxExemplars) : [];
    if (type.startsWith("fs") && available.length === 0) type = type === "fs_opt" ? "zs_opt" : "zs_noopt";
    const exemplars = type.startsWith("fs") ? available : [];
    const show = type.endsWith("_opt") && query.options !== undefined;
    if (type.endsWith("_opt") && !show) type = type.startsWith("fs") ? "fs_noopt" : "zs_noopt";

    const pattern = choosePattern(record, meta, where);
    const u = view.userTurn;
    const prompt: Segment[] = [];
    if (view.system !== undefined) prompt.push(content(view.system, "system", view.systemTurn), markup("\n\n", "system", view.systemTurn));
    exemplars.forEach((ex, i) => {
      const at = `${where}: metadata.exemplars[${i}]`;
      const { options: exOptions, ...rest } = (ex ?? {}) as Record<string, unknown>;
      const inst: Instance = { values: { instruction: view.instruction, ...stringMap(rest, at) }, options: stringList(exOptions, `${at}.options`) };
      const text = fillInput(pattern, inst, show, at) + o.answerSeparator + fillPattern(pattern.target, inst.values, at);
      prompt.push(content(text, "prompt", u), markup(o.exemplarSeparator, "prompt", u));
    });
    prompt.push(content(fillInput(pattern, query, show, where), "prompt", u), markup(o.answerSeparator, "prompt", u));
    const answer: Segment[] = [];
    if (view.output !== undefined) {
      answer.push(content(fillPattern(pattern.target, query.values, where), "response", view.assistantTurn, true));
      answer.push(eosSegment(o.eosToken, "response", view.assistantTurn));
    }
    return { prompt: nonEmpty(prompt), answer: nonEmpty(answer), type };
  }

  function choosePattern(record: InstructionRecord | undefined, meta: Record<string, unknown>, where: string): FlanPattern {
    if (meta.pattern !== undefined) return validatePatterns([meta.pattern], `${where}: metadata.pattern`)[0];
    const list = (record?.task !== undefined && Object.hasOwn(o.patterns, record.task) ? o.patterns[record.task] : undefined) ?? o.fallbackPatterns;
    const index = meta.pattern_index;
    if (index !== undefined) {
      if (!Number.isInteger(index) || (index as number) < 0 || (index as number) >= list.length) {
        throw new UserError(`${where}: metadata.pattern_index ${String(index)} is not in [0, ${list.length})`, 1);
      }
      return list[index as number];
    }
    return list[record ? fnv1a(record.id) % list.length : 0];
  }

  return {
    name,
    stopStrings: [],
    eosEndsResponse: true,
    eosToken: o.eosToken,
    render(record: InstructionRecord): Rendered {
      const { prompt, answer, type } = layout(record);
      return { segments: [...prompt, ...answer], promptSegments: prompt.length, templateType: type };
    },
    renderPrompt(input: PromptInput): string {
      return joinSegments(layout(input).prompt);
    },
  };
}
