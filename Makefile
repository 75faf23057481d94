# gdviz developer tasks. Every recipe calls the project venv's executables by path
# (.venv/bin/...), never an activated or global one, and installs nothing outside .venv (and
# .hub/, for the hub's proxy from npm).
#
#   make venv       create .venv (system python3 >= 3.11) and install gdviz[lab,test,hub] pinned
#   make lab        JupyterLab on notebooks/ (loopback, default token auth stays on)
#   make test       ruff, unit tests + doctests, nbval on notebooks/ (also as on another machine),
#                   browser tests, hub test
#   make notebooks  re-execute every notebook in place, fresh kernel each, deterministic
#   make present    Voila (code hidden, projector-sized): every lesson, LESSONS='03 07' start at once
#   make hub        JupyterHub on http://127.0.0.1:8000 (PAM logins, one server per user; docs/teaching.md)
#   make test-hub   a test hub: a student follows an nbgitpuller link to a running lesson 00
#   make bench      run every benchmarks/*.py
#   make clean      remove caches and artifacts (keeps .venv); make distclean also removes .venv

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Written after a successful install; rebuilt when pyproject.toml or constraints.txt change.
STAMP := $(VENV)/.gdviz-installed
PYTEST := $(BIN)/pytest
PRESENT_PORT ?= 8866
PROXY := .hub/node_modules/.bin/configurable-http-proxy
# Jupyter servers refuse to run as root without this flag (CI and this machine run as root).
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: help venv lab test lint test-unit test-notebooks test-reproducible test-browser test-hub \
	notebooks present hub bench clean distclean

help:
	@sed -n 's/^#   //p' $(firstword $(MAKEFILE_LIST))

venv: $(STAMP)

# uv installs what pip would, from the same index, about 3x faster on a fresh venv (README).
# The python3 kernel spec is rewritten with one BLAS/OpenMP thread per kernel: several threads
# per student only fight each other (lesson 06's training took 24-27 s instead of 3.2 s on busy
# cores). make lab, make present and make hub all start kernels from it.
$(STAMP): pyproject.toml constraints.txt jupyter/jupyter_server_config.json jupyter/lab/overrides.json
	@if [ ! -x $(BIN)/python ]; then \
	  $(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "gdviz needs Python >= 3.11, $(PYTHON) is " + sys.version.split()[0])'; \
	  echo "creating $(VENV) with $$($(PYTHON) -c 'import sys; print(sys.executable, sys.version.split()[0])')"; \
	  $(PYTHON) -m venv $(VENV); \
	fi
	$(BIN)/python -m pip install --disable-pip-version-check --quiet uv -c constraints.txt
	$(BIN)/uv pip install --python $(BIN)/python --quiet --compile-bytecode --reinstall-package gdviz \
	  -e '.[lab,test,hub]' -c constraints.txt
	$(BIN)/python -m pip check
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name 'Python 3 (ipykernel)' \
	  --env OPENBLAS_NUM_THREADS 1 --env OMP_NUM_THREADS 1 >/dev/null
	@# jupyter_server's websocket keep-alive, in ms: a ping every 30 s, a socket closed after 90 s
	@# without a pong (its defaults, written out: a timeout equal to the interval, set here
	@# before to silence a note of tornado's, closed every kernel socket at its first ping)
	install -D -m 644 jupyter/jupyter_server_config.json $(VENV)/etc/jupyter/jupyter_server_config.json
	touch $@

# Jupyter servers that start without warnings: kernel channels encrypted (CurveZMQ; a kernel
# warns that plain TCP is readable by anyone on the machine), no notebook_shim (classic-notebook
# config compatibility, unused here, warns on every start).
SERVER_FLAGS := --KernelManager.transport_encryption=auto \
	--ServerApp.jpserver_extensions=notebook_shim=False

# JUPYTER_PREFER_ENV_PATH: use the venv's kernels, extensions and config before any user-level ones.
lab: venv
	JUPYTER_PREFER_ENV_PATH=1 $(BIN)/jupyter lab $(ALLOW_ROOT) $(SERVER_FLAGS) notebooks/

# `make -k test` (as CI does) runs every stage even when an earlier one fails.
test: lint test-unit test-notebooks test-reproducible test-browser test-hub

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test-unit: venv
	$(PYTEST) tests/unit --doctest-modules gdviz

test-notebooks: venv
	$(PYTEST) tests/notebooks

# nbval again with numpy's SIMD loops at their baseline and two BLAS threads: a compared output
# that depends on the last bits of rounding fails here, not on a student's machine.
test-reproducible: venv
	$(BIN)/python tools/as_another_machine.py -- $(PYTEST) tests/notebooks -k ipynb

test-browser: venv
	$(PYTEST) tests/browser

test-hub: venv $(PROXY)
	$(PYTEST) tests/hub

notebooks: venv
	$(BIN)/python tools/execute_notebooks.py notebooks

# Voila on loopback, code hidden, projector template, configured by presentation/voila.py: the
# tree of every lesson at http://127.0.0.1:$(PRESENT_PORT)/ (Voila prints the URL it really got,
# the next free port if that one is taken). Each lesson in LESSONS (starts of file names) has a
# kernel that ran it in advance, so its page shows at once; other lessons run on the visit.
# A closed page's kernel is shut down; one idle without a page is culled after 5 minutes.
LESSONS ?= $(or $(LESSON),03 07)
present: venv
	GDVIZ_PRESENT_PRELOAD='$(LESSONS)' JUPYTER_PATH=$(CURDIR)/presentation $(BIN)/voila \
	  --no-browser --Voila.ip=127.0.0.1 --port=$(PRESENT_PORT) \
	  --Voila.config_file_paths=$(CURDIR)/presentation notebooks/

# configurable-http-proxy (JupyterHub's proxy) from npm, into .hub/ only (git-ignored).
$(PROXY):
	@command -v npm >/dev/null || { echo "make: JupyterHub's proxy needs npm (Debian: apt-get install npm)" >&2; exit 2; }
	npm install --prefix .hub --no-audit --no-fund --loglevel=error configurable-http-proxy@5.3.0

# hub/jupyterhub_config.py: 127.0.0.1 only, the machine's accounts (GDVIZ_HUB_USERS may log in),
# a single-user JupyterLab per student from this venv, nbgitpuller, the idle culler.
hub: venv $(PROXY)
	$(BIN)/jupyterhub -f hub/jupyterhub_config.py

bench: venv $(PROXY)
	@shopt -s nullglob; files=(benchmarks/*.py); \
	if [ $${#files[@]} -eq 0 ]; then echo "make bench: no benchmarks/*.py yet"; exit 0; fi; \
	for f in "$${files[@]}"; do echo "== $$f"; $(BIN)/python "$$f"; done

clean:
	rm -rf .hub/state artifacts .pytest_cache .ruff_cache .hypothesis build dist ./*.egg-info
	find . -path ./.git -prune -o -path ./$(VENV) -prune -o \
	  \( -name __pycache__ -o -name .ipynb_checkpoints \) -type d -print0 | xargs -0 -r rm -rf

distclean: clean
	rm -rf $(VENV) .hub
