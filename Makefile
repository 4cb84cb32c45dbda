# The two commands of the project: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PACKAGES := libs/common services/identity services/accounts services/readings services/payments \
            services/notifications gateway tools/mailcatcher tools/devstack tools/billing_simulator \
            tools/acquirer_emulator
STAMP := $(VENV)/.installed
# The web front end (web/, TypeScript): npm installs it, Vite builds it into web/dist, which
# the gateway serves at `/`. Rebuilt only when a source file is newer than the build.
WEB_SOURCES := $(shell find web -path web/node_modules -prune -o -path web/dist -prune -o -type f -print 2>/dev/null)
WEB_DEPS := web/node_modules/.installed
WEB_BUILD := web/dist/index.html

.PHONY: run test lint bootstrap operator clean-venv web web-test chromium pgbouncer prometheus pdf-tools bench audit-verify

$(STAMP): constraints.txt $(foreach p,$(PACKAGES),$(p)/pyproject.toml)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt setuptools wheel
	@$(BIN)/python -m pip install -q --disable-pip-version-check --no-build-isolation -c constraints.txt \
		$(foreach p,$(PACKAGES),-e $(p)) -e 'libs/common[testing]' ruff mypy types-PyYAML dockerfile-parse jsonschema kubernetes-validate \
		playwright schemathesis py-spy
	@touch $(STAMP)

$(WEB_DEPS): web/package.json web/package-lock.json
	@cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $(WEB_DEPS)

$(WEB_BUILD): $(WEB_DEPS) $(WEB_SOURCES)
	@cd web && npm run --silent build
	@touch $(WEB_BUILD)

web: $(WEB_BUILD)

web-test: $(WEB_DEPS)
	@cd web && npm test --silent

# The browser of the end-to-end tests: Debian's Chromium, driven by Playwright (no browser
# download at test time, which this machine's closed network would refuse).
chromium:
	@command -v chromium >/dev/null || { \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get install -y -qq chromium >/dev/null || \
		{ $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }; }

# PgBouncer, Debian's: the tests of the services behind a transaction pooler start one of their
# own, as `make bench BENCH_ARGS=--pooler` does (docs/performance.md); nothing else runs through it.
pgbouncer:
	@command -v pgbouncer >/dev/null || test -x /usr/sbin/pgbouncer || { \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get install -y -qq pgbouncer >/dev/null || \
		{ $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq pgbouncer >/dev/null; }; }

# promtool, from Debian's prometheus package (no lighter package ships it): tests/monitoring checks
# and unit-tests the alert rules with it. Only /usr/bin/promtool is used; where systemd runs, the
# package also enables a Prometheus of its own on :9090 that nothing here needs
# (`systemctl disable --now prometheus`); in a container its start is skipped and harmless.
prometheus:
	@command -v promtool >/dev/null || { \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get install -y -qq --no-install-recommends prometheus >/dev/null || \
		{ $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends prometheus >/dev/null; }; }

# pdftoppm (poppler-utils) and zbarimg (zbar-tools), Debian's: the bills' end-to-end test renders a
# bill's PDF to an image and decodes its payment QR code from it, as a phone's camera would.
pdf-tools:
	@command -v pdftoppm >/dev/null && command -v zbarimg >/dev/null || { \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get install -y -qq --no-install-recommends poppler-utils zbar-tools >/dev/null || \
		{ $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends poppler-utils zbar-tools >/dev/null; }; }

run: $(STAMP) web
	@$(BIN)/lka-dev run

bootstrap: $(STAMP)
	@$(BIN)/lka-dev bootstrap

test: $(STAMP) web web-test chromium pgbouncer prometheus pdf-tools
	@$(BIN)/lka-dev ensure-servers
	@$(BIN)/python -m pytest

lint: $(STAMP)
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .
	@$(BIN)/mypy
	@$(BIN)/python tools/check_template.py

operator: $(STAMP)
	@test -n "$(EMAIL)" -a -n "$(PASSWORD)" || { echo 'Использование: make operator EMAIL=… PASSWORD=… [ROLE=operator|supervisor]'; exit 2; }
	@$(BIN)/lka-dev bootstrap
	@$(BIN)/python -m lka_identity.entrypoints.operator --email "$(EMAIL)" --password "$(PASSWORD)" --role "$(or $(ROLE),operator)"

# Every service's audit chain, in the databases `make run` uses (or LKA_<SVC>_DATABASE_URL): one line
# per service; exit status 1 names the first broken record (docs/security.md "The audit").
audit-verify: $(STAMP)
	@$(BIN)/python -m lka_common.audit_verify

clean-venv:
	rm -rf $(VENV)

# The load benchmark (docs/performance.md): the whole stack of its own on other ports, databases
# and vhost, removed again at the end. Options: make bench BENCH_ARGS='--subscribers 16 --duration 20'
# (--pooler: through a PgBouncer of its own).
bench: $(STAMP) pgbouncer
	@$(BIN)/lka-dev ensure-servers
	@$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)
