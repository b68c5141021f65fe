# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test serve serve-proxy lint format openapi fuzz

# SECRET_KEY from the environment, else from .data/secret_key (made once). API client secrets are
# keyed by it (docs/commands.md), so `make run` and `make serve` share it: the demo client works
# under both.
WITH_SECRET_KEY = mkdir -p .data && \
	{ test -s .data/secret_key || $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > .data/secret_key; } && \
	export SECRET_KEY="$${SECRET_KEY:-$$(cat .data/secret_key)}" &&

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

## Start the development server with the embedded database and a demo tenant.
run: $(STAMP)
	$(WITH_SECRET_KEY) \
	$(BIN)/python manage.py migrate_schemas --shared --verbosity 0 && \
	$(BIN)/python manage.py migrate_schemas --tenant --executor multiprocessing --verbosity 0 && \
	$(BIN)/python manage.py seed_demo && \
	exec $(BIN)/python manage.py runserver 127.0.0.1:8000

## Serve the app as in production: gunicorn, DEBUG off, static files by whitenoise.
serve: $(STAMP)
	$(WITH_SECRET_KEY) export DEBUG=false && \
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0 && \
	$(BIN)/python manage.py migrate_schemas --shared --verbosity 0 && \
	$(BIN)/python manage.py migrate_schemas --tenant --executor multiprocessing --verbosity 0 && \
	exec $(BIN)/gunicorn config.wsgi --config config/gunicorn.conf.py

## As `serve`, behind the buffering reverse proxy of config/nginx.conf (Debian: nginx-light):
## nginx on BIND (127.0.0.1:8000), gunicorn on UPSTREAM (127.0.0.1:8001). Slow clients wait in
## nginx, not in a gunicorn worker; use this in production.
serve-proxy: $(STAMP)
	$(WITH_SECRET_KEY) export DEBUG=false && \
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0 && \
	$(BIN)/python manage.py migrate_schemas --shared --verbosity 0 && \
	$(BIN)/python manage.py migrate_schemas --tenant --executor multiprocessing --verbosity 0 && \
	exec $(BIN)/python -m config.proxy --listen "$${BIND:-127.0.0.1:8000}" \
		--upstream "$${UPSTREAM:-127.0.0.1:8001}"

## Run the whole test suite.
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Regenerate the committed OpenAPI schema (docs/openapi.yaml) after an API change.
openapi: $(STAMP)
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file docs/openapi.yaml

## Contract fuzzing with many more examples per operation than the normal test run.
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-100} $(BIN)/python -m pytest tests/api/test_fuzz.py -q $(PYTEST_ARGS)
