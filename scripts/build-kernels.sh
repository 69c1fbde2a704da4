#!/bin/sh
# Rebuilds lib/engine/kernels/nano_kernels.wasm from nano_kernels.c (needs Debian's clang and lld), and
# nano_kernels_relaxed.wasm, the same source with wasm relaxed SIMD's fused multiply-add in the matmuls
# (needs clang 16 or newer: Debian 12's clang-16 and lld-16; clang 14 knows only the draft opcodes that
# runtimes no longer accept). The .wasm files are committed, so users never need a C toolchain; CI
# rebuilds them and checks they are up to date. CLANG / CLANG_RELAXED choose the compilers.
set -e
cd "$(dirname "$0")/../lib/engine/kernels"
COMMON="--target=wasm32 -O3 -msimd128 -mmutable-globals -nostdlib -fno-builtin -ffreestanding \
  -Wl,--no-entry -Wl,--import-memory -Wl,--export=__stack_pointer -Wl,-z,stack-size=65536 -Wl,--strip-all \
  -mllvm -disable-lsr"
# shellcheck disable=SC2086
${CLANG:-clang} $COMMON -o nano_kernels.wasm nano_kernels.c
echo "built $(pwd)/nano_kernels.wasm ($(wc -c < nano_kernels.wasm) bytes)"

relaxed=${CLANG_RELAXED:-}
if [ -z "$relaxed" ]; then
  for c in clang-16 clang-17 clang-18 clang-19 clang; do
    v=$(command -v "$c" >/dev/null && "$c" --version 2>/dev/null | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -n 1)
    if [ -n "$v" ] && [ "$v" -ge 16 ] && command -v "wasm-ld${c#clang}" >/dev/null; then relaxed=$c; break; fi
  done
fi
if [ -z "$relaxed" ]; then
  echo "nano_kernels_relaxed.wasm not rebuilt: needs clang >= 16 with its wasm-ld (Debian 12: apt-get install clang-16 lld-16)"
  exit 0
fi
# -ffp-contract=off: the only fused multiply-adds are the explicit ones (MADD4 in nano_kernels.c).
# shellcheck disable=SC2086
"$relaxed" $COMMON -mrelaxed-simd -DNANO_RELAXED_SIMD -ffp-contract=off -fuse-ld="$(command -v "wasm-ld${relaxed#clang}")" \
  -o nano_kernels_relaxed.wasm nano_kernels.c
echo "built $(pwd)/nano_kernels_relaxed.wasm ($(wc -c < nano_kernels_relaxed.wasm) bytes, $relaxed)"
