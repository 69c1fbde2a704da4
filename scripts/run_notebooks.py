#!/usr/bin/python3
"""Runs notebooks headless with the repository's tslab kernelspec (kernels/tslab) and nbclient.

Called by scripts/notebooks.js (`npm run notebooks`), which picks the Python and the environment.
Why not `jupyter nbconvert --execute`: when a cell fails it writes no output notebook, and tslab reports
errors as text on the cell's stderr stream rather than as an `error` output, so nbconvert's message says
nothing useful. Here every notebook's executed copy is saved (up to and including the failing cell), and
the failing cell's source and stderr are printed.

Exit codes: 0 all notebooks ran, 1 some notebook failed, 2 bad usage, 3 Jupyter modules missing.
"""
import argparse
import os
import sys
import time
import traceback

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

try:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
except ImportError as e:  # the caller prints how to install; keep this one line
    print(f"run_notebooks: Jupyter modules missing ({e}); run scripts/setup-jupyter.sh", file=sys.stderr)
    sys.exit(3)

DEFAULT_KERNEL = "tslab"
DEFAULT_OUT_DIR = os.path.join(REPO, "notebooks", ".executed")
DEFAULT_CELL_TIMEOUT = 1800  # seconds; smoke-scale cells take seconds, this only catches hangs
DEFAULT_STARTUP_TIMEOUT = 120  # tslab loads its TypeScript compiler at start: a few seconds here
STDERR_TAIL = 4000  # characters of a failing cell's stderr to print


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("notebooks", nargs="+", help=".ipynb files")
    p.add_argument("--out-dir", default=DEFAULT_OUT_DIR, help="where executed copies go")
    p.add_argument("--kernel", default=DEFAULT_KERNEL, help="kernelspec name (found through JUPYTER_PATH)")
    p.add_argument("--timeout", type=int, default=DEFAULT_CELL_TIMEOUT, help="seconds per cell")
    p.add_argument("--startup-timeout", type=int, default=DEFAULT_STARTUP_TIMEOUT)
    p.add_argument("--html", action="store_true", help="also write an HTML copy next to each executed notebook")
    return p.parse_args(argv)


def cell_stderr(cell):
    """Text the cell wrote to stderr (tslab's type errors and exceptions land here)."""
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            parts.append(out.get("text", ""))
        elif out.get("output_type") == "error":  # other kernels report errors this way
            parts.append(f"{out.get('ename')}: {out.get('evalue')}\n")
    return "".join(parts)


def shown(path):
    """Paths inside the repository relative to it, others as they are."""
    rel = os.path.relpath(path, REPO)
    return path if rel.startswith("..") else rel


def indent(text, prefix="    "):
    return "".join(prefix + line for line in text.splitlines(True))


def run_one(path, args, kernel_log):
    """Executes one notebook; returns (ok, message). Always writes the executed copy."""
    nb = nbformat.read(path, as_version=4)
    state = {"index": None}

    def on_cell_start(cell, cell_index, **_):
        state["index"] = cell_index

    client = NotebookClient(
        nb,
        kernel_name=args.kernel,
        timeout=args.timeout,
        startup_timeout=args.startup_timeout,
        resources={"metadata": {"path": REPO}},
        record_timing=True,
        on_cell_start=on_cell_start,
    )
    ok, message = True, ""
    started = time.time()
    try:
        # The kernel's own process stderr (startup crashes, tslab's internal errors) goes to kernel_log.
        client.execute(stderr=kernel_log)
    except Exception as e:  # any failure still saves the executed copy below
        ok = False
        idx = state["index"]
        lines = [f"FAILED {shown(path)}" + (f" at cell {idx}" if idx is not None else "")]
        if idx is not None:
            cell = nb.cells[idx]
            lines.append("  cell source:")
            lines.append(indent(cell.source.rstrip()))
            err = cell_stderr(cell).rstrip()
            if err:
                lines.append("  cell stderr:")
                lines.append(indent(err[-STDERR_TAIL:]))
        if isinstance(e, CellExecutionError):
            pass  # its message repeats the source; the stderr above is the useful part
        elif isinstance(e, (CellTimeoutError, DeadKernelError)):
            lines.append(f"  {type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}")
        else:
            lines.append("  " + "".join(traceback.format_exception_only(type(e), e)).strip())
        message = "\n".join(lines)
    elapsed = time.time() - started

    os.makedirs(args.out_dir, exist_ok=True)
    out_path = os.path.join(args.out_dir, os.path.basename(path))
    nbformat.write(nb, out_path)
    if args.html:
        write_html(nb, out_path[: -len(".ipynb")] + ".html")
    if ok:
        message = f"ok     {shown(path)} ({elapsed:.1f} s) -> {shown(out_path)}"
    else:
        message += f"\n  executed copy: {shown(out_path)}"
    return ok, message


def write_html(nb, html_path):
    from nbconvert import HTMLExporter  # imported only when asked: it is slow to load

    body, _ = HTMLExporter().from_notebook_node(nb)
    with open(html_path, "w", encoding="utf-8") as f:
        f.write(body)


def main(argv):
    args = parse_args(argv)
    # The repository's kernelspec first, whatever else the user has installed.
    os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in [REPO, os.environ.get("JUPYTER_PATH", "")] if p)
    missing = [p for p in args.notebooks if not os.path.isfile(p)]
    if missing:
        print("run_notebooks: no such notebook: " + ", ".join(missing), file=sys.stderr)
        return 2
    os.makedirs(args.out_dir, exist_ok=True)
    log_path = os.path.join(args.out_dir, "kernel-stderr.log")
    failures = 0
    with open(log_path, "w", encoding="utf-8") as kernel_log:
        for path in args.notebooks:
            kernel_log.flush()
            start = os.path.getsize(log_path)  # the kernel writes through its own copy of the fd
            ok, message = run_one(os.path.abspath(path), args, kernel_log)
            print(message, flush=True)
            if not ok:
                failures += 1
                kernel_log.flush()
                with open(log_path, encoding="utf-8", errors="replace") as f:
                    f.seek(start)
                    tail = f.read().strip()
                if tail:
                    print("  kernel process stderr:\n" + indent(tail[-STDERR_TAIL:]), flush=True)
    n = len(args.notebooks)
    print(f"notebooks: {n - failures} passed, {failures} failed", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
