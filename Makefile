# 指尖办 developer commands. `make run` brings up the local stack, `make test` runs every check.
# Everything installs into project-local folders: .venv/ for the Python tools (moto, cfn-lint,
# the SAM CLI, cargo-lambda), target/ for Rust.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export SAM_CLI_TELEMETRY := 0
export CARGO_TERM_COLOR := never

.PHONY: help venv faketime build run test test-clock fmt lint lint-template env watch bench bench-build bench-costs fuzz sam-build deploy-plan invoke-all console console-deploy test-console clean

help:
	@echo "make run    - the local stack: API :3000, DynamoDB-compatible :8000, WeChat sandbox :3001"
	@echo "make test   - fmt, clippy, all tests against a real local DynamoDB-compatible server, template lint, invoke-all"
	@echo "make watch  - cargo lambda watch with the local stack's settings (then: cargo lambda invoke)"
	@echo "make bench  - cold starts, sizes, memory, round trips, callback rate: docs/PERFORMANCE.md, target/bench/summary.json"
	@echo "make fuzz   - every cargo-fuzz target for FUZZ_SECONDS (60) each; crashes land in fuzz/artifacts/"
	@echo "make deploy-plan STAGE=prod - what a release does on a stage: aliases, traffic shifting, rollback alarms"
	@echo "make sam-build - sam build of every function for arm64 through cargo-lambda, offline, into target/sam/"
	@echo "make invoke-all - every events/*.json through its real binary via cargo lambda watch + invoke"
	@echo "make console - build the staff console (console/dist) and the API docs page (console/dist/docs)"
	@echo "make test-console - the console's type check, unit tests, size budget and browser tests (Chromium)"

# Two installs: `make run` needs moto alone (seconds); `make test` adds the linters, the SAM
# CLI, cargo-lambda and schemathesis (minutes).
RUN_STAMP := $(VENV)/.installed-run

$(RUN_STAMP): tools/requirements-run.txt
	@test -x $(PY) || python3 -m venv $(VENV)
	@echo "==> installing moto into $(VENV) (tools/requirements-run.txt)"
	$(PY) -m pip install --quiet --disable-pip-version-check -r tools/requirements-run.txt
	@touch $@

$(STAMP): $(RUN_STAMP) tools/requirements.txt
	@echo "==> installing the test tools into $(VENV) (tools/requirements.txt)"
	$(PY) -m pip install --quiet --disable-pip-version-check -r tools/requirements.txt
	@touch $@

venv: $(STAMP)

# Debian's libfaketime: make invoke-all replays the sample day with the functions' clock
# shifted to awkward instants.
FAKETIME_LIB := /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
$(FAKETIME_LIB):
	apt-get update -qq && apt-get install -y -qq faketime

faketime: $(FAKETIME_LIB)

build:
	cargo build --workspace

# The staff console (console/): npm installs exactly the committed lockfile into
# console/node_modules; the build type-checks, bundles into console/dist, writes the API's
# documentation page into console/dist/docs and checks the size budget.
CONSOLE_STAMP := console/node_modules/.installed

$(CONSOLE_STAMP): console/package-lock.json
	@echo "==> installing the console's packages (console/package-lock.json)"
	cd console && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

console: $(CONSOLE_STAMP)
	cd console && npm run --silent build

# Uploads the console and the docs to a deployed stack (docs/DEPLOY.md §6): make console-deploy STACK=<name>.
console-deploy: console
	tools/console-deploy.sh $(STACK)

# Debian's Chromium, which playwright-core drives in the console's browser tests, and the
# CJK fonts its screenshots need to show Chinese.
BROWSER := /usr/bin/chromium /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
$(BROWSER):
	apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk

test-console: console $(BROWSER) $(FAKETIME_LIB) $(RUN_STAMP)
	cd console && npx vitest run
	cargo build -q -p fingertip-cli
	$(PY) tools/console-e2e.py

run: $(RUN_STAMP) console
	@echo "==> building fingertip-cli (the gateway mounts every function: the first build takes minutes)"
	cargo build -p fingertip-cli
	@echo "==> starting the local stack"
	tools/run-local.sh

fmt:
	cargo fmt --all

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

