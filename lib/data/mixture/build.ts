/**
 * Building a mixture from a recipe: open every source's pool, drop held-out clusters, drop records that
 * overlap evaluation sets, drop duplicates across all pools, then allocate counts by the strategy, sample
 * each source (repeating a source only when it is asked for more than it has), and shuffle. Every step
 * is seeded and reports what it removed; the same recipe and inputs give byte-identical output.
 */
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { createHash } from "node:crypto";
import type { InstructionRecord } from "../record";
import { loadRecords } from "../load";
import { writeRecords } from "../formats/index";
import { dedupRecords, type DuplicateRemoval } from "../dedup";
import { decontaminate, NgramIndex, type ContaminationRemoval } from "../decontaminate";
import type { TemplateType } from "../templates/types";
import type { MixtureRecipe } from "./recipe";
import { openSource, recordTemplateType, type SourceFeature } from "./sources";
import { excludedClusters } from "./held-out";
import { allocate } from "./strategy";
import { deriveSeed, mulberry32, permutation, shuffleInPlace } from "../../random";

/** Template type of records that carry none (not FLAN-formatted). */
export const NO_TEMPLATE_TYPE = "none";

/** Provenance written with every mixture record. */
export interface MixProvenance {
  source: string;
  task: string | null;
  cluster: string | null;
  template_type: TemplateType | typeof NO_TEMPLATE_TYPE;
  /** The record's id in its source. */
  id: string;
  /** The data file it came from (file sources), with its line or index. */
  file?: string;
  line?: number;
  index?: number;
}

export interface SourceReport {
  name: string;
  file?: string;
  generator?: string;
  /** Records the source offered (valid ones, for files). */
  offered: number;
  /** Invalid records skipped while reading a file. */
  invalid?: number;
  /** Records left after held-out clusters, decontamination and deduplication. */
  available: number;
  /** Records drawn. */
  selected: number;
  /** Draws beyond `available` (the source was repeated). */
  repeated: number;
  /** Share of the mixture the strategy gave this source. */
  rate: number;
  /** Recipe fields this source applied itself; fields set in the recipe but not applied are in `ignored`. */
  honored: SourceFeature[];
  ignored: SourceFeature[];
}

/** One task of a source, when the recipe mixes per task. */
export interface ComponentReport {
  source: string;
  task: string | null;
  available: number;
  selected: number;
  rate: number;
}

export type Counts = Record<string, number>;

export interface RemovedList<T> {
  count: number;
  /** At most MAX_LISTED entries; `count` is the whole number. */
  items: T[];
}

export interface MixtureManifest {
  /** Manifest layout version. */
  version: 1;
  recipe: MixtureRecipe;
  file: string;
  records: number;
  /** sha256 of the JSONL file's bytes. */
  sha256: string;
  sources: SourceReport[];
  /** Per task of each source (recipe unit "task" only). */
  components?: ComponentReport[];
  counts: { bySource: Counts; byTask: Counts; byCluster: Counts; byTemplateType: Counts };
  removed: {
    heldOut: { clusters: string[]; count: number; byCluster: Counts };
    contaminated: RemovedList<ContaminationRemoval & { source: string }>;
    exactDuplicates: RemovedList<DuplicateRemoval>;
    nearDuplicates: RemovedList<DuplicateRemoval>;
  };
}

export interface MixtureResult {
  records: InstructionRecord[];
  jsonl: string;
  manifest: MixtureManifest;
}

export interface BuildOptions {
  /** Directory relative file names in the recipe are resolved against. */
  baseDir: string;
  /** Evaluation records to decontaminate against, besides the recipe's evalFiles. */
  evalRecords?: readonly InstructionRecord[];
  /** The mixture file's name in the manifest. */
  fileName: string;
}

export const MIXTURE_FILE = "mixture.jsonl";
export const MANIFEST_FILE = "manifest.json";
/** Removals listed one by one in the manifest (all are counted). */
export const MAX_LISTED = 10000;

interface ComponentPool {
  /** Index of the source in the recipe. */
  source: number;
  task: string | null;
  items: PoolItem[];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface PoolItem {
  record: InstructionRecord;
  source: string;
  /** Key for cross-source steps: source name and record id. */
  key: string;
}

function tally(counts: Counts, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function sorted(counts: Counts): Counts {
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => compare(a, b)));
}

