/**
 * `nanoinstruct mix --recipe FILE --out DIR`: builds an instruction-data mixture from a JSON recipe and
 * writes DIR/mixture.jsonl (chat records with provenance) and DIR/manifest.json (the resolved recipe,
 * counts, what each cleaning step removed, the JSONL's sha256), atomically.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Command } from "../command";
import { parse, required } from "../args";
import { errorLine, located, UserError } from "../../errors";
import { parseJson } from "../../json-text";
import { validateRecipe } from "../../data/mixture/recipe";
import { buildMixture, recipeBaseDir, type MixtureManifest } from "../../data/mixture/build";
import { writeMixture } from "../../data/mixture/write";
import { registerTaskSource } from "../../tasks/mixture-source";
import { getTemplate } from "../../data/templates/registry";
import { portableTemplateSpec } from "../../data/templates/hf";

const USAGE = `usage: nanoinstruct mix --recipe FILE --out DIR [--force] [--template T] [--sources MODULE ...] [--json]

Builds a mixture from a JSON recipe: sources (data files in any format, or generators registered in
code), a sampling strategy (examples-proportional with a cap, temperature, weights or counts), held-out
clusters, template-type shares, deduplication and decontamination. Writes DIR/mixture.jsonl and
DIR/manifest.json; the same recipe and inputs always give the same bytes.

  --recipe FILE      the recipe (JSON); relative paths in it are relative to its directory
  --out DIR          output directory (written to a temporary directory first, then renamed)
  --force            replace DIR if it exists
  --template T       check that every record renders with this template (a name, a tokenizer_config.json
                     or a model directory with a chat template) and record it in the manifest
  --sources MODULE   a module to import first; it registers generators with registerSource (repeatable)
                     (the task library is always available as {"generator": "tasks", "options": {"clusters": [...], "perTask": N}})
  --json             print the manifest instead of a summary

Recipe keys: name, seed, total, strategy {type, cap, temperature}, sources [{name, file | generator,
format, weight, count, cap, template, patterns, options}], heldOut {clusters, groups}, templateMix
{zs_opt, zs_noopt, fs_opt, fs_noopt}, inputInversion, dedup {exact, near, on} (or null),
decontaminate {evalFiles, n, minTokens}.`;

function summary(m: MixtureManifest, out: string): string {
  const lines = [`wrote ${m.records} records to ${out}/${m.file} (sha256 ${m.sha256.slice(0, 16)}...)`];
  for (const s of m.sources) {
    const extra = [s.repeated > 0 ? `${s.repeated} repeated` : "", s.ignored.length > 0 ? `ignores ${s.ignored.join(", ")}` : ""].filter(Boolean).join("; ");
    lines.push(`  ${s.name.padEnd(20)} ${String(s.selected).padStart(7)} of ${s.available} available (${(100 * s.rate).toFixed(1)}%)${extra ? `  [${extra}]` : ""}`);
  }
  const r = m.removed;
  lines.push(
    `removed: ${r.heldOut.count} held out${r.heldOut.clusters.length ? ` (${r.heldOut.clusters.join(", ")})` : ""}, ` +
      `${r.contaminated.count} contaminated, ${r.exactDuplicates.count} exact and ${r.nearDuplicates.count} near duplicates`,
  );
  const types = Object.entries(m.counts.byTemplateType).map(([k, v]) => `${k} ${v}`).join(", ");
  if (types) lines.push(`template types: ${types}`);
  return lines.join("\n");
}

const command: Command = {
  name: "mix",
  summary: "build an instruction-data mixture from a recipe (JSONL + manifest)",
  usage: USAGE,
  async run(argv) {
    registerTaskSource();
    const { values } = parse(argv, {
      recipe: { type: "string" },
      out: { type: "string" },
      force: { type: "boolean", default: false },
      template: { type: "string" },
      sources: { type: "string", multiple: true, default: [] },
      json: { type: "boolean", default: false },
    });
    const recipeFile = required(values.recipe, "recipe");
    const out = required(values.out, "out");
    for (const mod of values.sources as string[]) {
      try {
        await import(pathToFileURL(resolve(mod)).href);
      } catch (err) {
        throw new UserError(`--sources ${mod}: cannot import: ${errorLine(err)}`, 2);
      }
    }
    let text: string;
    try {
      text = await readFile(recipeFile, "utf8");
    } catch (err) {
      throw new UserError(located(recipeFile, undefined, `cannot read: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message}`), 2);
    }
    const parsed = parseJson(text);
    if (!("value" in parsed)) throw new UserError(located(recipeFile, parsed.line, parsed.problem), 2);
    const recipe = validateRecipe(parsed.value, recipeFile);
    const template = values.template === undefined ? undefined : getTemplate(values.template as string); // a typo fails before the build
    const result = await buildMixture(recipe, { baseDir: recipeBaseDir(recipeFile) });
    if (template) {
      // A record the template cannot lay out (a multi-turn chat under alpaca) fails here, naming it, not at train time.
      for (const r of result.records) template.render(r);
      (result.manifest as MixtureManifest & { template?: unknown }).template = portableTemplateSpec(values.template as string);
    }
    writeMixture(result, out, { force: values.force === true });
    console.log(values.json ? JSON.stringify(result.manifest, null, 2) : summary(result.manifest, out));
    return 0;
  },
};

export default command;
