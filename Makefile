# The two commands of the project: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PACKAGES := libs/common services/identity services/accounts services/readings services/payments \
            services/notifications gateway tools/mailcatcher tools/devstack tools/billing_simulator \
            tools/acquirer_emulator
EXISTING := $(foreach p,$(PACKAGES),$(if $(wildcard $(p)/pyproject.toml),$(p)))
STAMP := $(VENV)/.installed

.PHONY: run test lint bootstrap operator clean-venv

$(STAMP): constraints.txt $(foreach p,$(EXISTING),$(p)/pyproject.toml)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt setuptools wheel
	@$(BIN)/python -m pip install -q --disable-pip-version-check --no-build-isolation -c constraints.txt \
		$(foreach p,$(EXISTING),-e $(p)) -e 'libs/common[testing]' ruff mypy types-PyYAML dockerfile-parse jsonschema kubernetes-validate
	@touch $(STAMP)

run: $(STAMP)
	@$(BIN)/lka-dev run

bootstrap: $(STAMP)
	@$(BIN)/lka-dev bootstrap

test: $(STAMP)
	@$(BIN)/lka-dev ensure-servers
	@$(BIN)/python -m pytest

lint: $(STAMP)
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .
	@$(BIN)/mypy

operator: $(STAMP)
	@test -n "$(EMAIL)" -a -n "$(PASSWORD)" || { echo 'Использование: make operator EMAIL=… PASSWORD=…'; exit 2; }
	@$(BIN)/lka-dev bootstrap
	@$(BIN)/python -m lka_identity.entrypoints.operator --email "$(EMAIL)" --password "$(PASSWORD)"

clean-venv:
	rm -rf $(VENV)
