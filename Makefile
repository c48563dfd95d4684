# The workbench's two everyday commands are `make run` and `make test`; both install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian packages the tests need: venv for .venv, WeasyPrint's text layout (Pango, HarfBuzz
# subsetting) and fonts, poppler's pdftotext for PDF checks, chromium for the browser tests, and
# pg_dump/pg_restore for `workbench backup` and `restore` on PostgreSQL.
DEBIAN_PACKAGES := python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
	fonts-dejavu-core fonts-noto-cjk poppler-utils chromium postgresql-client

.PHONY: install system-packages run test lint format clean vendor wheel-check audit-deps
# Front-end assets, vendored into workbench/static/vendor from the npm registry (no CDN).
PICO_VERSION := 2.1.1
HTMX_VERSION := 2.0.11
# The live charts: Vega-Lite at the minor version vl-convert-python prints documents with
# (documents/charts.py VEGA_LITE_VERSION), and the Vega and vega-embed that vl-convert bundles.
VEGA_VERSION := 6.2.0
VEGA_LITE_VERSION := 6.4.1
VEGA_EMBED_VERSION := 7.0.2

install: $(INSTALLED)

# Every dependency at the version constraints.txt pins, so each machine runs what CI ran.
$(INSTALLED): pyproject.toml constraints.txt | system-packages
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(INSTALLED)

system-packages:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:" $$missing; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

run: install system-packages
	$(BIN)/workbench init
	$(BIN)/workbench serve

# bandit: security lint of the package; reviewed exceptions are marked `# nosec Bxxx # why`.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/bandit --quiet --recursive workbench

# Known vulnerabilities with a fix in the pinned dependencies (pip-audit). It needs PyPI's JSON
# API or OSV, which this project's machines and CI cannot reach, so it is not part of `make test`
# (README, Security).
audit-deps: install
	$(BIN)/python .ci/dependency-audit

# One pytest worker per core; each makes its own template databases (tests/conftest.py). A worker
# that runs out of tests takes half of the other's ("worksteal"): without it one worker could be
# left with the slow document tests while the other sat idle for a minute.
test: install system-packages lint
	$(BIN)/pytest -n auto --dist worksteal --durations=15

# Build the wheel, install it in a fresh environment outside the checkout, and use it there.
wheel-check: install
	.ci/wheel-check

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

vendor:
	rm -rf .vendor && mkdir -p .vendor
	cd .vendor && npm pack --silent @picocss/pico@$(PICO_VERSION) htmx.org@$(HTMX_VERSION) \
		vega@$(VEGA_VERSION) vega-lite@$(VEGA_LITE_VERSION) vega-embed@$(VEGA_EMBED_VERSION)
	cd .vendor && for f in *.tgz; do mkdir -p $${f%.tgz} && tar -xzf $$f -C $${f%.tgz}; done
	cp .vendor/picocss-pico-$(PICO_VERSION)/package/css/pico.min.css \
		.vendor/picocss-pico-$(PICO_VERSION)/package/LICENSE.md workbench/static/vendor/pico/
	cp .vendor/htmx.org-$(HTMX_VERSION)/package/dist/htmx.min.js \
		.vendor/htmx.org-$(HTMX_VERSION)/package/LICENSE workbench/static/vendor/htmx/
	mkdir -p workbench/static/vendor/vega
	cp .vendor/vega-$(VEGA_VERSION)/package/build/vega.min.js workbench/static/vendor/vega/
	cp .vendor/vega-$(VEGA_VERSION)/package/LICENSE workbench/static/vendor/vega/LICENSE-vega
	cp .vendor/vega-lite-$(VEGA_LITE_VERSION)/package/build/vega-lite.min.js workbench/static/vendor/vega/
	cp .vendor/vega-lite-$(VEGA_LITE_VERSION)/package/LICENSE workbench/static/vendor/vega/LICENSE-vega-lite
	cp .vendor/vega-embed-$(VEGA_EMBED_VERSION)/package/build/vega-embed.min.js workbench/static/vendor/vega/
	cp .vendor/vega-embed-$(VEGA_EMBED_VERSION)/package/LICENSE workbench/static/vendor/vega/LICENSE-vega-embed
	rm -rf .vendor

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
