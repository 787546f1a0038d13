# zkc make targets. Each creates .venv on first use and installs what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ZKC    := $(BIN)/zkc
BUILD  := build
SRS_DIR ?= $(HOME)/.ezkl/srs
ZOO    := mlp_digits lenet_digits
DEMO   := lenet_digits

.DEFAULT_GOAL := help
.PHONY: help venv demo test lint format zoo circuits bench clean

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

test: venv ## run the whole test suite (slow end-to-end tests included)
	$(BIN)/python -m pytest -q

lint: venv ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv ## apply ruff formatting
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

zoo: $(patsubst %,$(BUILD)/%.onnx,$(ZOO)) ## export every zoo model to build/

circuits: zoo ## compile every zoo model into build/ (incremental: the cache skips setup)
	@for m in $(ZOO); do $(ZKC) compile $(BUILD)/$$m.onnx --calibration $(BUILD)/$$m.calib.npz --eval $(BUILD)/$$m.holdout.npz -o $(BUILD)/$$m.zkc --dev-srs --srs-dir $(SRS_DIR) || exit 1; done

bench: venv ## measure compile/prove/verify and subnet serving figures into bench/results/
	$(BIN)/python bench/core.py --out bench/results --srs-dir $(SRS_DIR)
	$(BIN)/python bench/subnet.py --out bench/results --srs-dir $(SRS_DIR)

clean: ## remove build outputs (not .venv, not the SRS or artifact cache)
	rm -rf $(BUILD) .pytest_cache .ruff_cache
