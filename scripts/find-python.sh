#!/usr/bin/env bash
# Prints the Python that has every module named on the command line (e.g. `find-python.sh notebook`), looking
# where a user's Jupyter is likely to be, in this order:
#   $NANOINSTRUCT_PYTHON (only it, when set), the active conda environment ($CONDA_PREFIX), the active
#   virtualenv ($VIRTUAL_ENV), `python3` and `python` on PATH, then Debian's /usr/bin/python3.
# Exit 1, printing nothing, when none has them all. lab.sh, setup-jupyter.sh and notebooks.js all use it,
# so the notebook runner and the lab find the same Python (a conda env's, when one is active).
set -u
mods="${*:-jupyter_client}"
check="import importlib.util, sys; sys.exit(0 if all(importlib.util.find_spec(m) for m in '${mods}'.split()) else 1)"
if [ -n "${NANOINSTRUCT_PYTHON:-}" ]; then
  candidates=("$NANOINSTRUCT_PYTHON")
else
  candidates=()
  [ -n "${CONDA_PREFIX:-}" ] && candidates+=("$CONDA_PREFIX/bin/python")
  [ -n "${VIRTUAL_ENV:-}" ] && candidates+=("$VIRTUAL_ENV/bin/python")
  for name in python3 python; do
    p="$(command -v "$name" 2>/dev/null || true)"
    [ -n "$p" ] && candidates+=("$p")
  done
  candidates+=(/usr/bin/python3)
fi
for py in "${candidates[@]}"; do
  if [ -x "$py" ] && "$py" -c "$check" >/dev/null 2>&1; then
    echo "$py"
    exit 0
  fi
done
exit 1