function listed<T>(items: T[]): RemovedList<T> {
  return { count: items.length, items: items.slice(0, MAX_LISTED) };
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Builds the mixture a recipe describes (see the module comment for the steps). */
export async function buildMixture(recipe: MixtureRecipe, options: Partial<BuildOptions> = {}): Promise<MixtureResult> {
  const baseDir = options.baseDir ?? process.cwd();
  const fileName = options.fileName ?? MIXTURE_FILE;
  const exclude = excludedClusters(recipe.heldOut);

  // 1. Pools, with held-out clusters dropped.
  const reports: SourceReport[] = [];
  const heldOutByCluster: Counts = {};
  let items: PoolItem[] = [];
  for (const spec of recipe.sources) {
    const pool = await openSource({
      spec,
      seed: deriveSeed(recipe.seed, "source", spec.name),
      excludeClusters: exclude,
      templateMix: recipe.templateMix,
      inputInversion: recipe.inputInversion,
      baseDir,
    });
    const asked: SourceFeature[] = [];
    if (recipe.templateMix) asked.push("templateMix");
    if (recipe.inputInversion > 0) asked.push("inputInversion");
    const report: SourceReport = {
      name: spec.name,
      offered: pool.records.length,
      available: 0,
      selected: 0,
      repeated: 0,
      rate: 0,
      honored: pool.honored.filter((f) => f !== "heldOut" || exclude.size > 0),
      ignored: asked.filter((f) => !pool.honored.includes(f)),
    };
    if (spec.file !== undefined) report.file = spec.file;
    if (spec.generator !== undefined) report.generator = spec.generator;
    if (pool.invalid !== undefined) report.invalid = pool.invalid;
    reports.push(report);
    for (const record of pool.records) {
      if (record.cluster !== undefined && exclude.has(record.cluster)) {
        tally(heldOutByCluster, record.cluster);
        continue;
      }
      items.push({ record, source: spec.name, key: `${spec.name}/${record.id}` });
    }
  }

  // 2. Decontamination against evaluation sets.
  const contaminated: (ContaminationRemoval & { source: string })[] = [];
  if (recipe.decontaminate || options.evalRecords) {
    const index = new NgramIndex(recipe.decontaminate ? { n: recipe.decontaminate.n, minTokens: recipe.decontaminate.minTokens } : {});
    for (const file of recipe.decontaminate?.evalFiles ?? []) {
      for (const r of (await loadRecords(resolve(baseDir, file))).records) index.addRecord(r);
    }
    for (const r of options.evalRecords ?? []) index.addRecord(r);
    // Ids as "source/id", unique across sources, so the report names the record unambiguously.
    const keyed = items.map((it) => ({ it, record: { ...it.record, id: it.key } }));
    const out = decontaminate(keyed, index, (x) => x.record);
    const sourceOf = new Map(items.map((it) => [it.key, it.source]));
    for (const r of out.removed) contaminated.push({ ...r, source: sourceOf.get(r.id)! });
    items = out.kept.map((x) => x.it);
  }

  // 3. Duplicates across all pools (first occurrence, in recipe order, kept).
  let exact: DuplicateRemoval[] = [];
  let near: DuplicateRemoval[] = [];
  if (recipe.dedup && (recipe.dedup.exact || recipe.dedup.near !== null)) {
    // Ids are made unique across sources for the report: "source/id".
    const keyed = items.map((it) => ({ it, record: { ...it.record, id: it.key } }));
    const out = dedupRecords(keyed, recipe.dedup, (x) => x.record);
    exact = out.removed.filter((r) => r.reason === "exact");
    near = out.removed.filter((r) => r.reason === "near");
    items = out.kept.map((x) => x.it);
  }

  // 4. Allocation over what is left (per source, or per task of each source), then sampling.
  const components: ComponentPool[] = [];
  const componentOf = new Map<string, ComponentPool>();
  recipe.sources.forEach((spec, i) => {
    // Every source is listed even when empty, so the report covers it.
    if (recipe.unit === "source") {
      const c: ComponentPool = { source: i, task: null, items: [] };
      components.push(c);
      componentOf.set(spec.name, c);
    }
  });
  for (const it of items) {
    const key = recipe.unit === "source" ? it.source : `${it.source}\u0000${it.record.task ?? ""}`;
    let c = componentOf.get(key);
    if (!c) {
      c = { source: recipe.sources.findIndex((s) => s.name === it.source), task: it.record.task ?? null, items: [] };
      components.push(c);
      componentOf.set(key, c);
    }
    c.items.push(it);
  }
  if (recipe.unit === "task") components.sort((a, b) => a.source - b.source || compare(a.task ?? "", b.task ?? ""));
  const alloc = allocate(
    components.map((c) => {
      const spec = recipe.sources[c.source];
      return { size: c.items.length, cap: spec.cap, weight: spec.weight, count: spec.count };
    }),
    recipe.strategy,
    recipe.total,
  );
  const chosen: { item: PoolItem; repeat: number }[] = [];
  const componentReports: ComponentReport[] = [];
  components.forEach((c, k) => {
    const spec = recipe.sources[c.source];
    const report = reports[c.source];
    const count = alloc.counts[k];
    report.available += c.items.length;
    report.selected += count;
    report.rate += alloc.rates[k];
    report.repeated += Math.max(0, count - c.items.length);
    if (recipe.unit === "task") componentReports.push({ source: spec.name, task: c.task, available: c.items.length, selected: count, rate: alloc.rates[k] });
    const random = mulberry32(deriveSeed(recipe.seed, "sample", spec.name, c.task ?? ""));
    // Whole passes over the pool, each in a fresh order, so no record repeats before all were used.
    for (let taken = 0, pass = 0; taken < count; pass++) {
      for (const j of permutation(c.items.length, random)) {
        if (taken === count) break;
        chosen.push({ item: c.items[j], repeat: pass });
        taken++;
      }
    }
  });

  // 5. Output records in a seeded order, with provenance.
  shuffleInPlace(chosen, mulberry32(deriveSeed(recipe.seed, "shuffle")));
  const counts = { bySource: {} as Counts, byTask: {} as Counts, byCluster: {} as Counts, byTemplateType: {} as Counts };
  const used = new Set<string>();
  const records = chosen.map(({ item, repeat }) => {
    const r = item.record;
    let id = repeat === 0 ? item.key : `${item.key}#${repeat + 1}`;
    for (let k = 2; used.has(id); k++) id = `${item.key}~${k}`;
    used.add(id);
    const templateType = recordTemplateType(r) ?? NO_TEMPLATE_TYPE;
    const provenance: MixProvenance = { source: item.source, task: r.task ?? null, cluster: r.cluster ?? null, template_type: templateType, id: r.id };
    // Relative to the recipe, so the output (and its hash) does not depend on where the data lives.
    if (r.provenance?.file) provenance.file = isAbsolute(r.provenance.file) ? relative(baseDir, r.provenance.file) : r.provenance.file;
    if (r.provenance?.line !== undefined) provenance.line = r.provenance.line;
    if (r.provenance?.index !== undefined) provenance.index = r.provenance.index;
    tally(counts.bySource, item.source);
    if (r.task !== undefined) tally(counts.byTask, r.task);
    if (r.cluster !== undefined) tally(counts.byCluster, r.cluster);
    tally(counts.byTemplateType, templateType);
    const out: InstructionRecord = {
      id,
      source: item.source,
      messages: r.messages.map((m) => ({ role: m.role, content: m.content })),
      metadata: { provenance },
      provenance: { file: fileName, format: "chat", container: "jsonl" },
    };
    if (r.task !== undefined) out.task = r.task;
    if (r.cluster !== undefined) out.cluster = r.cluster;
    if (r.references !== undefined) out.references = r.references;
    return out;
  });
  const jsonl = records.length > 0 ? writeRecords(records, { format: "chat", container: "jsonl" }) : "";

  const manifest: MixtureManifest = {
    version: 1,
    recipe,
    file: fileName,
    records: records.length,
    sha256: sha256Hex(jsonl),
    sources: reports,
    ...(recipe.unit === "task" ? { components: componentReports } : {}),
    counts: { bySource: sorted(counts.bySource), byTask: sorted(counts.byTask), byCluster: sorted(counts.byCluster), byTemplateType: sorted(counts.byTemplateType) },
    removed: {
      heldOut: { clusters: [...exclude].sort(), count: Object.values(heldOutByCluster).reduce((a, b) => a + b, 0), byCluster: sorted(heldOutByCluster) },
      contaminated: listed(contaminated),
      exactDuplicates: listed(exact),
      nearDuplicates: listed(near),
    },
  };
  return { records, jsonl, manifest };
}

/** The directory a recipe file's relative paths are resolved against. */
export function recipeBaseDir(recipeFile: string): string {
  return dirname(resolve(recipeFile));
}
