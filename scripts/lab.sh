#!/usr/bin/env bash
# `npm run lab`: opens the notebooks in Jupyter with the repository's TypeScript kernel. The kernelspec
# (kernels/tslab) is found through JUPYTER_PATH and starts tslab in the repository root, so notebooks
# import the library as "./lib/...". Extra arguments go to Jupyter (e.g. --no-browser --port 8899).
# Classic Notebook (Debian's jupyter-notebook) is used when present, else JupyterLab.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export JUPYTER_PATH="$ROOT${JUPYTER_PATH:+:$JUPYTER_PATH}"

# Debian's jupyter lives in the system Python; a pyenv/conda `jupyter` earlier on PATH may lack it.
JUPYTER=""
for j in /usr/bin/jupyter "$(command -v jupyter || true)"; do
  if [ -n "$j" ] && [ -x "$j" ]; then
    if "$j" notebook --version >/dev/null 2>&1; then JUPYTER="$j"; APP=notebook; break; fi
    if "$j" lab --version >/dev/null 2>&1; then JUPYTER="$j"; APP=lab; break; fi
  fi
done
if [ -z "$JUPYTER" ]; then
  echo "lab: no Jupyter Notebook or JupyterLab found. Install one of:" >&2
  echo "  sudo apt-get install -y jupyter-notebook        # Debian/Ubuntu (classic Notebook 6)" >&2
  echo "  python3 -m pip install notebook                  # pip" >&2
  echo "  conda install -c conda-forge notebook            # conda" >&2
  exit 3
fi
if [ ! -f "$ROOT/node_modules/tslab/dist/main.js" ]; then
  echo "lab: tslab is not installed: run \`npm install\` in $ROOT" >&2
  exit 3
fi
if [ "$APP" = lab ]; then
  echo "lab: JupyterLab runs the scripts that draw charts only in trusted notebooks (File > Trust Notebook)." >&2
fi
cd "$ROOT"
exec "$JUPYTER" "$APP" --notebook-dir="$ROOT/notebooks" "$@"
