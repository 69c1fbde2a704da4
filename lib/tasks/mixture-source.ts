/**
 * The task library as a mixture source: a recipe line `{"name": "flan", "generator": "tasks",
 * "options": {"clusters": ["arithmetic"], "perTask": 300, "worldSeed": 0}}` draws FLAN-style records from
 * the synthetic world, honoring the recipe's held-out clusters, template mix and input-inversion rate.
 */
import { registerSource, templateMixRates, type SourceContext } from "../data/mixture/index";
import { UserError } from "../errors";
import { generateWorld } from "../world/index";
import { generateRecords } from "./generate";
import { clusterNames } from "./registry";

export const TASKS_SOURCE = "tasks";

function tasksPool(ctx: SourceContext) {
  const o = (ctx.spec.options ?? {}) as { clusters?: string[]; tasks?: string[]; sources?: string[]; perTask?: number; worldSeed?: number; k?: number };
  for (const k of Object.keys(o)) {
    if (!["clusters", "tasks", "sources", "perTask", "worldSeed", "k"].includes(k)) throw new UserError(`source '${ctx.spec.name}': unknown option '${k}' for the tasks generator`, 2);
  }
  const world = generateWorld(o.worldSeed ?? 0);
  const wanted = o.clusters ?? (o.tasks || o.sources ? undefined : clusterNames());
  const clusters = wanted?.filter((c) => !ctx.excludeClusters.has(c));
  const records = generateRecords(world, {
    clusters, tasks: o.tasks, sources: o.sources, n: o.perTask ?? 100, seed: ctx.seed, split: "train", k: o.k ?? 2,
    templateTypes: ctx.templateMix ? templateMixRates(ctx.templateMix) : undefined, inversionRate: ctx.inputInversion, source: ctx.spec.name,
  });
  return { records: records.filter((r) => !r.cluster || !ctx.excludeClusters.has(r.cluster)), honored: ["heldOut", "templateMix", "inputInversion"] as ("heldOut" | "templateMix" | "inputInversion")[] };
}

/** Registers the task library under the name "tasks" (idempotent). */
export function registerTaskSource(): void {
  registerSource(TASKS_SOURCE, tasksPool);
}
