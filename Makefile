# zkc make targets. Each creates .venv on first use and installs what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ZKC    := $(BIN)/zkc
BUILD  := build
SRS_DIR ?= $(HOME)/.ezkl/srs
ZOO    := mlp_digits lenet_digits lstm_series transformer_tiny resnet_tiny resnet8_digits32
DEMO   := lenet_digits

.DEFAULT_GOAL := help
.PHONY: help venv registry-bin solc demo test lint typecheck check format zoo circuits bench ops clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-9s %s\n", $$1, $$2}'

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

venv: $(BIN)/.installed ## create .venv and install zkc with dev dependencies

# A zoo model's ONNX, calibration and held-out files come from one deterministic export.
$(BUILD)/%.onnx: $(BIN)/.installed
	$(ZKC) zoo export $* -o $@ --calibration $(BUILD)/$*.calib.npz --holdout $(BUILD)/$*.holdout.npz

demo: $(BUILD)/$(DEMO).onnx ## export, compile, prove and verify the LeNet zoo model end to end (dev SRS)
	$(ZKC) compile $(BUILD)/$(DEMO).onnx --calibration $(BUILD)/$(DEMO).calib.npz --eval $(BUILD)/$(DEMO).holdout.npz -o $(BUILD)/$(DEMO).zkc --dev-srs --srs-dir $(SRS_DIR)
	$(ZKC) zoo sample $(BUILD)/$(DEMO).holdout.npz --index 0 -o $(BUILD)/$(DEMO).input.json
	$(ZKC) prove $(BUILD)/$(DEMO).zkc $(BUILD)/$(DEMO).input.json -o $(BUILD)/$(DEMO).proof.json --srs-dir $(SRS_DIR)
	$(ZKC) verify $(BUILD)/$(DEMO).zkc $(BUILD)/$(DEMO).proof.json --srs-dir $(SRS_DIR)
	$(ZKC) inspect $(BUILD)/$(DEMO).zkc

# EVM verifiers are compiled by the npm registry's solc (solc-js, run by node): `zkc evm --solc`.
SOLC_VERSION := 0.8.37
SOLC_DIR     := $(BUILD)/solc/node_modules/solc
$(SOLC_DIR)/package.json:
	npm install --prefix $(BUILD)/solc --no-audit --no-fund --silent solc@$(SOLC_VERSION)
solc: $(SOLC_DIR)/package.json ## install solc-js $(SOLC_VERSION) from the npm registry into build/solc

# Registry tests run a real OCI registry on 127.0.0.1: Debian's docker-registry package.
registry-bin:
	@command -v docker-registry >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-registry >/dev/null; }

# The suite runs with HOME set to a fresh empty directory (removed afterwards) and no EZKL or
# XDG variables, so nothing from earlier runs in ~/.ezkl, ~/.cache or ~/.bittensor is seen:
# whatever the tests need (SRS files, wallets, caches), the tests create.
# Two test processes (pytest-xdist; a module's tests stay in one, sharing its fixtures): most
# of a compile is one core's work, and CI has two. Modules are handed out in collection order,
# the longest first (tests/conftest.py, HEAVY_MODULES), not xdist's most-tests-first.
TEST_WORKERS ?= 2
test: venv registry-bin solc ## run the whole test suite (slow end-to-end tests included) in an empty HOME
	@home=$$(mktemp -d "$${TMPDIR:-/tmp}/zkc-test-home.XXXXXX"); \
	echo "make test: HOME=$$home (empty; removed afterwards)"; \
	env -u EZKL_REPO_PATH -u XDG_CACHE_HOME -u XDG_CONFIG_HOME -u XDG_DATA_HOME -u XDG_STATE_HOME \
		HOME="$$home" ZKC_SOLC=$(abspath $(SOLC_DIR)) $(abspath $(BIN))/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS); \
	status=$$?; rm -rf "$$home"; exit $$status

lint: venv ## ruff lint and format check, code-size budget
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/test_code_size.py

