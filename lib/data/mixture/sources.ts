/**
 * Where mixture records come from. A recipe names a file (read with loadRecords, any format) or a source
 * registered in code: a generator or a list of records, e.g. a synthetic task library. A source gets the
 * recipe fields that shape records (held-out clusters, template mix, input-inversion rate, its options)
 * and says which it honored, so the manifest can tell what was applied and what was not.
 */
import { resolve } from "node:path";
import { UserError } from "../../errors";
import type { InstructionRecord } from "../record";
import { loadRecords } from "../load";
import { parseFormatSpec } from "../formats/index";
import { isTemplateType, type TemplateType } from "../templates/types";
import type { SourceSpec, TemplateMix } from "./recipe";
import { renderFlanPool } from "./flan-source";

/** Recipe fields a source may act on. */
export type SourceFeature = "heldOut" | "templateMix" | "inputInversion";

export interface SourceContext {
  spec: SourceSpec;
  /** Seed for this source alone (derived from the recipe's seed and the source's name). */
  seed: number;
  /** Clusters the mixture leaves out; a generator should not produce them (the mixer drops them anyway). */
  excludeClusters: ReadonlySet<string>;
  templateMix: TemplateMix | null;
  inputInversion: number;
  /** Directory relative file names are resolved against (the recipe's). */
  baseDir: string;
}

export interface SourcePool {
  /** Every record the source offers, in a fixed order; the mixer samples from them. */
  records: InstructionRecord[];
  /** Which of templateMix / inputInversion / heldOut the source applied itself. */
  honored: SourceFeature[];
  /** File sources: the file read and how many of its records were invalid (skipped). */
  file?: string;
  invalid?: number;
}

/** Makes a source's pool; may be async (reading files, running a generator). */
export type SourceFactory = (ctx: SourceContext) => SourcePool | Promise<SourcePool>;

const REGISTRY = new Map<string, SourceFactory>();

/** Makes `name` usable as `{"generator": name}` in recipes. Re-registering a name replaces it. */
export function registerSource(name: string, factory: SourceFactory): void {
  if (typeof name !== "string" || name === "") throw new UserError("registerSource: name must be a non-empty string", 1);
  REGISTRY.set(name, factory);
}

export function unregisterSource(name: string): boolean {
  return REGISTRY.delete(name);
}

export function registeredSources(): string[] {
  return [...REGISTRY.keys()].sort();
}

/** A fixed list of records as a source (held-out filtering is left to the mixer). */
export function recordsSource(records: readonly InstructionRecord[]): SourceFactory {
  return () => ({ records: records.slice(), honored: [] });
}

/**
 * The template type a record carries in metadata: template_type (or FLAN's _template_type) as zs_opt..fs_noopt,
 * or templateType "zero-shot" / "few-shot" with a boolean withOptions.
 */
export function recordTemplateType(record: InstructionRecord): TemplateType | undefined {
  const m = record.metadata ?? {};
  const t = m.template_type ?? m._template_type ?? m.templateType;
  if (isTemplateType(t)) return t;
  if (t === "zero-shot" || t === "few-shot") return `${t === "zero-shot" ? "zs" : "fs"}_${m.withOptions === true ? "opt" : "noopt"}`;
  return undefined;
}

/** A template mix as shot and option rates: shares of zero-shot and few-shot, and the share with options. */
export function templateMixRates(mix: TemplateMix): { zeroShot: number; fewShot: number; withOptions: number } {
  const v = (t: TemplateType) => mix[t] ?? 0;
  const total = v("zs_opt") + v("zs_noopt") + v("fs_opt") + v("fs_noopt");
  if (!(total > 0)) return { zeroShot: 1, fewShot: 0, withOptions: 0 };
  return { zeroShot: (v("zs_opt") + v("zs_noopt")) / total, fewShot: (v("fs_opt") + v("fs_noopt")) / total, withOptions: (v("zs_opt") + v("fs_opt")) / total };
}

async function fileSource(ctx: SourceContext): Promise<SourcePool> {
  const { spec } = ctx;
  const path = resolve(ctx.baseDir, spec.file!);
  const loaded = await loadRecords(path, { source: spec.name, ...(spec.format ? parseFormatSpec(spec.format) : {}) });
  let records = loaded.records;
  const honored: SourceFeature[] = [];
  if (spec.template === "flan") {
    records = renderFlanPool(records, { seed: ctx.seed, templateMix: ctx.templateMix, patterns: spec.patterns ?? {} });
    if (ctx.templateMix) honored.push("templateMix");
  }
  return { records, honored, file: spec.file, invalid: loaded.counts.invalid };
}

/** The pool of one recipe source. */
export async function openSource(ctx: SourceContext): Promise<SourcePool> {
  const { spec } = ctx;
  if (spec.file !== undefined) return fileSource(ctx);
  const factory = REGISTRY.get(spec.generator!);
  if (!factory) {
    const known = registeredSources();
    throw new UserError(`source '${spec.name}': no generator '${spec.generator}' is registered (${known.length ? `known: ${known.join(", ")}` : "none are; load a module that calls registerSource"})`, 1);
  }
  const pool = await factory(ctx);
  if (!pool || !Array.isArray(pool.records)) throw new UserError(`source '${spec.name}': generator '${spec.generator}' returned no records array`, 1);
  return { ...pool, honored: pool.honored ?? [] };
}
