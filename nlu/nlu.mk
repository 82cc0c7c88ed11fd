# Rasa NLU: its own Python 3.10 venv (.venv-rasa), the trained model, its checks and benchmark.
# Included by the main Makefile, which defines BIN and STAMP and exports RASA_TELEMETRY_ENABLED
# and NO_PROXY.
.PHONY: nlu-model nlu-check nlu-bench nlu-venv

RASA_VENV := .venv-rasa
RASA_REQUIREMENTS := nlu/requirements-rasa.txt nlu/constraints-rasa.txt
RASA_STAMP := $(RASA_VENV)/.installed-$(shell cat $(RASA_REQUIREMENTS) | sha1sum | cut -c1-12)
# Rasa 3.6 needs Python < 3.11: pyenv's 3.10.13 where present, else python3.10 on PATH.
# Override on other machines: make RASA_PYTHON=/path/to/python3.10 ...
RASA_PYTHON ?= $(shell p="$$(pyenv root 2>/dev/null)/versions/3.10.13/bin/python"; \
	if [ -x "$$p" ]; then echo "$$p"; else command -v python3.10; fi)
NLU_MODEL := nlu/models/juntos-nlu.tar.gz
NLU_INPUTS := nlu/config.yml nlu/domain.yml $(wildcard nlu/data/nlu/*.yml) $(RASA_REQUIREMENTS)

$(RASA_STAMP): $(RASA_REQUIREMENTS)
	@echo "==> Rasa environment ($(RASA_VENV), rasa 3.6.21 on Python 3.10; takes a few minutes)"
	@if [ ! -x $(RASA_VENV)/bin/python ]; then \
		if [ -z "$(RASA_PYTHON)" ] || ! "$(RASA_PYTHON)" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then \
			echo "error: Rasa 3.6 needs Python 3.10 and none was found." >&2; \
			echo "  Install it (e.g. 'pyenv install 3.10.13') or run: make RASA_PYTHON=/path/to/python3.10" >&2; \
			exit 1; \
		fi; \
		"$(RASA_PYTHON)" -m venv $(RASA_VENV); \
	fi
	@mkdir -p var
	@$(RASA_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
		-c nlu/constraints-rasa.txt -r nlu/requirements-rasa.txt > var/pip-rasa.log 2>&1 \
		|| { cat var/pip-rasa.log; exit 1; }
	@$(RASA_VENV)/bin/rasa telemetry disable >/dev/null 2>&1
	@rm -f $(RASA_VENV)/.installed-*
	@touch $@

nlu-venv: $(RASA_STAMP)

# `juntos nlu train` retrains only when the content hash of config, domain and data changed;
# the touch keeps make from asking again when only timestamps moved.
$(NLU_MODEL): $(RASA_STAMP) $(NLU_INPUTS) | $(STAMP)
	@$(BIN)/juntos nlu train
	@touch $@

nlu-model: $(NLU_MODEL)

nlu-check: nlu-model
	@$(BIN)/juntos nlu validate
	@$(BIN)/juntos nlu eval

# bench/nlu.py starts the server on a free loopback port, measures, and stops it.
nlu-bench: nlu-model
	@$(BIN)/python bench/nlu.py
