/**
 * A mixture recipe: which sources, how much of each (the sampling strategy), which clusters are held out,
 * how FLAN-style layouts and input inversion are apportioned, and which cleaning steps run. Plain JSON, so
 * a recipe file can be checked in next to the data it describes; `validateRecipe` fills defaults and
 * rejects anything unknown or ill-typed with one line naming the key.
 */
import { UserError } from "../../errors";
import { TEMPLATE_TYPES, isTemplateType, type TemplateType } from "../templates/types";
import { DEDUP_FIELDS, type DedupConfig } from "../dedup";
import { DEFAULT_DECONTAMINATE_CONFIG } from "../decontaminate";
import { validatePatterns, type FlanPattern } from "../templates/patterns";

/** FLAN's default cap on examples per task for examples-proportional mixing. */
export const FLAN_EXAMPLE_CAP = 3000;

/**
 * How many records each source contributes:
 *   examples-proportional  rate ∝ min(n, cap)                (FLAN; total defaults to Σ min(n, cap))
 *   temperature            rate ∝ min(n, cap)^(1/T)          (T = 1 is examples-proportional; large T ~ equal)
 *   weights                rate ∝ the source's weight        (total required)
 *   counts                 each source's count exactly        (total = Σ counts)
 */
export type StrategySpec =
  | { type: "examples-proportional"; cap: number }
  | { type: "temperature"; temperature: number; cap: number | null }
  | { type: "weights" }
  | { type: "counts" };

export const STRATEGY_TYPES = ["examples-proportional", "temperature", "weights", "counts"] as const;

export interface SourceSpec {
  /** Unique within the recipe; the `source` of every record it contributes. */
  name: string;
  /** A data file in any format loadRecords reads (relative to the recipe's directory). */
  file?: string;
  /** Format of `file` as for --format ("alpaca", "csv:dolly"); detected when absent. */
  format?: string;
  /** A source registered in code (registerSource), e.g. a synthetic task generator. */
  generator?: string;
  /** For strategy "weights". */
  weight?: number;
  /** For strategy "counts". */
  count?: number;
  /** This source's cap instead of the strategy's. */
  cap?: number;
  /** Render a file's records through FLAN patterns (zero/few-shot, options), honoring templateMix. */
  template?: "flan";
  /** Patterns per task for template "flan". */
  patterns?: Record<string, FlanPattern[]>;
  /** Passed to a generator as is. */
  options?: Record<string, unknown>;
}

export interface HeldOutSpec {
  /** Clusters left out of the mixture (for evaluating on unseen task clusters). */
  clusters: string[];
  /** Related clusters that leave together: holding out one of a group holds out all of it (e.g. NLI + paraphrase). */
  groups: string[][];
}

/** Share of each FLAN layout (normalized to sum to 1). */
export type TemplateMix = Partial<Record<TemplateType, number>>;

export interface DecontaminateSpec {
  /** Evaluation sets, any format (relative to the recipe's directory). */
  evalFiles: string[];
  n: number;
  minTokens: number;
}

/**
 * What the strategy mixes: whole sources, or each task of each source separately (FLAN caps and mixes
 * per task; records without a task form their source's own component).
 */
export type MixUnit = "source" | "task";

export interface MixtureRecipe {
  name: string;
  seed: number;
  unit: MixUnit;
  /** Records in the mixture; null = what the strategy implies. */
  total: number | null;
  strategy: StrategySpec;
  sources: SourceSpec[];
  heldOut: HeldOutSpec;
  templateMix: TemplateMix | null;
  /** Share of records turned into input-inversion tasks by sources that support it. */
  inputInversion: number;
  dedup: DedupConfig | null;
  decontaminate: DecontaminateSpec | null;
}

export const DEFAULT_RECIPE: Readonly<Omit<MixtureRecipe, "sources">> = {
  name: "mixture",
  seed: 0,
  unit: "source",
  total: null,
  strategy: { type: "examples-proportional", cap: FLAN_EXAMPLE_CAP },
  heldOut: { clusters: [], groups: [] },
  templateMix: null,
  inputInversion: 0,
  // Near-duplicate removal is opt-in ("near": 0.7): prompts made from one FLAN pattern are near-duplicates
  // of each other by ROUGE-L, so on templated data it would empty whole tasks.
  dedup: { exact: true, near: null, on: "prompt" },
  decontaminate: null,
};

type Obj = Record<string, unknown>;

