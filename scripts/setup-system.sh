#!/usr/bin/env bash
# Installs the Debian packages nanoinstruct's tests and notebooks use, when missing and when this is a
# root shell with apt; otherwise says what to install. Safe to run repeatedly.
#   jupyter-nbconvert jupyter-client python3-ipython  run the notebooks (tslab kernel)
#   jupyter-notebook                                 npm run lab (the classic Notebook)
#   chromium                                         render check of notebooks and reports
#   redis-server                                     the distributed ablation test
#   clang lld                                        rebuild the wasm kernels (optional; the .wasm is committed)
#   clang-16 lld-16                                  rebuild the relaxed-SIMD wasm kernels (clang 14 cannot)
#   gcc libopenblas-dev pkg-config                   the native kernels (npm ci builds them; ~2x faster training)
#   gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
#                                                    the 64-bit ARM build of the native kernels, checked under
#                                                    emulation (scripts/test-arm.sh)
#   mesa-vulkan-drivers libegl1 libegl-mesa0 libgles2
#                                                    a software GPU (Mesa llvmpipe through Dawn's OpenGL backend)
#                                                    for the webgpu tests; see docs/GPU.md
# `npm run setup -- native` installs only the native group, `npm run setup -- webgpu` only the Mesa group,
# `npm run setup -- arm` only the ARM cross-check group.
set -u
MESA=(mesa-vulkan-drivers libegl1 libegl-mesa0 libgles2)
ARM=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user)
want=(jupyter-nbconvert jupyter-client python3-ipython jupyter-notebook chromium redis-server clang lld clang-16 lld-16 gcc libopenblas-dev pkg-config "${ARM[@]}" "${MESA[@]}")
[ "${1:-}" = native ] && want=(gcc libopenblas-dev pkg-config)
[ "${1:-}" = webgpu ] && want=("${MESA[@]}")
[ "${1:-}" = arm ] && want=("${ARM[@]}")
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then echo "system packages: all present"; exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || { echo "apt-get install failed; tests that need ${missing[*]} will be skipped"; exit 0; }
else
  echo "not installed: ${missing[*]}"
  echo "  Debian/Ubuntu: sudo apt-get install ${missing[*]}"
  echo "  conda:         conda env create -f environment.yml   (Jupyter + Node 20)"
  echo "tests that need them are skipped."
fi
