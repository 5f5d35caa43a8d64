# Two commands for a fresh machine (Python 3.10+ as python3, else: make PYTHON=python3.12 lab):
#   make lab    opens JupyterLab on notebooks/Neural_Networks.ipynb, its panels drawn before running
#   make test   runs every test: unit tests, nbval on every notebook, browser tests
#   make demo   the regularization lab alone, full window, no code (Voilà), for a lecture hall
# Both create (or reuse) the virtual environment .venv and install what they need.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SANITIZE := tests/nbval_sanitize.cfg

.PHONY: lab test unit nbval browser notebooks lint bench clean constraints-upgrade reset-notebooks \
	demo handouts

# pip as make runs it. pip shows the warnings of a package build even under --quiet, and
# setuptools warns at every editable install of a package that is not in a src/ folder
# ("Editable installation. Please be careful with folders in your working directory with the
# same name as your package as they may take precedence during imports."). Here that folder is
# the package itself, so the filter hides that one warning (tests/test_setup.py checks it).
PIP := PYTHONWARNINGS="ignore:Editable installation:UserWarning" $(BIN)/python -m pip

# The virtual environment, made by $(PYTHON): 3.10 or newer (else make PYTHON=python3.12 lab).
# If making it fails (no venv module: Debian/Ubuntu without python3-venv, where venv stops
# after writing bin/python; or pip cannot be upgraded), the half-made .venv is removed, so
# the next run starts afresh instead of reusing a broken one.
$(BIN)/python:
	@version=$$($(PYTHON) -c 'import platform; print(platform.python_version())' 2>/dev/null) || { \
		echo "make: '$(PYTHON)' is not a working Python. Install Python 3.10 or newer, or pick" \
			"one: make PYTHON=python3.12 lab" >&2; exit 1; }; \
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || { \
		echo "make: the kit needs Python 3.10 or newer, but '$(PYTHON)' is Python $$version." >&2; \
		echo "      Pick another one, e.g.: make PYTHON=python3.12 lab (and the same for test)" >&2; \
		exit 1; }; \
	echo "creating $(VENV) with $(PYTHON) (Python $$version)"; \
	rm -rf $(VENV); \
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
		echo "make: '$(PYTHON) -m venv $(VENV)' failed; removed the half-made $(VENV)." \
			"On Debian/Ubuntu: apt-get install python3-venv (python3.X-venv for another version)" >&2; \
		exit 1; }; \
	$(PIP) install --quiet --upgrade pip || { rm -rf $(VENV); \
		echo "make: upgrading pip in the new $(VENV) failed (see above); removed $(VENV)" >&2; \
		exit 1; }

# constraints.txt: the versions the tests last passed with (see its header).
$(VENV)/.lab-installed: requirements.txt pyproject.toml constraints.txt | $(BIN)/python
	@echo "installing requirements.txt into $(VENV), at the versions of constraints.txt"
	@$(PIP) install --quiet -r requirements.txt -c constraints.txt
	@touch $@

$(VENV)/.test-installed: requirements.txt requirements-test.txt pyproject.toml constraints.txt \
		| $(BIN)/python
	@echo "installing requirements-test.txt into $(VENV), at the versions of constraints.txt"
	@$(PIP) install --quiet -r requirements-test.txt -c constraints.txt
	@touch $(VENV)/.lab-installed $@

# For maintainers, in a fresh clone (a working .venv with extra packages would pin those too):
# upgrade to the newest versions requirements*.txt allow and write them to constraints.txt,
# marked for this Python. Then make notebooks, review the diff, make test, commit.
# The pins are for Python 3.11 (the CI machine's); a .venv of another version is refused.
constraints-upgrade: | $(BIN)/python
	@$(BIN)/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || { \
		echo "make: constraints.txt pins Python 3.11 (the CI machine's), but .venv is" \
			"Python $$($(BIN)/python -c 'import platform; print(platform.python_version())')." \
			"Run make clean, then make PYTHON=python3.11 constraints-upgrade" >&2; exit 1; }
	$(PIP) install --quiet --upgrade --upgrade-strategy eager -r requirements-test.txt
	{ grep '^#' constraints.txt; $(BIN)/python -m pip freeze --exclude-editable \
		| sed 's/$$/ ; python_version == "3.11"/'; } > constraints.txt.new
	mv constraints.txt.new constraints.txt
	touch $(VENV)/.lab-installed $(VENV)/.test-installed

# scripts/start_lab.py trusts notebooks/*.ipynb for this user (so the panels' stored pictures
# show before running), then runs jupyter lab on the repository with the kit's configuration
# (jupyter-settings/) and notebooks/Neural_Networks.ipynb as start page (the printed links and
# the opened page land there), adding --allow-root when run as root.
lab: $(VENV)/.lab-installed
	$(BIN)/python scripts/start_lab.py

# An app: a section's panels alone, full window, without code, served by Voilà on 127.0.0.1
# only with a new token (apps/serve.py prints the address and opens it). APP=lab (default),
# perceptron, activations, backprop or training; PRESENTER=1 starts with large figures and
# text for a projector (the app's Presenter toggle switches at any time).
APP ?= lab
demo: $(VENV)/.lab-installed
	$(BIN)/python apps/serve.py $(APP) $(if $(filter 1,$(PRESENTER)),--presenter)

# Printable handouts: every notebook as one HTML file with its panels' stored pictures
# embedded, in docs/handouts/ (not in git: made from the notebooks whenever wanted).
handouts: $(VENV)/.lab-installed
	$(BIN)/python scripts/handouts.py

# Put notebooks/ back as git has it. Each notebook that differs is first copied to my-work/
# with the date and time in its name, so nothing a student wrote is lost.
reset-notebooks:
	@git rev-parse --is-inside-work-tree >/dev/null 2>&1 || { \
		echo "make: reset-notebooks needs git and a git clone of the kit" >&2; exit 1; }
	@stamp=$$(date +%Y%m%d-%H%M%S); mkdir -p my-work || exit 1; \
	changed=$$(git diff --name-only HEAD -- 'notebooks/*.ipynb') || exit 1; \
	for path in $$changed; do \
		[ -f "$$path" ] || continue; \
		copy="my-work/$$(basename "$$path" .ipynb)-$$stamp.ipynb"; \
		cp "$$path" "$$copy" || exit 1; \
		echo "your version of $$path is now $$copy"; \
	done; \
	git checkout HEAD -- notebooks && echo "notebooks/ is as in git again"

test: lint unit nbval browser

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .

# -W error is pytest's option here, not python's: pytest-xdist passes it on to its workers
# (python -W error would set the filter in the parent process only).
unit: $(VENV)/.test-installed
	$(BIN)/python -m pytest -W error -q -n 2 tests --ignore=tests/browser

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
	$(PIP) install --quiet -r requirements-bench.txt -c constraints.txt
	$(BIN)/python benchmarks/bench_classroom.py
	$(BIN)/python benchmarks/bench_large_batch.py
	$(BIN)/python benchmarks/bench_lab.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis test-artifacts