/** Type checks that throw `<where>: <key path> ...`. */
class Check {
  constructor(private readonly where: string) {}
  fail(path: string, what: string): never {
    throw new UserError(`${this.where}: ${path} ${what}`, 1);
  }
  /** An object whose keys are all in `known` (any keys when known is null). */
  object(v: unknown, path: string, known: readonly string[] | null): Obj {
    if (typeof v !== "object" || v === null || Array.isArray(v)) this.fail(path, `must be an object, got ${kind(v)}`);
    if (known) for (const k of Object.keys(v as Obj)) if (!known.includes(k)) this.fail(path === "recipe" ? k : `${path}.${k}`, `is not a known key (known: ${known.join(", ")})`);
    return v as Obj;
  }
  string(v: unknown, path: string): string {
    if (typeof v !== "string" || v === "") this.fail(path, `must be a non-empty string, got ${kind(v)}`);
    return v as string;
  }
  strings(v: unknown, path: string): string[] {
    if (!Array.isArray(v)) this.fail(path, `must be an array of strings, got ${kind(v)}`);
    return (v as unknown[]).map((x, i) => this.string(x, `${path}[${i}]`));
  }
  integer(v: unknown, path: string, min: number): number {
    if (typeof v !== "number" || !Number.isInteger(v) || v < min) this.fail(path, `must be an integer >= ${min}, got ${JSON.stringify(v)}`);
    return v as number;
  }
  number(v: unknown, path: string, test: (x: number) => boolean, range: string): number {
    if (typeof v !== "number" || !Number.isFinite(v) || !test(v)) this.fail(path, `must be a number ${range}, got ${JSON.stringify(v)}`);
    return v as number;
  }
}

function kind(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return JSON.stringify(v);
  return typeof v === "object" ? "an object" : String(v);
}

const RECIPE_KEYS = ["name", "seed", "unit", "total", "strategy", "sources", "heldOut", "templateMix", "inputInversion", "dedup", "decontaminate"] as const;
const SOURCE_KEYS = ["name", "file", "format", "generator", "weight", "count", "cap", "template", "patterns", "options"] as const;

function strategy(c: Check, v: unknown): StrategySpec {
  if (v === undefined) return DEFAULT_RECIPE.strategy;
  const o = c.object(v, "strategy", ["type", "cap", "temperature"]);
  const type = o.type;
  if (!STRATEGY_TYPES.includes(type as never)) c.fail("strategy.type", `must be one of ${STRATEGY_TYPES.join(", ")}, got ${kind(type)}`);
  const allowed: Record<string, string[]> = { "examples-proportional": ["cap"], temperature: ["temperature", "cap"], weights: [], counts: [] };
  for (const k of Object.keys(o)) if (k !== "type" && !allowed[type as string].includes(k)) c.fail(`strategy.${k}`, `does not apply to strategy '${type}'`);
  if (type === "examples-proportional") return { type, cap: o.cap === undefined ? FLAN_EXAMPLE_CAP : c.integer(o.cap, "strategy.cap", 1) };
  if (type === "temperature") {
    return {
      type,
      temperature: c.number(o.temperature, "strategy.temperature", (x) => x > 0, "> 0"),
      cap: o.cap === undefined || o.cap === null ? null : c.integer(o.cap, "strategy.cap", 1),
    };
  }
  return { type: type as "weights" | "counts" };
}

function source(c: Check, v: unknown, i: number, strat: StrategySpec): SourceSpec {
  const at = `sources[${i}]`;
  const o = c.object(v, at, SOURCE_KEYS);
  const s: SourceSpec = { name: c.string(o.name, `${at}.name`) };
  if (o.file !== undefined) s.file = c.string(o.file, `${at}.file`);
  if (o.generator !== undefined) s.generator = c.string(o.generator, `${at}.generator`);
  if ((s.file === undefined) === (s.generator === undefined)) c.fail(at, "needs exactly one of 'file' and 'generator'");
  if (o.format !== undefined) {
    if (s.file === undefined) c.fail(`${at}.format`, "applies only to a 'file' source");
    s.format = c.string(o.format, `${at}.format`);
  }
  if (o.weight !== undefined) s.weight = c.number(o.weight, `${at}.weight`, (x) => x >= 0, ">= 0");
  if (o.count !== undefined) s.count = c.integer(o.count, `${at}.count`, 0);
  if (o.cap !== undefined) s.cap = c.integer(o.cap, `${at}.cap`, 1);
  if (strat.type === "weights" && s.weight === undefined) c.fail(`${at}.weight`, "is required by strategy 'weights'");
  if (strat.type === "counts" && s.count === undefined) c.fail(`${at}.count`, "is required by strategy 'counts'");
  if (o.template !== undefined) {
    if (o.template !== "flan") c.fail(`${at}.template`, `must be "flan", got ${kind(o.template)}`);
    if (s.file === undefined) c.fail(`${at}.template`, "applies only to a 'file' source (generators lay out their own records)");
    s.template = "flan";
  }
  if (o.patterns !== undefined) {
    if (s.template !== "flan") c.fail(`${at}.patterns`, 'needs template "flan"');
    const p = c.object(o.patterns, `${at}.patterns`, null);
    s.patterns = {};
    for (const [task, list] of Object.entries(p)) {
      try {
        s.patterns[task] = validatePatterns(list, `${at}.patterns.${task}`);
      } catch {
        c.fail(`${at}.patterns.${task}`, "must be a non-empty array of {input, target} strings");
      }
    }
  }
  if (o.options !== undefined) s.options = c.object(o.options, `${at}.options`, null);
  return s;
}

/**
 * The recipe with defaults filled in; throws UserError `<where>: <key> <what is wrong>` at the first
 * problem. `where` is the recipe file's name in messages.
 */
