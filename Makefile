# The README's commands. Everything installs what it needs under the repo (.venv, node/node_modules).
PYTHON ?= python3
VENV   := .venv
PY     := $(CURDIR)/$(VENV)/bin/python
CARGO  ?= cargo

.PHONY: lint gen test demo bench fuzz reliability test-rust test-conformance test-python test-node venv node-deps \
	clean test-official python-dev redis-server dist test-install-python test-install-node

# `lint` first: CI refuses unformatted or lint-failing code before it spends time on the suites.
test: lint test-rust test-conformance test-python test-install-python test-node test-install-node test-official
	@echo "make test: all suites passed"

# --- gates -----------------------------------------------------------------------------------------
# rustfmt and clippy (rules in rustfmt.toml and [workspace.lints]), the 120-column width of every tracked source
# line (tools/check_width.py: the string literals and comments the formatters leave long, and the JavaScript and
# TypeScript nothing formats), ruff over every Python file (ruff.toml), the TypeScript checker over the
# hand-written JavaScript layer (node/tsconfig.lint.json), then the generated blocks against the core's
# declarations (`make gen` rewrites them). Last, the release's inputs: every stated version against Cargo.toml's
# (tools/release_version.py), and the workflows in .github/workflows, which nothing here can run: the vendored
# workflow schema (keys, types) and zizmor (pinning, permissions, injection), both offline.
lint: venv node-deps
	$(CARGO) fmt --all -- --check
	$(PY) tools/check_width.py
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	cd node && ./node_modules/.bin/tsc -p tsconfig.lint.json
	$(CARGO) run -q --locked -p ccc-aicall-codegen -- check
	$(PY) tools/release_version.py
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(VENV)/bin/zizmor --offline --persona pedantic --no-progress -q .github/workflows

# The bindings' generated blocks (Python signatures and docstrings, _native.pyi, tts.py's vendor classes,
# index.d.ts, the README tables) from the core's declarations; `lint` fails while one differs from what this writes.
gen:
	$(CARGO) run -q --locked -p ccc-aicall-codegen -- write

# --- tools -----------------------------------------------------------------------------------------
venv: $(VENV)/.installed
$(VENV)/.installed: tests/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r tests/requirements.txt
	touch $@

# --- suites ----------------------------------------------------------------------------------------
test-rust: redis-server
	$(CARGO) test --workspace --locked

# The shared-store tests (Rust, Python and Node) start a real redis-server of their own on 127.0.0.1: the one on PATH
# (or CCC_TEST_REDIS_SERVER), else Debian's package, installed here (sudo only when not root).
redis-server:
	@command -v redis-server >/dev/null 2>&1 || [ -n "$$CCC_TEST_REDIS_SERVER" ] || { \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq redis-server; }

# Our signer against the official SDK's own signing code (tencentcloud-sdk-python-common).
test-conformance: venv
	CCC_ORACLE_PYTHON=$(PY) $(CARGO) test --locked -p ccc-aicall --test oracle -- --nocapture

# The Python packages: debug builds of the runtime extension and of the emulator's (a distribution of its own,
# ccc-aicall-emulator, so production installs carry no test server) into .venv; then the pytest suite.
python-dev: venv
	VIRTUAL_ENV=$(CURDIR)/$(VENV) $(VENV)/bin/maturin develop --locked --quiet -m python/Cargo.toml
	VIRTUAL_ENV=$(CURDIR)/$(VENV) $(VENV)/bin/maturin develop --locked --quiet -m python-emulator/Cargo.toml

test-python: python-dev redis-server
	cd python && $(PY) -m pytest -q

# The wheels as a user receives them: installed with pip into a fresh venv with cargo and rustc off PATH, then a
# call placed from Python and from the ccc-aicall command, and a user's file type-checked against the install.
test-install-python: python-dev
	$(PY) tests/install/python_install.py

# The Node package: its dev tools (npm ci), the native module (debug build), node:test and tsc. --ignore-scripts:
# none of the dev tools has an install script, and the lock names our platform packages (optionalDependencies),
# not yet published: should someone else publish one of those names first, npm would fetch it, and must not run it
# (the checkout's own build is what loads, never a platform package).
node-deps: node/node_modules/.installed
node/node_modules/.installed: node/package.json node/package-lock.json
	cd node && npm ci --no-audit --no-fund --ignore-scripts
	touch $@

test-node: node-deps redis-server
	cd node && npm run build && npm test

# The npm packages install and work without Rust: the four tarballs of this platform (ccc-aicall, ccc-aicall-emulator
# and their platform packages) from the debug modules test-node built, installed offline into a fresh folder, then a
# call on the emulator from CommonJS and ESM and a strict tsc check, with cargo and rustc off PATH.
test-install-node: test-node
	tests/install/node_install.sh

