/**
 * Held-out clusters for evaluating on unseen tasks (FLAN's leave-one-cluster-out): holding out a cluster
 * holds out every cluster grouped with it (e.g. NLI with paraphrase, whose tasks overlap too much for one
 * to count as unseen while the other is trained on).
 */
import type { HeldOutSpec, MixtureRecipe } from "./recipe";

/** The clusters left out: the named ones plus every group that contains one of them (transitively). */
export function excludedClusters(heldOut: HeldOutSpec): Set<string> {
  const out = new Set(heldOut.clusters);
  for (let grew = true; grew; ) {
    grew = false;
    for (const group of heldOut.groups) {
      if (group.some((c) => out.has(c)) && group.some((c) => !out.has(c))) {
        for (const c of group) out.add(c);
        grew = true;
      }
    }
  }
  return out;
}

export interface HeldOutRun {
  /** The held-out clusters, sorted and joined with "+" ("nli+paraphrase"). */
  name: string;
  excluded: string[];
  recipe: MixtureRecipe;
}

/**
 * One recipe per cluster of `clusters`, each holding that cluster (and its group) out; clusters whose
 * groups coincide give one run. Runs come in the order of their first cluster in `clusters`.
 */
export function leaveOneClusterOut(recipe: MixtureRecipe, clusters: readonly string[]): HeldOutRun[] {
  const runs: HeldOutRun[] = [];
  const seen = new Set<string>();
  for (const cluster of clusters) {
    const excluded = [...excludedClusters({ clusters: [...recipe.heldOut.clusters, cluster], groups: recipe.heldOut.groups })].sort();
    const name = excludedClusters({ clusters: [cluster], groups: recipe.heldOut.groups });
    const key = excluded.join("\u0000");
    if (seen.has(key)) continue;
    seen.add(key);
    const label = [...name].sort().join("+");
    runs.push({
      name: label,
      excluded,
      recipe: { ...recipe, name: `${recipe.name}-without-${label}`, heldOut: { clusters: excluded, groups: recipe.heldOut.groups } },
    });
  }
  return runs;
}
