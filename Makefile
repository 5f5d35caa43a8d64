# Two commands for a fresh machine (Python 3.10+ on PATH as python3):
#   make lab    opens JupyterLab on notebooks/Neural_Networks.ipynb
#   make test   runs every test: unit tests, nbval on every notebook, browser tests
# Both create (or reuse) the virtual environment .venv and install what they need.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SANITIZE := tests/nbval_sanitize.cfg

.PHONY: lab test unit nbval browser notebooks lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.lab-installed: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test-installed: requirements.txt requirements-test.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $(VENV)/.lab-installed $@

# JupyterLab refuses to run as root (containers, some cloud machines) unless told it may.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(VENV)/.lab-installed
	$(BIN)/jupyter lab $(ALLOW_ROOT) notebooks/Neural_Networks.ipynb

test: lint unit nbval browser

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .

unit: $(VENV)/.test-installed
	$(BIN)/python -W error -m pytest -q -n 2 tests --ignore=tests/browser

nbval: $(VENV)/.test-installed
	$(BIN)/python -m pytest -q -n 2 --dist loadscope --nbval --nbval-current-env \
		--nbval-sanitize-with $(SANITIZE) -p no:python notebooks

browser: $(VENV)/.test-installed
	$(BIN)/python -m pytest -q tests/browser

# Re-execute every notebook top to bottom and store the outputs (after changing mlp_core).
notebooks: $(VENV)/.test-installed
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.timeout=120 notebooks/*.ipynb

bench: $(VENV)/.test-installed
	$(BIN)/python -m pip install --quiet -r requirements-bench.txt
	$(BIN)/python benchmarks/bench_classroom.py
	$(BIN)/python benchmarks/bench_large_batch.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis test-artifacts
