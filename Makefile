# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test
AXE := node_modules/axe-core/axe.min.js

.PHONY: run test test-fast bench clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "Broadsheet needs Python 3.11 ($(PYTHON) not found; set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[ml]'
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[ml,scale,test]'
	touch $@ $(STAMP_RUN)

run: $(STAMP_RUN)
	$(BIN)/broadsheet migrate --noinput
	$(BIN)/broadsheet run

# axe-core (npm) checks every page type in the browser tests; without npm they skip it and say so.
$(AXE): package.json
	@if command -v npm >/dev/null; then npm install --no-package-lock --no-audit --no-fund --silent && touch $@ \
		|| echo "could not install axe-core: the accessibility checks will skip"; \
	else echo "npm not found: the accessibility checks (axe-core) will skip"; fi

# SQLite always; PostgreSQL and Redis as well when DATABASE_URL / REDIS_URL are set.
test: $(STAMP_TEST) $(AXE)
	env -u DATABASE_URL -u REDIS_URL $(BIN)/pytest -q
	@if [ -n "$$DATABASE_URL$$REDIS_URL" ]; then \
		echo "== again on DATABASE_URL=$$DATABASE_URL REDIS_URL=$$REDIS_URL"; \
		$(BIN)/pytest -q; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache node_modules
