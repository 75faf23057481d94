"""Re-execute notebooks in place, deterministically (used by `make notebooks`).

    python tools/execute_notebooks.py [--timeout SECONDS] [NOTEBOOK_OR_DIR ...]

Default target: notebooks/. For each notebook, in sorted order:

* a fresh kernel from this environment (the interpreter running this script), started in the
  notebook's folder, with PYTHONHASHSEED=0 and SOURCE_DATE_EPOCH=0;
* every cell runs top to bottom with a per-cell timeout (default 120 s; nbclient can stall on
  `ipywidgets.interact` cells until the timeout, so keep it short);
* consecutive stream outputs are merged (their chunking depends on timing);
* no widget state is saved (`metadata.widgets` is removed) and no per-cell timing metadata;
* widget model ids in outputs, random on every run, are replaced by ids derived from the
  notebook name and their order, so re-running an unchanged notebook gives an unchanged file.

A notebook whose run fails (error or timeout) is left untouched; the script reports it and
exits 1 after trying the others.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

# Inherited by each kernel: stable set/dict ordering of str hashes, fixed dates in saved files.
# GDVIZ_PROGRESS=0: no progress bar, whose appearance depends on the machine's speed.
# OPENBLAS_NUM_THREADS=1: on 2 shared cores a second BLAS thread makes small matrix products
# 15-50x slower (measured on lesson 06's training loop), and run times erratic.
KERNEL_ENV = {
    "PYTHONHASHSEED": "0",
    "SOURCE_DATE_EPOCH": "0",
    "JUPYTER_PLATFORM_DIRS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "GDVIZ_PROGRESS": "0",
}


def find_notebooks(targets: list[str]) -> list[Path]:
    found: list[Path] = []
    for target in targets:
        path = Path(target)
        if path.is_dir():
            found.extend(sorted(path.glob("*.ipynb")))
        elif path.suffix == ".ipynb" and path.is_file():
            found.append(path)
        else:
            raise SystemExit(f"not a notebook or folder: {target}")
    return found


def stable_widget_ids(nb: nbformat.NotebookNode, name: str) -> int:
    """Replace random widget model ids in outputs by deterministic ones; return how many."""
    mapping: dict[str, str] = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if not view or "model_id" not in view:
                continue
            old = view["model_id"]
            if old not in mapping:
                seed = f"{name}:{len(mapping)}".encode()
                mapping[old] = hashlib.sha256(seed).hexdigest()[:32]
            view["model_id"] = mapping[old]
    return len(mapping)


def execute(path: Path, timeout: int, kernel_name: str) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=kernel_name,
        allow_errors=False,
        record_timing=False,
        store_widget_state=False,
        coalesce_streams=True,  # one stdout output per cell, however the kernel chunked it
        resources={"metadata": {"path": str(path.parent.resolve())}},
    )
    client.execute()
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    stable_widget_ids(nb, path.name)
    nbformat.validate(nb)
    return nb


def write_atomically(nb: nbformat.NotebookNode, path: Path) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".ipynb", dir=path.parent)
    os.close(fd)
    try:
        nbformat.write(nb, tmp)
        os.chmod(tmp, path.stat().st_mode & 0o777)  # mkstemp makes it 0600
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", default=["notebooks"])
    parser.add_argument("--timeout", type=int, default=120, help="per-cell timeout in seconds")
    parser.add_argument(
        "--kernel-name",
        default="python3",
        help="kernel spec; 'python3' resolves to this interpreter's ipykernel",
    )
    args = parser.parse_args(argv)

    os.environ.update(KERNEL_ENV)
    # Resolve kernels and config from this environment before any user-level ones.
    os.environ.setdefault("JUPYTER_PREFER_ENV_PATH", "1")

    notebooks = find_notebooks(args.targets)
    if not notebooks:
        print(f"no notebooks found in {' '.join(args.targets)}")
        return 0

    failed: list[str] = []
    for path in notebooks:
        start = time.monotonic()
        try:
            nb = execute(path, args.timeout, args.kernel_name)
        except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
            failed.append(str(path))
            print(f"FAILED {path} ({time.monotonic() - start:.1f} s), left unchanged:\n{exc}")
            continue
        write_atomically(nb, path)
        print(f"ok     {path} ({time.monotonic() - start:.1f} s)")

    if failed:
        print(f"{len(failed)} of {len(notebooks)} notebooks failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
