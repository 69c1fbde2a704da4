/**
 * The task library's table of contents: every cluster, its tasks and their templates, looked up by name,
 * and named sources ("cluster:arithmetic", "task:capital_qa") as mixture recipes spell them.
 */
import { UserError } from "../errors";
import type { ClusterSpec, TaskSpec, Template } from "./types";
import { closedBookQa } from "./clusters/closed-book";
import { closedBookChoice } from "./clusters/closed-book-choice";
import { everydayQa } from "./clusters/everyday";
import { comparison } from "./clusters/comparison";
import { nli } from "./clusters/nli";
import { paraphrase } from "./clusters/paraphrase";
import { sentiment } from "./clusters/sentiment";
import { readingComprehension } from "./clusters/reading";
import { arithmetic } from "./clusters/arithmetic";
import { stringTransforms } from "./clusters/strings";
import { listOps } from "./clusters/lists";
import { translation } from "./clusters/translation";
import { dataToText } from "./clusters/data-to-text";
import { extraction } from "./clusters/extraction";
import { coreference } from "./clusters/coreference";
import { closest } from "../suggest";

export const CLUSTERS: readonly ClusterSpec[] = [
  closedBookQa, everydayQa, comparison, nli, paraphrase, sentiment, readingComprehension,
  arithmetic, stringTransforms, listOps, translation, dataToText, extraction, coreference, closedBookChoice,
];

const TASKS = new Map<string, TaskSpec>(CLUSTERS.flatMap((c) => c.tasks.map((t) => [t.name, t] as const)));
const CLUSTER_BY_NAME = new Map<string, ClusterSpec>(CLUSTERS.map((c) => [c.name, c]));
const TEMPLATES = new Map<string, Template[]>();

export function taskNames(): string[] {
  return [...TASKS.keys()];
}

export function clusterNames(): string[] {
  return CLUSTERS.map((c) => c.name);
}

/** A typo's nearest name ("sentimnt" -> sentiment), else names containing it or contained in it. */
function suggest(name: string, known: string[]): string {
  const typo = closest(name, known);
  if (typo) return ` (did you mean '${typo}'?)`;
  const near = known.filter((k) => k.includes(name) || name.includes(k)).slice(0, 3);
  return near.length ? ` (did you mean ${near.join(", ")}?)` : "";
}

export function getTask(name: string): TaskSpec {
  const t = TASKS.get(name);
  if (!t) throw new UserError(`unknown task '${name}'${suggest(name, taskNames())}; see taskLibrary() for the list`, 1);
  return t;
}

export function getCluster(name: string): ClusterSpec {
  const c = CLUSTER_BY_NAME.get(name);
  if (!c) throw new UserError(`unknown task cluster '${name}'${suggest(name, clusterNames())}; known: ${clusterNames().join(", ")}`, 1);
  return c;
}

/** A task's templates with ids (`<task>/t<index>`), forward ones first as written. */
export function templatesOf(task: string | TaskSpec): Template[] {
  const spec = typeof task === "string" ? getTask(task) : task;
  let list = TEMPLATES.get(spec.name);
  if (!list) {
    list = spec.templates.map((t, index): Template => ({
      ...t,
      id: `${spec.name}/t${index}`,
      task: spec.name,
      index,
      target: t.target ?? "{answer}",
      inverted: t.inverted === true,
    }));
    TEMPLATES.set(spec.name, list);
  }
  return list;
}

/** A template by id ("capital_qa/t3"). */
export function getTemplate(id: string): Template {
  const m = /^(.+)\/t(\d+)$/.exec(id);
  const t = m ? templatesOf(m[1])[Number(m[2])] : undefined;
  if (!t) throw new UserError(`unknown template '${id}'; template ids look like capital_qa/t3`, 1);
  return t;
}

/**
 * Task names for a named source: "task:<name>", "cluster:<name>", or "all". A bare name is tried as a task,
 * then as a cluster.
 */
export function resolveSource(source: string): string[] {
  const s = source.trim();
  if (s === "all" || s === "tasks" || s === "cluster:*" || s === "task:*") return taskNames();
  const m = /^(task|cluster):(.+)$/.exec(s);
  if (m) return m[1] === "task" ? [getTask(m[2]).name] : getCluster(m[2]).tasks.map((t) => t.name);
  if (TASKS.has(s)) return [s];
  if (CLUSTER_BY_NAME.has(s)) return getCluster(s).tasks.map((t) => t.name);
  throw new UserError(`unknown task source '${source}': use task:<name>, cluster:<name> or all${suggest(s, [...taskNames(), ...clusterNames()])}`, 1);
}

export interface TemplateInfo {
  id: string;
  prompt: string;
  target: string;
  inverted: boolean;
}

export interface TaskInfo {
  name: string;
  cluster: string;
  description: string;
  inputs: string[];
  templates: TemplateInfo[];
}

export interface ClusterInfo {
  name: string;
  description: string;
  related: string[];
  tasks: string[];
}

export interface TaskLibrary {
  clusters: ClusterInfo[];
  tasks: TaskInfo[];
}

/** Everything in the library as plain JSON: clusters, tasks, templates (for listing and for notebooks). */
export function taskLibrary(): TaskLibrary {
  return {
    clusters: CLUSTERS.map((c) => ({ name: c.name, description: c.description, related: [...(c.related ?? [])], tasks: c.tasks.map((t) => t.name) })),
    tasks: CLUSTERS.flatMap((c) =>
      c.tasks.map((t) => ({
        name: t.name,
        cluster: c.name,
        description: t.description,
        inputs: [...t.inputs],
        templates: templatesOf(t).map((x) => ({ id: x.id, prompt: x.prompt, target: x.target, inverted: x.inverted })),
      })),
    ),
  };
}
