# socialwh — the two commands of the README are `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA_DIR := $(or $(SOCIALWH_DATA_DIR),data)
# `make ui UI_PORT=3001`; UI_HOST=0.0.0.0 opens the UI to the network (it has no login).
UI_HOST ?= 127.0.0.1
UI_PORT ?= 3000

.PHONY: demo test test-spark ui bench bench-spark lint venv
comma := ,

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	@if [ -z "$$(ls -A "$(DATA_DIR)/landing" 2>/dev/null)" ]; then \
		echo "Landing folder empty: generating demo exports up to yesterday in $(DATA_DIR)/landing"; \
		$(BIN)/socialwh demo-data --out "$(DATA_DIR)/landing" --end "$$($(BIN)/python -c \
			'import datetime; print(datetime.date.today() - datetime.timedelta(days=1))')"; \
	fi
	$(BIN)/socialwh run

# two workers: most tests wait on subprocesses (dbt, the CLI) as much as on the CPU
test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 -m "not spark and not scale"

SPARK_STAMP := $(VENV)/.spark-installed

$(SPARK_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[spark,scale]'
	touch $(SPARK_STAMP)

# past one machine: the same models on Spark local[2], every relation compared with
# DuckDB's (Java 17 needed); the job under the multiprocess executor; the Celery location
test-spark: $(SPARK_STAMP)
	SOCIALWH_REQUIRE_SPARK=1 $(BIN)/python -m pytest -q -n 2 -m "spark or scale"

ui: $(STAMP)
	$(BIN)/socialwh ui --host $(UI_HOST) --port $(UI_PORT)

# `make bench` measures sizes S and M; `make bench SIZE=L` (or SIZE=S,M,L) when asked.
bench: $(STAMP)
	$(BIN)/python bench/run.py --sizes $(or $(SIZE),S$(comma)M)

# the full build on DuckDB and on Spark side by side (time, memory, marts equal)
bench-spark: $(SPARK_STAMP)
	$(BIN)/python bench/spark.py --sizes $(or $(SIZE),S$(comma)M)

lint: $(STAMP)
	$(BIN)/ruff check pipelines data_checks tests bench deploy
	$(BIN)/ruff format --check pipelines data_checks tests bench deploy
