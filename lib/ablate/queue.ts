/**
 * A grid past one machine, on BullMQ over Redis. The coordinator (`ablate --queue redis://...`) enqueues
 * one job per unfinished cell and waits; `nanoinstruct worker` processes on any machine run each job as a
 * cell process in a local directory and send the result back as the job's return value (machines share
 * no disk), and the coordinator writes it into the grid directory like a local run would.
 *
 * Exactly once to completion:
 *   - the job id is <grid>__<cell id> (the cell id carries its config hash), so enqueueing twice is a no-op;
 *   - a worker that finishes a cell records it with HSETNX in a Redis hash per grid (the completion marker),
 *     and checks that marker (and its own disk) before starting, so a job redelivered after its worker
 *     died mid-write is answered from the marker instead of being run again;
 *   - the coordinator accepts the first result per cell and never re-enqueues a marked cell.
 * A worker killed mid-cell takes its cell process with it (orphan-guard.cjs); its job's lock then expires
 * and the stalled-job check hands the job to another worker (lockDuration / stalledInterval).
 */
import { existsSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { Queue, Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import { UserError } from "../errors";
import { safeJoin, writeFileAtomic, writeJsonAtomic } from "../fsutil";
import { readItemOutcomes, writeItemOutcomes, type CellResult } from "./cell";
import {
  DEFAULT_QUEUE_SETTINGS, DEFAULT_WORKER_SETTINGS, checkRedisUrl, doneKey, jobIdOf, runsKey,
  redactUrl, type CellJobData, type CellJobResult, type QueueSettings, type WorkerSettings,
} from "./queue-config";
import { cellHash, type Grid, type GridCell } from "./grid";
import { fileTail, runCellProcess } from "./process";
import { cellDir, writeCellInput, writeCellRecord, type CellRecord } from "./results";

export { DEFAULT_QUEUE_SETTINGS, DEFAULT_WORKER_SETTINGS, doneKey, runsKey, jobIdOf, checkRedisUrl };
export type { QueueSettings, WorkerSettings, CellJobData, CellJobResult };

/** BullMQ connections: blocking commands need maxRetriesPerRequest null. */
const connection = (url: string) => ({ url, maxRetriesPerRequest: null });

/** A plain Redis client for the markers, after checking the server answers (one line if not). */
export async function connectRedis(url: string, timeoutMs = 5000): Promise<Redis> {
  checkRedisUrl(url);
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  let cause: Error | null = null; // the socket's own error (ECONNREFUSED...) says more than the rejection
  probe.on("error", (e: Error) => (cause ??= e));
  try {
    await probe.connect();
    await probe.ping();
  } catch (e) {
    probe.disconnect();
    throw new UserError(`cannot reach Redis at ${redactUrl(url)}: ${(cause ?? (e as Error)).message}`, 2);
  }
  probe.disconnect();
  const client = new Redis(url, { maxRetriesPerRequest: null });
  client.on("error", () => {}); // ioredis reconnects by itself; commands wait meanwhile
  return client;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The coordinator writes a result that came over the queue as if the cell had run here. */
function acceptResult(dir: string, cell: GridCell, payload: CellJobResult, attempts: number): CellRecord {
  writeCellInput(dir, cell);
  const d = cellDir(dir, cell.id);
  writeFileAtomic(join(d, "log.txt"), `--- ran on worker ${payload.worker} in ${payload.seconds.toFixed(1)} s; the tail of its log:\n${payload.log}`);
  writeJsonAtomic(join(d, "result.json"), payload.result);
  if (payload.items) writeItemOutcomes(d, payload.items);
  const rec: CellRecord = { id: cell.id, hash: cell.hash, status: "ok", seconds: payload.seconds, attempts, error: null, worker: payload.worker, result: payload.result };
  writeCellRecord(dir, rec);
  return rec;
}

/**
 * Enqueues `cells` and waits for all of them; calls `finished` once per cell. Cells a previous run (or a
 * worker after the coordinator died) already completed are taken from the markers without enqueueing.
 */
export async function runOnQueue(
  grid: Grid, dir: string, cells: GridCell[], settings: Partial<QueueSettings> & { url: string },
  finished: (c: GridCell, r: CellRecord) => void, say: (s: string) => void,
): Promise<void> {
  const s: QueueSettings = { ...DEFAULT_QUEUE_SETTINGS, ...settings };
  const redis = await connectRedis(s.url);
  const queue = new Queue<CellJobData, CellJobResult>(s.queueName, { connection: connection(s.url) });
  queue.on("error", () => {});
  const pending = new Map<string, GridCell>();
  const attemptsSeen = new Map<string, number>();
  const markers = doneKey(s.queueName, grid.name);
  const enqueue = (c: GridCell) => queue.add("cell", { grid: grid.name, cellId: c.id, hash: c.hash, config: c.config }, {
    jobId: jobIdOf(grid.name, c.id), attempts: s.retries + 1, removeOnComplete: { age: 7 * 86400 }, removeOnFail: { age: 7 * 86400 },
  });
  try {
    for (const c of cells) {
      const marker = await redis.hget(markers, c.id);
      if (marker) {
        finished(c, acceptResult(dir, c, JSON.parse(marker) as CellJobResult, 1));
        continue;
      }
      const id = jobIdOf(grid.name, c.id);
      const existing = await queue.getJob(id);
      const state = existing ? await existing.getState() : "unknown";
      // A cell that failed in an earlier run gets a fresh job (with this run's retries).
      if (existing && state === "failed") await existing.remove();
      if (!existing || state === "failed" || state === "unknown") await enqueue(c);
      pending.set(id, c);
    }
    if (pending.size) say(`enqueued ${pending.size} cell${pending.size === 1 ? "" : "s"} on '${s.queueName}'; waiting for workers (nanoinstruct worker --queue ...)`);
    let lastNews = Date.now();
    while (pending.size) {
      let active = 0;
      const before = pending.size;
      for (const [id, c] of [...pending]) {
        // The state first, then the job: once the state is final (completed or failed), the job read after
        // it is final too. Read the other way round, a retry could fail in between and leave a stale
        // attemptsMade next to a "failed" state.
        const state = await queue.getJobState(id);
        const job = state === "unknown" ? undefined : ((await queue.getJob(id)) as Job<CellJobData, CellJobResult> | undefined);
        if (!job) {
          // Removed from under us (e.g. by an operator): put it back.
          await enqueue(c);
          continue;
        }
        if (state === "completed" && job.returnvalue) {
          pending.delete(id);
          finished(c, acceptResult(dir, c, job.returnvalue, Math.max(1, job.attemptsMade)));
        } else if (state === "failed") {
          pending.delete(id);
          const logs = await queue.getJobLogs(id);
          const d = cellDir(dir, c.id);
          writeCellInput(dir, c);
          writeFileAtomic(join(d, "log.txt"), `--- failed on the workers: ${job.failedReason}\n${logs.logs.join("\n")}\n`);
          const rec: CellRecord = { id: c.id, hash: c.hash, status: "failed", seconds: null, attempts: job.attemptsMade, error: job.failedReason || "failed", worker: null, result: null };
          writeCellRecord(dir, rec);
          finished(c, rec);
        } else if (job.attemptsMade > (attemptsSeen.get(id) ?? 0)) {
          attemptsSeen.set(id, job.attemptsMade);
          lastNews = Date.now();
          say(`  retrying ${c.id} (attempt ${job.attemptsMade + 1} of ${s.retries + 1}): ${job.failedReason}`);
        } else if (state === "active") active++;
      }
      if (pending.size < before) lastNews = Date.now();
      else if (Date.now() - lastNews > s.heartbeatMs) {
        // Quiet for a while: say the coordinator is alive, and whether any worker is.
        lastNews = Date.now();
        say(`  waiting: ${pending.size} cell${pending.size === 1 ? "" : "s"} left, ${active} running on workers${active ? "" : " (is a worker running? nanoinstruct worker --queue ...)"}`);
      }
      if (pending.size) await sleep(s.pollMs);
    }
  } finally {
    await queue.close();
    redis.disconnect();
  }
}

/** The cell a worker already finished on its own disk with this exact config, if any. */
function localResult(dir: string, hash: string): CellResult | null {
  const resultFile = join(dir, "result.json"), cellFile = join(dir, "cell.json");
  if (!existsSync(resultFile) || !existsSync(cellFile)) return null;
  try {
    if (cellHash(JSON.parse(readFileSync(cellFile, "utf8"))) !== hash) return null;
    return JSON.parse(readFileSync(resultFile, "utf8")) as CellResult;
  } catch {
    return null;
  }
}

export interface RunningWorker {
  /**
   * Stops taking jobs. Without force, waits for the running cells to finish; with force, returns at once
   * and the running cells end when this process exits (orphan guard), their jobs going back to the queue
   * once their locks expire.
   */
  close(force?: boolean): Promise<void>;
  /** host:pid, as reported in results. */
  readonly name: string;
}

/** Starts processing cell jobs until closed. */
export async function startWorker(settings: Partial<WorkerSettings> & { url: string }): Promise<RunningWorker> {
  const s: WorkerSettings = { ...DEFAULT_WORKER_SETTINGS, ...settings };
  for (const k of ["concurrency", "lockDuration", "stalledInterval"] as const) {
    if (!Number.isInteger(s[k]) || s[k] < 1) throw new UserError(`worker: ${k} must be a positive integer, got ${s[k]}`, 2);
  }
  if (!Number.isInteger(s.maxStalledCount) || s.maxStalledCount < 0) throw new UserError(`worker: maxStalledCount must be a non-negative integer, got ${s.maxStalledCount}`, 2);
  const redis = await connectRedis(s.url);
  const name = `${hostname()}:${process.pid}`;
  const log = s.onLog ?? (() => {});
  const env: Record<string, string> = s.concurrency > 1 && !process.env.NANOINSTRUCT_WORKERS ? { NANOINSTRUCT_WORKERS: "1" } : {};
  Object.assign(env, s.env);
  const lostLocks = new Map<string, AbortController>();

  const processor = async (job: Job<CellJobData, CellJobResult>, _token?: string, signal?: AbortSignal): Promise<CellJobResult> => {
    const { grid, cellId, hash, config } = job.data;
    const markers = doneKey(s.queueName, grid);
    const prior = await redis.hget(markers, cellId);
    if (prior) {
      log(`${cellId}: already completed elsewhere, not run again`);
      return { ...(JSON.parse(prior) as CellJobResult), duplicate: true };
    }
    const dir = resolve(safeJoin(safeJoin(s.workDir, grid), cellId));
    const logFile = join(dir, "log.txt");
    let result = localResult(dir, hash);
    let seconds = 0;
    if (result) log(`${cellId}: finished here before, sending that result`);
    else {
      if (cellHash(config) !== hash) throw new Error(`job ${job.id}: its config does not match its hash ${hash}`);
      const configFile = join(dir, "cell.json");
      writeJsonAtomic(configFile, config);
      const abort = new AbortController();
      lostLocks.set(job.id!, abort);
      signal?.addEventListener("abort", () => abort.abort());
      try {
        const a = await runCellProcess({
          configFile, outDir: dir, logFile, env, signal: abort.signal,
          header: `job ${job.id} attempt ${job.attemptsMade + 1} on ${name}`,
          onSpawn: (pid) => log(`${cellId}: started (pid ${pid}) for job ${job.id}`),
        });
        if (!a.ok) {
          await job.log(fileTail(logFile, 8192, a.logStart));
          log(`${cellId}: failed: ${a.error}`);
          throw new Error(`${a.error} (on ${name}, log ${logFile})`);
        }
        result = a.result!;
        seconds = a.seconds;
      } finally {
        lostLocks.delete(job.id!);
      }
      await redis.hincrby(runsKey(s.queueName, grid), cellId, 1);
    }
    const payload: CellJobResult = { cellId, hash, result, items: readItemOutcomes(dir) ?? undefined, worker: name, seconds, log: fileTail(logFile, 8192) };
    const first = await redis.hsetnx(markers, cellId, JSON.stringify(payload));
    if (!first) {
      log(`${cellId}: another worker completed it first; keeping theirs`);
      return { ...(JSON.parse((await redis.hget(markers, cellId))!) as CellJobResult), duplicate: true };
    }
    log(`${cellId}: done in ${seconds.toFixed(1)} s`);
    return payload;
  };

  const worker = new Worker<CellJobData, CellJobResult>(s.queueName, processor, {
    connection: connection(s.url), concurrency: s.concurrency, lockDuration: s.lockDuration,
    stalledInterval: s.stalledInterval, maxStalledCount: s.maxStalledCount,
  });
  worker.on("error", (e) => log(`queue error: ${e.message}`));
  // A job whose lock could not be renewed may already be running elsewhere: stop our copy of it.
  worker.on("lockRenewalFailed", (ids) => {
    for (const id of ids) {
      const a = lostLocks.get(id);
      if (a) {
        log(`job ${id}: lost its lock, stopping the cell here`);
        a.abort();
      }
    }
  });
  await worker.waitUntilReady();
  return {
    name,
    async close(force = false) {
      await worker.close(force);
      redis.disconnect();
    },
  };
}
