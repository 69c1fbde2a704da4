/**
 * FLAN layouts for a file of plain instruction records: each record gets a template type drawn from the
 * recipe's template mix (seeded by its id, so the draw does not depend on file order), few-shot types get
 * exemplars drawn from other records of the same task, and the record is rendered into one user turn and
 * one assistant turn. Records that are not single-turn pass through unchanged.
 */
import { singleTurn, type InstructionRecord, type Message } from "../record";
import { flanTemplate } from "../templates/flan";
import { TEMPLATE_TYPES, type Template, type TemplateType } from "../templates/types";
import type { FlanPattern } from "../templates/patterns";
import { deriveSeed, mulberry32 } from "../../random";
import type { TemplateMix } from "./recipe";

export interface FlanPoolOptions {
  seed: number;
  /** Shares of each layout; null = zero-shot with options (plain zero-shot when a record has none). */
  templateMix: TemplateMix | null;
  patterns: Readonly<Record<string, readonly FlanPattern[]>>;
  maxExemplars?: number;
}

/** A template type drawn from the mix with `random()`. */
export function drawTemplateType(mix: TemplateMix | null, random: () => number): TemplateType {
  if (!mix) return "zs_opt";
  const total = TEMPLATE_TYPES.reduce((s, t) => s + (mix[t] ?? 0), 0);
  let x = random() * total;
  for (const t of TEMPLATE_TYPES) {
    x -= mix[t] ?? 0;
    if (x < 0) return t;
  }
  return TEMPLATE_TYPES.filter((t) => (mix[t] ?? 0) > 0).at(-1)!;
}

/** Placeholder values of a record for use as an exemplar. */
function exemplarValues(r: InstructionRecord): Record<string, unknown> | undefined {
  const turn = singleTurn(r);
  if (!turn) return undefined;
  const f = r.fields ?? { instruction: turn.prompt, input: "", output: turn.response };
  const values = typeof r.metadata.values === "object" && r.metadata.values !== null ? (r.metadata.values as Record<string, unknown>) : {};
  const out: Record<string, unknown> = { ...values, instruction: f.instruction, input: f.input, output: f.output, answer: f.output };
  if (Array.isArray(r.metadata.options)) out.options = r.metadata.options;
  return out;
}

export function renderFlanPool(records: readonly InstructionRecord[], options: FlanPoolOptions): InstructionRecord[] {
  const byTask = new Map<string, number[]>();
  records.forEach((r, i) => {
    const key = r.task ?? "";
    const list = byTask.get(key);
    if (list) list.push(i);
    else byTask.set(key, [i]);
  });
  const maxExemplars = options.maxExemplars ?? 3;
  const templates = new Map<TemplateType, Template>();
  const templateFor = (type: TemplateType): Template => {
    let t = templates.get(type);
    if (!t) templates.set(type, (t = flanTemplate({ type, patterns: options.patterns, maxExemplars })));
    return t;
  };
  return records.map((record, i) => {
    const turn = singleTurn(record);
    if (!turn) return record;
    const random = mulberry32(deriveSeed(options.seed, "flan", record.id));
    const wanted = drawTemplateType(options.templateMix, random);
    const exemplars: Record<string, unknown>[] = [];
    if (wanted.startsWith("fs")) {
      const others = (byTask.get(record.task ?? "") ?? []).filter((j) => j !== i);
      for (let k = 0; k < maxExemplars && others.length > 0; k++) {
        const j = others.splice(Math.floor(random() * others.length), 1)[0];
        const values = exemplarValues(records[j]);
        if (values) exemplars.push(values);
      }
    }
    const template = templateFor(wanted);
    const system: Message[] = turn.system !== undefined ? [{ role: "system", content: turn.system }] : [];
    // The system turn stays a turn of its own; the template lays out the exchange.
    const bare: InstructionRecord = { ...record, messages: record.messages.filter((m) => m.role !== "system"), metadata: { ...record.metadata, exemplars } };
    const rendered = template.render(bare);
    const head = rendered.segments.slice(0, rendered.promptSegments);
    // The last prompt segment is the separator before the answer, which a chat record does not need.
    const prompt = head.slice(0, -1).map((s) => s.text).join("");
    const answer = rendered.segments.slice(rendered.promptSegments).filter((s) => !s.eos).map((s) => s.text).join("");
    const { exemplars: _ignored, ...metadata } = record.metadata;
    const out: InstructionRecord = {
      ...record,
      messages: [...system, { role: "user", content: prompt }, { role: "assistant", content: answer }],
      metadata: { ...metadata, template_type: rendered.templateType },
    };
    delete out.fields;
    return out;
  });
}
