#!/usr/bin/env bash
# `npm run lab`: opens the notebooks in Jupyter with the repository's TypeScript kernel. The kernelspec
# (kernels/tslab) is found through JUPYTER_PATH and starts tslab in the repository root, so notebooks
# import the library as "./lib/...". Extra arguments go to Jupyter (e.g. --no-browser --port 8899).
#
# Jupyter is looked for in the Python scripts/find-python.sh finds (NANOINSTRUCT_PYTHON, an active conda env
# or virtualenv, python3 on PATH, Debian's /usr/bin/python3): the classic Notebook when it has it, else
# JupyterLab. As root (a container, a cloud VM) Jupyter refuses to start without --allow-root; lab passes it
# and says so. Without a display, no browser is opened: open the URL Jupyter prints.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export JUPYTER_PATH="$ROOT${JUPYTER_PATH:+:$JUPYTER_PATH}"

APP=""
if PY="$(bash "$ROOT/scripts/find-python.sh" notebook)"; then APP=notebook
elif PY="$(bash "$ROOT/scripts/find-python.sh" jupyterlab)"; then APP=lab
fi
if [ -z "$APP" ]; then
  echo "lab: no Jupyter Notebook or JupyterLab found in ${NANOINSTRUCT_PYTHON:-the active conda env, python3 on PATH or /usr/bin/python3}. Install one:" >&2
  echo "  npm run setup                                    # Debian/Ubuntu as root: installs jupyter-notebook and the rest" >&2
  echo "  sudo apt-get install -y jupyter-notebook         # Debian/Ubuntu" >&2
  echo "  conda env create -f environment.yml && conda activate nanoinstruct   # conda (the same environment)" >&2
  echo "  python3 -m pip install notebook                  # pip" >&2
  exit 3
fi
if [ ! -f "$ROOT/node_modules/tslab/dist/main.js" ]; then
  echo "lab: tslab is not installed: run \`npm install\` in $ROOT" >&2
  exit 3
fi
if ! command -v node >/dev/null 2>&1; then
  echo "lab: 'node' is not on PATH; the kernel (kernels/tslab/kernel.json) starts it by that name" >&2
  exit 3
fi

extra=()
if [ "$(id -u)" = 0 ]; then
  echo "lab: running as root, so Jupyter is started with --allow-root (it refuses root otherwise); as a normal user this is not needed." >&2
  extra+=(--allow-root)
fi
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "$(uname)" = Linux ]; then
  extra+=(--no-browser)
fi
if [ "$APP" = lab ]; then
  echo "lab: JupyterLab runs the scripts that draw charts only in trusted notebooks (File > Trust Notebook)." >&2
fi
echo "lab: $PY -m $APP, kernel \"TypeScript (nanoinstruct)\" from $ROOT/kernels/tslab" >&2
cd "$ROOT"
if [ "$APP" = lab ]; then exec "$PY" -m jupyterlab --notebook-dir="$ROOT/notebooks" "${extra[@]}" "$@"; fi
exec "$PY" -m notebook --notebook-dir="$ROOT/notebooks" "${extra[@]}" "$@"