# mypy sees the package as it is installed (zkc.compiler, ...) through a tree of links to the
# root folders (pyproject's package-dir mapping is invisible to it); strict on the compiler.
TYPECHECK := $(BUILD)/typecheck
typecheck: venv ## mypy: strict on zkc.compiler (the IR, planning, artifacts, the Target protocol), the rest checked
	@mkdir -p $(TYPECHECK)/zkc
	@for d in compiler passes targets model_zoo cli api; do ln -sfn ../../../$$d $(TYPECHECK)/zkc/$$d; done
	@ln -sfn ../../../zkc/__init__.py $(TYPECHECK)/zkc/__init__.py
	cd $(TYPECHECK) && ../../$(BIN)/mypy --config-file ../../pyproject.toml -p zkc

check: lint typecheck ## lint and type check (CI runs this before the tests)

format: venv ## apply ruff formatting
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

zoo: $(patsubst %,$(BUILD)/%.onnx,$(ZOO)) ## export every zoo model to build/

# Each zoo model's fidelity target (zkc zoo list): the budget zkc's scale search compiles to.
BUDGET_mlp_digits       := --min-top1 0.99
BUDGET_lenet_digits     := --min-top1 0.99
BUDGET_transformer_tiny := --min-top1 0.99
BUDGET_lstm_series      := --max-error 0.05
BUDGET_resnet_tiny      := --max-logrows 15 --min-top1 0.99
BUDGET_resnet8_digits32 := --max-logrows 17

circuits: zoo ## compile every zoo model to its fidelity target into build/ (the cache skips setup)
	$(foreach m,$(ZOO),$(ZKC) compile $(BUILD)/$(m).onnx --calibration $(BUILD)/$(m).calib.npz --eval $(BUILD)/$(m).holdout.npz -o $(BUILD)/$(m).zkc $(BUDGET_$(m)) --dev-srs --srs-dir $(SRS_DIR) &&) true

bench: venv registry-bin solc ## measure every figure into bench/results/ (core, subnet, serve_load, quantize, registry, slicing, cluster, scale, plan_time, evm, visibility, side_by_side)
	$(BIN)/python bench/core.py --out bench/results --srs-dir $(SRS_DIR)
	$(BIN)/python bench/subnet.py --out bench/results --srs-dir $(SRS_DIR)
	$(BIN)/python bench/serve_load.py --out bench/results --srs-dir $(SRS_DIR)
	$(BIN)/python bench/quantize.py --out bench/results --srs-dir $(SRS_DIR)
	$(BIN)/python bench/registry.py --out bench/results --srs-dir $(SRS_DIR)
	$(BIN)/python bench/cost_model.py --out bench/results
	$(BIN)/python bench/link_modes.py --out bench/results --srs-dir $(SRS_DIR)
	$(BIN)/python bench/slicing.py --out bench/results --srs-dir $(SRS_DIR)
	$(BIN)/python bench/slice_budget.py --out bench/results --srs-dir $(SRS_DIR)
	$(BIN)/python bench/cluster_shipping.py --out bench/results --srs-dir $(SRS_DIR)
	$(BIN)/python bench/scale.py --out bench/results --srs-dir $(SRS_DIR)
	$(BIN)/python bench/plan_time.py --out bench/results
	$(BIN)/python bench/evm.py --out bench/results --srs-dir $(SRS_DIR) --solc $(SOLC_DIR)
	$(BIN)/python bench/visibility.py --out bench/results --srs-dir $(SRS_DIR)
	$(BIN)/python bench/side_by_side.py --out bench/results --srs-dir $(SRS_DIR)

ops: venv ## op cases and onnx's backend models through plain EZKL and zkc -> the op table, docs/ops.md, docs/conformance.md
	$(BIN)/python bench/ops.py --out bench/results --docs docs/ops.md --table targets/ezkl/op_table.json
	$(BIN)/python bench/conformance.py --out bench/results --docs docs/conformance.md

clean: ## remove build outputs (not .venv, not the SRS or artifact cache)
	rm -rf $(BUILD) .pytest_cache .ruff_cache
