// A register-only loop (no memory traffic): ms per round, fastest and median of 7 after one warm-up. Run it
// pinned to each core alone, then on both at once; equal times mean the cores do not slow each other down
// (not hyperthreads of one core, not clocked down together), whatever else may (caches, memory).
//   taskset -c 0 node bench/spin.mjs cpu0; taskset -c 1 node bench/spin.mjs cpu1
//   taskset -c 0 node bench/spin.mjs cpu0-both & taskset -c 1 node bench/spin.mjs cpu1-both; wait
let x = 1.5, y = 0.5;
const per = [];
for (let r = 0; r < 8; r++) {
  const t0 = performance.now();
  for (let i = 0; i < 30_000_000; i++) { x = x * 0.9999999 + y; y = y * 0.5 + 0.25; }
  per.push(performance.now() - t0);
}
per.shift();
per.sort((a, b) => a - b);
console.log(process.argv[2] ?? "spin", "fastest", per[0].toFixed(1), "ms, median", per[3].toFixed(1), Number.isFinite(x) ? "" : "(overflow)");
