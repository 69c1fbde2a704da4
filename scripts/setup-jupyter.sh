#!/usr/bin/env bash
# Makes sure the Python side of the notebooks is installed: nbclient/nbformat/jupyter_client (to run them
# headless: npm run notebooks) and IPython. With --lab, also the classic Notebook (npm run lab).
# As root on Debian/Ubuntu it installs the distribution's packages; otherwise it prints what to install.
# The TypeScript kernel itself needs no installing: kernels/tslab is found through JUPYTER_PATH.
# Exit: 0 when everything is there (or was installed), 1 when something is still missing.
set -uo pipefail

WANT_LAB=0
for a in "$@"; do
  case "$a" in
    --lab) WANT_LAB=1 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "setup-jupyter: unknown argument $a (use --lab)" >&2; exit 2 ;;
  esac
done

# The same Python the notebook runner and `npm run lab` use (scripts/find-python.sh: NANOINSTRUCT_PYTHON, an
# active conda env or virtualenv, python3 on PATH, /usr/bin/python3), else Debian's, which apt can fill.
MODS="nbclient nbformat jupyter_client IPython"
[ "$WANT_LAB" = 1 ] && MODS="$MODS notebook"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHON="$(bash "$HERE/find-python.sh" $MODS || true)"
if [ -z "$PYTHON" ]; then
  if [ -n "${NANOINSTRUCT_PYTHON:-}" ]; then PYTHON="$NANOINSTRUCT_PYTHON"; elif [ -x /usr/bin/python3 ]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
fi
PACKAGES=(jupyter-nbconvert jupyter-client python3-ipython)
[ "$WANT_LAB" = 1 ] && PACKAGES+=(jupyter-notebook)

have_runner() { "$PYTHON" -c "import nbclient, nbformat, jupyter_client, IPython" >/dev/null 2>&1; }
have_lab() { [ "$WANT_LAB" = 0 ] || "$PYTHON" -m notebook --version >/dev/null 2>&1; }
ready() { have_runner && have_lab; }

if ready; then
  echo "setup-jupyter: ready ($PYTHON has nbclient, nbformat, jupyter_client, IPython$([ "$WANT_LAB" = 1 ] && echo ', notebook'))"
  exit 0
fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && [ "$PYTHON" = /usr/bin/python3 ]; then
  echo "setup-jupyter: installing ${PACKAGES[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  # Try without `apt-get update` first: on a machine with fresh lists that saves a minute.
  if ! apt-get install -y --no-install-recommends "${PACKAGES[@]}"; then
    apt-get update && apt-get install -y --no-install-recommends "${PACKAGES[@]}"
  fi
  if ready; then echo "setup-jupyter: ready"; exit 0; fi
  echo "setup-jupyter: still missing after apt-get install" >&2
  exit 1
fi

NB_PIP=""
[ "$WANT_LAB" = 1 ] && NB_PIP=" notebook"
cat >&2 <<MSG
setup-jupyter: $PYTHON lacks Jupyter's nbclient/nbformat/jupyter_client/IPython$([ "$WANT_LAB" = 1 ] && echo "/notebook"). Install them one way:

  Debian/Ubuntu:  sudo apt-get install -y --no-install-recommends ${PACKAGES[*]}
                  (or, as root: npm run setup)

  conda:          conda env create -f environment.yml && conda activate nanoinstruct
                  (the repository's environment: Python, Node 20, nbclient, nbformat, jupyter_client,
                  nbconvert, IPython and the Notebook; the runner and npm run lab find its Python by itself)

  pip:            python3 -m pip install nbclient nbformat jupyter_client ipython nbconvert${NB_PIP}
MSG
exit 1