# The official Python and Node SDKs against the emulator binary (tests/official/run.sh starts and stops it).
EMULATOR_BIN := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)/debug/ccc-aicall-emulator
test-official: venv tests/official/node_modules/.installed
	$(CARGO) build --locked -p ccc-aicall-emulator
	tests/official/run.sh $(EMULATOR_BIN) $(PY)

tests/official/node_modules/.installed: tests/official/package.json tests/official/package-lock.json
	cd tests/official && npm ci --no-audit --no-fund
	touch $@

# What a release would publish, in dist/ (not part of `test`): the abi3 wheels (ccc-aicall and the test-only
# ccc-aicall-emulator) for Linux x86_64 tagged manylinux2014
# (linked with zig from PyPI against glibc 2.17, so it installs on any distribution since 2014, no Rust needed), the
# sdist, and the npm tarballs (ccc-aicall, the emulator's package ccc-aicall-emulator, and each one's linux-x64-gnu
# platform package with the prebuilt module); checked with `twine check` and `npm publish --dry-run`.
DIST := $(CURDIR)/dist
dist: venv node-deps
	$(PY) -m pip install -q --disable-pip-version-check ziglang==0.17.1 twine==7.0.0
	rm -rf $(DIST) && mkdir -p $(DIST)
	for project in python python-emulator; do \
		PATH=$(CURDIR)/$(VENV)/bin:$$PATH VIRTUAL_ENV=$(CURDIR)/$(VENV) $(VENV)/bin/maturin build --release --locked \
			--zig --compatibility manylinux2014 -m $$project/Cargo.toml --out $(DIST) && \
		$(VENV)/bin/maturin sdist -m $$project/Cargo.toml --out $(DIST) || exit 1; \
	done
	$(VENV)/bin/twine check --strict $(DIST)/*
	cd node && npm run build:release && scripts/pack.sh $(DIST) && for d in . npm/linux-x64-gnu ../node-emulator \
		../node-emulator/npm/linux-x64-gnu; do (cd $$d && npm publish --dry-run) || exit 1; done
	@ls -l $(DIST)

# Fuzz each target for FUZZ_SECONDS (cargo-fuzz, installed if missing); writes tests/fuzz-results.json.
# Not part of `test`: the crashes it ever found are replayed there by core/tests/fuzz_regressions.rs.
FUZZ_SECONDS ?= 60
fuzz:
	$(PYTHON) fuzz/run.py --seconds $(FUZZ_SECONDS)

# Fault matrix and leak checks in Rust, Python and Node, panic safety, then load and soak against the release
# emulator binary (tests/reliability/run_load.py, minutes: not part of `test`), then tests/RELIABILITY.md from
# what they measured (target/reliability/*.json, tests/fuzz-results.json). The report is written even when the
# load checks fail, and says so.
RELEASE_EMULATOR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)/release/ccc-aicall-emulator
reliability: python-dev node-deps
	$(CARGO) build --locked --release -p ccc-aicall-emulator
	$(CARGO) test --locked -p ccc-aicall-emulator --test fault_matrix --test fault_matrix_leaks
	cd python && $(PY) -m pytest -q tests/test_fault_matrix.py tests/test_fault_matrix_leaks.py tests/test_panic.py
	cd node && npm run build && \
		node --test tests/fault_matrix.test.js tests/fault_matrix_leaks.test.js tests/panic.test.js
	$(PY) tests/reliability/run_load.py --emulator $(RELEASE_EMULATOR) || { $(PY) tests/reliability/report.py; exit 1; }
	$(PY) tests/reliability/report.py

# --- demo ------------------------------------------------------------------------------------------
# Builds everything, starts the bundled emulator, places one call from Python and one from Node.
demo: python-dev node-deps
	$(CARGO) build --locked -p ccc-aicall-emulator
	cd node && npm run build
	examples/demo.sh $(EMULATOR_BIN) $(PY)

# --- bench -----------------------------------------------------------------------------------------
# Ours against the official Python and Node SDKs on the emulator; writes bench/RESULTS.md (about 10 minutes).
# Not part of `test`. Its own venv (.venv-bench: the official SDKs, maturin, py-spy) and bench/node_modules;
# release builds throughout. BENCH_ARGS="--wait-idle 30" first waits for a quiet machine; see bench/run.py.
BENCH_VENV := .venv-bench
BENCH_ARGS ?=
bench: $(BENCH_VENV)/.installed bench/node_modules/.installed
	$(BENCH_VENV)/bin/python bench/run.py $(BENCH_ARGS)

$(BENCH_VENV)/.installed: bench/requirements.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install -q --disable-pip-version-check -r bench/requirements.txt
	touch $@

bench/node_modules/.installed: bench/package.json bench/package-lock.json
	cd bench && npm ci --no-audit --no-fund
	touch $@

clean:
	rm -rf target $(VENV) node/node_modules tests/official/node_modules
