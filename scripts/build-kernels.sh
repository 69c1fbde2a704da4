#!/bin/sh
# Rebuilds lib/engine/kernels/nano_kernels.wasm from nano_kernels.c (needs Debian's clang and lld).
# The .wasm is committed, so users never need a C toolchain; CI rebuilds it and checks it is up to date.
set -e
cd "$(dirname "$0")/../lib/engine/kernels"
clang --target=wasm32 -O3 -msimd128 -mmutable-globals -nostdlib -fno-builtin -ffreestanding \
  -Wl,--no-entry -Wl,--import-memory -Wl,--export=__stack_pointer -Wl,-z,stack-size=65536 \
  -Wl,--strip-all -o nano_kernels.wasm nano_kernels.c
echo "built $(pwd)/nano_kernels.wasm ($(wc -c < nano_kernels.wasm) bytes)"