export function validateRecipe(raw: unknown, where = "recipe"): MixtureRecipe {
  const c = new Check(where);
  const o = c.object(raw, "recipe", RECIPE_KEYS);
  const r: MixtureRecipe = { ...DEFAULT_RECIPE, sources: [] };
  if (o.name !== undefined) r.name = c.string(o.name, "name");
  if (o.seed !== undefined) r.seed = c.integer(o.seed, "seed", 0);
  if (o.unit !== undefined) {
    if (o.unit !== "source" && o.unit !== "task") c.fail("unit", `must be "source" or "task", got ${kind(o.unit)}`);
    r.unit = o.unit as MixUnit;
  }
  if (o.total !== undefined && o.total !== null) r.total = c.integer(o.total, "total", 1);
  r.strategy = strategy(c, o.strategy);
  if (!Array.isArray(o.sources) || o.sources.length === 0) c.fail("sources", `must be a non-empty array, got ${kind(o.sources)}`);
  r.sources = (o.sources as unknown[]).map((s, i) => source(c, s, i, r.strategy));
  const seen = new Map<string, number>();
  r.sources.forEach((s, i) => {
    if (seen.has(s.name)) c.fail(`sources[${i}].name`, `'${s.name}' is already used by sources[${seen.get(s.name)}]`);
    seen.set(s.name, i);
  });
  if (r.unit === "task" && (r.strategy.type === "weights" || r.strategy.type === "counts")) {
    c.fail("unit", `"task" works with the examples-proportional and temperature strategies, not '${r.strategy.type}' (weights and counts are per source)`);
  }
  if (r.strategy.type === "weights" && r.total === null) c.fail("total", "is required by strategy 'weights'");
  if (r.strategy.type === "weights" && r.sources.every((s) => !s.weight)) c.fail("sources", "all have weight 0");
  if (r.strategy.type === "counts" && r.total !== null) {
    const sum = r.sources.reduce((a, s) => a + (s.count ?? 0), 0);
    if (sum !== r.total) c.fail("total", `is ${r.total} but the sources' counts add up to ${sum}`);
  }

  if (o.heldOut !== undefined) {
    const h = c.object(o.heldOut, "heldOut", ["clusters", "groups"]);
    r.heldOut = {
      clusters: h.clusters === undefined ? [] : c.strings(h.clusters, "heldOut.clusters"),
      groups: h.groups === undefined ? [] : (Array.isArray(h.groups) ? h.groups : c.fail("heldOut.groups", "must be an array of arrays of strings")).map((g: unknown, i: number) => c.strings(g, `heldOut.groups[${i}]`)),
    };
  }
  if (o.templateMix !== undefined && o.templateMix !== null) {
    const m = c.object(o.templateMix, "templateMix", TEMPLATE_TYPES);
    const mix: TemplateMix = {};
    for (const [k, v] of Object.entries(m)) if (isTemplateType(k)) mix[k] = c.number(v, `templateMix.${k}`, (x) => x >= 0, ">= 0");
    if (Object.values(mix).every((v) => !v)) c.fail("templateMix", "needs at least one positive share");
    r.templateMix = mix;
  }
  if (o.inputInversion !== undefined) r.inputInversion = c.number(o.inputInversion, "inputInversion", (x) => x >= 0 && x <= 1, "in [0, 1]");
  if (o.dedup === null || o.dedup === false) r.dedup = null;
  else if (o.dedup !== undefined) {
    const d = c.object(o.dedup, "dedup", ["exact", "near", "on"]);
    const dedup: DedupConfig = { ...DEFAULT_RECIPE.dedup! };
    if (d.exact !== undefined) dedup.exact = typeof d.exact === "boolean" ? d.exact : c.fail("dedup.exact", `must be true or false, got ${kind(d.exact)}`);
    if (d.near !== undefined) dedup.near = d.near === null ? null : c.number(d.near, "dedup.near", (x) => x > 0 && x <= 1, "in (0, 1] (or null)");
    if (d.on !== undefined) {
      if (!DEDUP_FIELDS.includes(d.on as never)) c.fail("dedup.on", `must be one of ${DEDUP_FIELDS.join(", ")}, got ${kind(d.on)}`);
      dedup.on = d.on as DedupConfig["on"];
    }
    r.dedup = dedup;
  }
  if (o.decontaminate !== undefined && o.decontaminate !== null) {
    const d = c.object(o.decontaminate, "decontaminate", ["evalFiles", "n", "minTokens"]);
    const files = c.strings(d.evalFiles, "decontaminate.evalFiles");
    if (files.length === 0) c.fail("decontaminate.evalFiles", "must name at least one file");
    r.decontaminate = {
      evalFiles: files,
      n: d.n === undefined ? DEFAULT_DECONTAMINATE_CONFIG.n : c.integer(d.n, "decontaminate.n", 1),
      minTokens: d.minTokens === undefined ? DEFAULT_DECONTAMINATE_CONFIG.minTokens : c.integer(d.minTokens, "decontaminate.minTokens", 1),
    };
  }
  return r;
}
