// Entry of bench/step-bound.ts's worker threads: registers the TypeScript loader, then runs the script
// (which sees it is not the main thread). Plain JavaScript, as lib/train/replica-worker.mjs.
import { register } from "tsx/esm/api";
import { workerData } from "node:worker_threads";
register();
await import(workerData.script);
