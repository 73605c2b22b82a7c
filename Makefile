# Mercato — the verbs people expect. `make run` and `make test` work on a fresh machine with
# nothing but Python 3.11+: they create .venv, install the locked dependencies and start the
# embedded PostgreSQL and Redis when DATABASE_URL / REDIS_URL are not set.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.9
DEV_ENV := DEBUG=$${DEBUG:-1}
TEST_ENV := DEBUG=1 SECRET_KEY=$${SECRET_KEY:-insecure-key-for-tests-only}

TOOLS := .venv-tools

.PHONY: help install tools run test lint lint-deploy format migrate demo bench check-deploy stop-services clean

help:
	@echo "make run            start the platform (web, worker, beat) on http://localhost:8000/"
	@echo "make test           run the whole test suite"
	@echo "make lint           ruff, and deploy/ checks (terraform fmt, checkov, hadolint)"
	@echo "make migrate        migrate the public schema, the store template and every store (if behind)"
	@echo "make bench          run the benchmark scripts under benchmarks/"
	@echo "make stop-services  stop the embedded PostgreSQL and Redis (data is kept in .data/)"

$(VENV)/.installed: pyproject.toml uv.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	test -x $(VENV)/bin/uv || $(PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(VENV)/bin/uv sync --frozen --quiet --python $(PY)
	# Bytecode written once: with PYTHONDONTWRITEBYTECODE set, every process would compile it again.
	$(PY) -m compileall -q -j 0 $(VENV)/lib platform tenants search storefront_cms tests benchmarks >/dev/null || true
	touch $@

install: $(VENV)/.installed

# Deploy lint tools in a venv of their own: checkov pins versions of libraries the app also uses.
$(TOOLS)/.installed: deploy/tools/requirements.txt $(VENV)/.installed
	test -x $(TOOLS)/bin/python || $(PYTHON) -m venv $(TOOLS)
	$(VENV)/bin/uv pip install --quiet --python $(TOOLS)/bin/python -r deploy/tools/requirements.txt
	touch $@

tools: $(TOOLS)/.installed

# Only the schemas with migrations to apply are migrated (tenants.migration_status): a start
# with nothing to migrate takes seconds, whatever the number of stores.
migrate: install
	@$(DEV_ENV) $(PY) manage.py migrate_pending

demo: migrate
	@$(DEV_ENV) $(PY) manage.py create_demo_store

# One process does what the servers need first (one Django start-up instead of three).
run: install
	@echo "Preparing Mercato (embedded PostgreSQL and Redis start first if none is configured)..."
	@$(DEV_ENV) $(PY) manage.py prepare_platform
	$(DEV_ENV) $(VENV)/bin/honcho start --no-prefix -f Procfile

# tools: tests/deploy runs terraform fmt, checkov and hadolint over deploy/.
test: install tools
	$(TEST_ENV) $(VENV)/bin/pytest

lint: install lint-deploy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Terraform cannot be validated here (`validate` needs the providers); formatting and checkov's
# static scan can. Every checkov skip is explained inline (#checkov:skip=CKV_...:reason).
lint-deploy: tools
	$(TOOLS)/bin/python deploy/tools/terraform_fmt.py
	$(TOOLS)/bin/checkov --directory deploy --framework terraform dockerfile --compact --quiet --skip-download
	$(TOOLS)/bin/hadolint deploy/Dockerfile

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	@for script in $(wildcard benchmarks/*.py); do echo "# $$script"; $(DEV_ENV) $(PY) $$script || exit 1; done

stop-services: install
	$(DEV_ENV) $(PY) manage.py embedded_services stop

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .ruff_cache .hypothesis
