/**
 * Settings, job payloads and Redis key names of the queue (./queue.ts), kept apart from BullMQ so that
 * the CLI's help and the local runner load without it.
 */
import { join } from "node:path";
import { UserError } from "../errors";
import type { CellConfig, CellResult, ItemOutcome } from "./cell";

export interface QueueSettings {
  /** redis:// or rediss:// URL. */
  url: string;
  /** The BullMQ queue every coordinator and worker of a deployment shares. */
  queueName: string;
  /** Extra attempts per cell after a failure (the job's attempts are retries + 1). */
  retries: number;
  /** Coordinator: how often it checks its jobs, in ms. */
  pollMs: number;
  /** Coordinator: after this long without news (ms), it says how many cells are left and running. */
  heartbeatMs: number;
}

export const DEFAULT_QUEUE_SETTINGS: Omit<QueueSettings, "url"> = { queueName: "nanoinstruct-ablate", retries: 1, pollMs: 500, heartbeatMs: 60_000 };

export interface WorkerSettings {
  url: string;
  queueName: string;
  /** Cells at once in this worker. */
  concurrency: number;
  /** Cell directories go under <workDir>/<grid>/<cell id>. */
  workDir: string;
  /** A job's lock lasts this long without renewal (ms): how soon a dead worker's job is noticed. */
  lockDuration: number;
  /** How often stalled jobs (lock expired) are looked for and put back in the queue (ms). */
  stalledInterval: number;
  /** Times a job may stall (its worker died) before it counts as failed. */
  maxStalledCount: number;
  /** Extra environment for the cell processes. */
  env?: Record<string, string>;
  /** One line per event (job started, finished, failed). */
  onLog?: (line: string) => void;
}

export const DEFAULT_WORKER_SETTINGS: Omit<WorkerSettings, "url"> = {
  queueName: DEFAULT_QUEUE_SETTINGS.queueName, concurrency: 1, workDir: join("runs", "worker"),
  lockDuration: 30_000, stalledInterval: 15_000, maxStalledCount: 2,
};

/** What a job carries to the worker. */
export interface CellJobData {
  grid: string;
  cellId: string;
  hash: string;
  config: CellConfig;
}

/** What a worker returns (and keeps as the completion marker). */
export interface CellJobResult {
  cellId: string;
  hash: string;
  result: CellResult;
  /** Per-item outcomes (the cell's items.jsonl), for paired comparisons; absent from older workers. */
  items?: ItemOutcome[];
  /** host:pid of the worker that ran the cell. */
  worker: string;
  seconds: number;
  /** The tail of the cell's log on the worker. */
  log: string;
  /** True when this delivery repeats an earlier completion (answered from the marker, not run again). */
  duplicate?: boolean;
}

/** The job id of a cell: stable across runs of the same grid, so enqueueing never duplicates. */
export const jobIdOf = (grid: string, cellId: string) => `${grid}__${cellId}`;
/** The completion markers of a grid: a Redis hash cell id -> CellJobResult JSON. */
export const doneKey = (queueName: string, grid: string) => `nanoinstruct:${queueName}:done:${grid}`;
/** How many times each cell ran to completion, counted by the workers (for audits and tests). */
export const runsKey = (queueName: string, grid: string) => `nanoinstruct:${queueName}:runs:${grid}`;

/** Checks the URL's form; BullMQ and ioredis take it from there. */
export function checkRedisUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UserError(`--queue '${url}' is not a URL (expected redis://host:port)`, 2);
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") throw new UserError(`--queue '${url}': expected a redis:// or rediss:// URL`, 2);
  return url;
}

/** A Redis URL without its password, for logs and errors. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*):[^@/]*@/, "//$1:***@");
}
