# The two commands of the README: `make lab` and `make test` (plus `make bench`).
# Each creates .venv from python3 when it is missing; nothing needs to be activated.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8888
STAMP  := $(VENV)/.installed

.PHONY: lab test bench bench-lessons lint lock setup clean-state system-deps screenshots lang-coverage

setup: $(STAMP)

# The Hindi language pack for JupyterLab (its own small package; `camp lab` selects it for participants).
LANGPACK := packages/jupyterlab-language-pack-hi-IN

# Installed from requirements.lock (the tested versions, `make lock` refreshes it from pyproject.toml's ranges) with
# uv, bootstrapped into the venv with pip when missing; pip alone (`UV=`) installs the same pins, only slower.
UV ?= $(BIN)/uv
$(STAMP): pyproject.toml requirements.lock $(LANGPACK)/pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@if [ -n "$(UV)" ]; then \
		test -x $(UV) || $(BIN)/python -m pip install --quiet uv; \
		$(UV) pip install --quiet --python $(BIN)/python -r requirements.lock && \
		$(UV) pip install --quiet --python $(BIN)/python --no-deps -e . -e $(LANGPACK); \
	else \
		$(BIN)/python -m pip install --quiet -r requirements.lock && \
		$(BIN)/python -m pip install --quiet --no-deps -e . -e $(LANGPACK); \
	fi
	@touch $(STAMP)

# Re-resolve the pins (all platforms, Python 3.10 and newer) after changing a range in pyproject.toml.
lock: $(STAMP)
	$(UV) pip compile pyproject.toml --extra dev --universal --python-version 3.10 --quiet -o requirements.lock

lab: $(STAMP)
	$(BIN)/camp lab --port $(PORT)

# System packages the tests use: Debian's Chromium (browser test), bubblewrap (the grading sandbox), acl and npm
# (tests/test_hub.py: setfacl lets the test's users reach the venv's Python; npm installs configurable-http-proxy),
# postgresql (tests/test_postgres.py starts its own server on loopback; Debian's service is not used).
# Installed here when missing, as root with apt-get (as in CI); elsewhere the browser test is skipped and
# the sandbox runs in its weak mode, each saying why.
system-deps:
	@missing=""; command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v bwrap >/dev/null || missing="$$missing bubblewrap"; \
	command -v setfacl >/dev/null || missing="$$missing acl"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	else echo "not installed:$$missing (needs root with apt-get): browser test skipped / weak grading sandbox"; fi

# pytest-xdist workers: one more than the cores. Much of the suite waits on kernels, servers and browsers in other
# processes; on 2 cores 3 workers took 19.5 and 27 min (two clean clones), 2 workers 27.6 min; all passed each time.
TEST_WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) + 1 )))

test: $(STAMP) system-deps
	$(BIN)/python -m ruff check camp grader tests
	$(BIN)/python -m ruff format --check camp grader tests
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/python -m ruff check camp grader tests
	$(BIN)/python -m ruff format --check camp grader tests

# Share of the participant-visible JupyterLab strings (menus, dialogs, toolbar …) that are in Hindi.
lang-coverage: $(STAMP)
	$(BIN)/python -m jupyterlab_language_pack_hi_IN.coverage

# Two steps: the engine against nbgrader (BENCH_ARGS), then the trainer's gradebook at scale: 500 participants x 11
# assignments, report, exports, dashboard, certificates and `nbgrader export`, each cold and best of 3
# (SCALE_ARGS, e.g. "--participants 200 --repeat 1"; SCALE_ARGS=skip leaves it out).
SCALE_ARGS ?=
bench: $(STAMP)
	$(BIN)/python -m grader.bench $(BENCH_ARGS)
	@if [ "$(SCALE_ARGS)" != skip ]; then $(BIN)/python -m grader.report --bench $(SCALE_ARGS); fi

# Each lesson's offline run against its 60-second goal (a figure, not a test).
bench-lessons: $(STAMP)
	$(BIN)/python -m grader.lessonbench $(BENCH_ARGS)

# The participant's loop in Chromium (tests/test_loop_browser.py), one PNG a step in docs/screenshots/ for the
# README. An emoji font (Debian's, as root with apt-get) keeps ✅ ❌ ⏳ from showing as boxes in the pictures.
screenshots: $(STAMP) system-deps
	@fc-list :charset=2705 | grep -q . || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-noto-color-emoji; } || echo "no emoji font: ✅ ❌ show as boxes"
	CAMP_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest tests/test_loop_browser.py tests/test_language_pack.py -q -p no:cacheprovider

clean-state:
	rm -rf .camp

# Participants at once on the real hub (root: it creates accounts; a figure, not a test), e.g. BENCH_ARGS="-n 50".
.PHONY: hub-bench
hub-bench: $(STAMP)
	$(BIN)/python -m grader.hubbench $(BENCH_ARGS)
