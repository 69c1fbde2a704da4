/**
 * A self-instruct run, Alpaca's recipe: each request shows a few seed tasks (and optionally some generated
 * ones) as the start of a numbered list and asks the model to continue it; the continuation is parsed into
 * tasks, each is screened (rules, then ROUGE-L against every instruction kept so far, seeds included) and
 * an accepted one is appended to the output at once. Requests go out in batches; results are screened in
 * request order, so a run against a deterministic server is reproducible. Restarting with the same files
 * continues: tasks on disk re-enter the pool and count toward `n`, and request numbers carry on from the log.
 */
import { Rng } from "../random";
import { RULE_NAMES, type RuleName } from "./filters";
import { resolveSelfInstructConfig, type SelfInstructConfig, type SelfInstructOptions } from "./config";
import { readSeedTasks, seedTriple } from "./seeds";
import { buildPrompt } from "./prompt";
import { parseTasks } from "./parse";
import { requestList, type ListResponse } from "./client";
import { InstructionScreen } from "./screen";
import { JsonlAppender, readGenerated, readLogSummary, type CandidateLogLine, type GeneratedTask, type RequestLogLine } from "./store";

export interface SelfInstructProgress {
  /** Accepted tasks in the output file (earlier runs included). */
  kept: number;
  target: number;
  /** Requests and candidates so far, earlier runs included (from the log). */
  requests: number;
  candidates: number;
  /** Candidates dropped per rule, earlier runs included. */
  byRule: Record<RuleName, number>;
  /** Tasks that were already in the output file when this run started. */
  resumed: number;
  /** Requests sent by this run. */
  sent: number;
  elapsedS: number;
}

export interface SelfInstructResult extends SelfInstructProgress {
  /** Why the run ended: enough tasks, the request limit, or `patience` batches without a new task. */
  stopped: "done" | "max-requests" | "patience";
  out: string;
  log: string;
}

export interface SelfInstructHooks {
  /** After each batch (and once at the start). */
  onProgress?: (p: SelfInstructProgress) => void;
  /** Notes: a repaired file, a retry. */
  onMessage?: (text: string) => void;
}

const idOf = (k: number) => `si-${String(k).padStart(6, "0")}`;

export async function selfInstruct(options: SelfInstructOptions, hooks: SelfInstructHooks = {}): Promise<SelfInstructResult> {
  const c: SelfInstructConfig = resolveSelfInstructConfig(options);
  const started = Date.now();
  const seeds = readSeedTasks(c.seedTasks);
  const seedExamples = seeds.map((s) => ({ id: s.id, ...seedTriple(s) }));
  const screen = new InstructionScreen(c.filters);
  for (const s of seeds) screen.addToPool({ id: s.id, instruction: s.instruction });

  const generated: GeneratedTask[] = readGenerated(c.out, hooks.onMessage);
  for (const g of generated) screen.addToPool({ id: g.id, instruction: g.instruction });
  // Ids continue from the count on disk, skipping any an edited file already uses.
  const usedIds = new Set(generated.map((g) => g.id));
  let nextId = generated.length + 1;
  const newId = () => {
    while (usedIds.has(idOf(nextId))) nextId++;
    return idOf(nextId);
  };
  const before = readLogSummary(c.log, hooks.onMessage);
  const byRule = Object.fromEntries(RULE_NAMES.map((r) => [r, before.byRule[r] ?? 0])) as Record<RuleName, number>;
  const progress: SelfInstructProgress = {
    kept: generated.length, target: c.n, requests: before.requests, candidates: before.candidates, byRule,
    resumed: generated.length, sent: 0, elapsedS: 0,
  };
  const report = () => hooks.onProgress?.({ ...progress, byRule: { ...byRule }, elapsedS: (Date.now() - started) / 1000 });
  report();

  const out = new JsonlAppender(c.out);
  const log = new JsonlAppender(c.log);
  let nextRequest = before.lastRequest + 1;
  let idle = 0;
  let stopped: SelfInstructResult["stopped"] = "done";
  try {
    while (generated.length < c.n) {
      if (c.maxRequests !== null && progress.sent >= c.maxRequests) {
        stopped = "max-requests";
        break;
      }
      if (idle >= c.patience) {
        stopped = "patience";
        break;
      }
      const size = c.maxRequests === null ? c.requestsPerBatch : Math.min(c.requestsPerBatch, c.maxRequests - progress.sent);
      const batch = Array.from({ length: size }, (_, i) => {
        const request = nextRequest + i;
        const rng = new Rng(c.seed).fork(`request/${request}`);
        const shown = [
          ...rng.sample(seedExamples, Math.min(c.seedExamples, seedExamples.length)),
          ...rng.sample(generated, Math.min(c.generatedExamples, generated.length)),
        ];
        return { request, shown, built: buildPrompt(shown, c.tasksPerRequest), requestSeed: rng.below(2 ** 31) };
      });
      const responses: ListResponse[] = await Promise.all(batch.map((b) => requestList({
        baseURL: c.baseURL, model: c.model, apiKey: c.apiKey, api: c.api, prompt: b.built.prompt, stop: b.built.stop,
        maxTokens: c.maxTokens, temperature: c.temperature, topP: c.topP, seed: b.requestSeed, retry: c.retry,
        onRetry: (r) => hooks.onMessage?.(`request ${b.request}: retry ${r.attempt} in ${Math.round(r.delayMs)} ms (${r.reason})`),
      })));
      nextRequest += size;
      progress.sent += size;
      const keptBefore = generated.length;
      for (const [i, b] of batch.entries()) {
        if (generated.length >= c.n) break;
        const response = responses[i];
        const tasks = parseTasks(response.text, b.built.next, response.finishReason === "length");
        const requestLine: RequestLogLine = {
          type: "request", request: b.request, examples: b.shown.map((s) => s.id), finish_reason: response.finishReason,
          tasks: tasks.length, chars: response.text.length,
        };
        log.append(requestLine, false);
        progress.requests++;
        for (const t of tasks) {
          if (generated.length >= c.n) break;
          const id = newId();
          const s = screen.screen({ id, instruction: t.instruction, output: t.output }, t.problem);
          if (s.kept) {
            const task: GeneratedTask = { id, instruction: t.instruction, input: t.input, output: t.output };
            out.append(task);
            generated.push(task);
            usedIds.add(id);
          } else byRule[s.rule!]++;
          // Fields left undefined (id when dropped, rule and detail when kept) are not written.
          const line: CandidateLogLine = {
            type: "candidate", request: b.request, position: t.position, id: s.kept ? id : undefined, kept: s.kept, rule: s.rule, detail: s.detail,
            instruction: t.instruction, input: t.input, output: t.output, nearest: s.nearest,
          };
          log.append(line, false);
          progress.candidates++;
        }
      }
      log.sync();
      idle = generated.length > keptBefore ? 0 : idle + 1;
      progress.kept = generated.length;
      report();
    }
  } finally {
    out.close();
    log.close();
  }
  return { ...progress, byRule: { ...byRule }, elapsedS: (Date.now() - started) / 1000, stopped, out: c.out, log: c.log };
}