lint-template: $(STAMP)
	$(VENV)/bin/cfn-lint template.yaml deploy/*.yaml
	$(VENV)/bin/openapi-spec-validator docs/openapi.yaml
	cd /tmp && $(CURDIR)/$(VENV)/bin/sam validate --lint --template-file $(CURDIR)/template.yaml --region ap-northeast-1

# Unit and integration tests; not doc-tests: the docs hold no Rust examples to run (code
# blocks are `ignore` or JSON), and a rustdoc pass per crate would cost a minute for nothing.
test: $(STAMP) lint
	cargo test --workspace --no-fail-fast --lib --bins --tests
	$(MAKE) --no-print-directory test-clock
	$(MAKE) --no-print-directory lint-template
	$(MAKE) --no-print-directory invoke-all
	$(MAKE) --no-print-directory test-console

# The suites whose answers depend on the time of day, again with the harness clock at
# awkward instants (Shanghai): before the hall opens, a minute to midnight, the eve of a
# 调休 working Saturday, the last minute of the year. No test may depend on when it runs.
CLOCK_SUITES := events booking_rules applications application_rules wechat_callback uploads edges cursors
CLOCK_INSTANTS := 2026-12-03T07:30 2026-12-02T23:59 2026-10-09T20:00 2026-12-31T23:59

test-clock:
	@for t in $(CLOCK_INSTANTS); do \
	  echo "clock-sensitive suites at $$t (Shanghai)"; \
	  FINGERTIP_TEST_NOW=$$t cargo test -q -p fingertip-tests $(patsubst %,--test %,$(CLOCK_SUITES)) || exit 1; \
	done

# The local stack's settings for every function, for `cargo lambda watch`.
env:
	@cargo run -q -p fingertip-cli -- env

watch: $(STAMP)
	@mkdir -p target
	cargo run -q -p fingertip-cli -- env > target/local.env
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" cargo lambda watch --env-file target/local.env

# Benchmarks need release builds and wechatpy (for the callback comparison), neither of
# which the tests do, so they keep a venv of their own.
BENCH_VENV := target/bench/venv
BENCH_STAMP := $(BENCH_VENV)/.installed

$(BENCH_STAMP): tools/bench/requirements.txt
	@mkdir -p target/bench
	@test -x $(BENCH_VENV)/bin/python || python3 -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r tools/bench/requirements.txt
	@touch $@

# Every function and the two reference binaries (tools/bench-reference), release, through
# cargo-lambda for both architectures Lambda offers; the x86_64 ones are the ones timed here.
BENCH_PACKAGES := $(patsubst functions/%,-p %,$(wildcard functions/*)) -p bench-reference

bench-build: $(STAMP)
	rustup target add aarch64-unknown-linux-gnu
	cargo build --release -q -p fingertip-cli
	cargo test -q --no-run -p fingertip-tests --test round_trips
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" cargo lambda build --release --x86-64 $(BENCH_PACKAGES) --lambda-dir target/bench/lambda/x86_64
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" cargo lambda build --release --arm64 $(BENCH_PACKAGES) --lambda-dir target/bench/lambda/arm64

bench: $(BENCH_STAMP) bench-build
	$(BENCH_VENV)/bin/python tools/bench/run.py $(BENCH_VENV)/bin/python

# What reading secrets at run time and tracing every call add to a cold start, each alone and
# together, on the binaries `make bench` built (docs/PERFORMANCE.md); BENCH_COST_BINARIES
# names others than auth, catalog, submission and notifier.
bench-costs: $(BENCH_STAMP)
	cargo build --release -q -p fingertip-cli
	$(BENCH_VENV)/bin/python tools/bench/run.py --costs

# Fuzzing needs the nightly toolchain (libFuzzer and the sanitizers) and cargo-fuzz, which
# installs into target/tools. Seeds are in fuzz/seeds/; a crash found is fixed and its input
# moved to fuzz/regressions/<target>/, which `make test` replays (tests/fuzz_regressions.rs).
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := wechat_xml wechat_json wechat_crypto id_number cursor
CARGO_FUZZ := $(CURDIR)/target/tools/bin/cargo-fuzz
CARGO_FUZZ_VERSION := 0.13.2

$(CARGO_FUZZ):
	cargo install --quiet --locked --root target/tools cargo-fuzz --version $(CARGO_FUZZ_VERSION)

fuzz: $(CARGO_FUZZ)
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p fuzz/corpus/$$t; \
	  echo "fuzzing $$t for $(FUZZ_SECONDS) s"; \
	  (cd fuzz && PATH="$(CURDIR)/target/tools/bin:$$PATH" cargo +nightly fuzz run $$t corpus/$$t seeds/$$t -- \
	     -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 -print_final_stats=1) || exit 1; \
	done

# `sam build` runs cargo-lambda (BuildMethod rust-cargolambda, a SAM beta feature) for each
# function: release, arm64, cross-compiled with the zig from the venv. Its settings (the
# beta feature, template.yaml, target/sam/) are samconfig.toml's, as for a plain `sam build`. The arm64 standard
# library comes from rustup. No `--cached`: SAM would hash the whole repository, target/
# included, for every function.
sam-build: $(STAMP)
	rustup target add aarch64-unknown-linux-gnu
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/sam build
	@ls -l target/sam/*/bootstrap

# What a release does on a stage (dev, staging, prod): each function's alias, how CodeDeploy
# shifts traffic to the new version, and the alarms that roll it back. Offline.
STAGE ?= prod
deploy-plan: $(STAMP)
	@SAM_CLI_TELEMETRY=0 $(VENV)/bin/python tools/sam-transform.py --plan template.yaml Stage=$(STAGE) 2>/dev/null

# Every sample event through its function's real binary under `cargo lambda watch` (the
# Lambda Runtime API), against a local stack of its own; checks every answer's status.
invoke-all: $(STAMP) $(FAKETIME_LIB)
	cargo build -q -p fingertip-cli $(patsubst functions/%,-p %,$(wildcard functions/*))
	$(PY) tools/invoke-all.py

clean:
	cargo clean
	rm -rf $(VENV)
