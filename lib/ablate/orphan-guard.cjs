// Preloaded (node --require) into every cell process that `ablate` or `worker` starts. When the process
// that started the cell disappears - even by SIGKILL, which gives it no chance to clean up - the cell
// must not keep running: a worker thread polls the parent's pid and kills this process once the parent
// has changed (the cell was re-parented). A thread, not a timer, because the cell's main thread may be
// busy in long synchronous kernels for seconds at a time.
"use strict";
const { Worker, isMainThread } = require("node:worker_threads");

// Worker threads inherit --require: without this guard every watchdog (and every training replica thread)
// would start a watchdog of its own, recursively - hundreds of threads within minutes.
if (isMainThread) startWatchdog();

function startWatchdog() {
  const source = `
const { workerData } = require("node:worker_threads");
setInterval(() => {
  if (process.ppid !== workerData.parent) process.kill(process.pid, "SIGKILL");
}, workerData.everyMs);
`;
  const watchdog = new Worker(source, { eval: true, execArgv: [], workerData: { parent: process.ppid, everyMs: 200 } });
  // Never keeps the cell alive by itself.
  watchdog.unref();
}
