# Convene's everyday commands. The README's two: `make demo` and `make test`.
GO ?= go

.PHONY: demo test build bench fuzz clean

## demo: start the demo community on an embedded SQLite database at http://127.0.0.1:8080
demo:
	$(GO) run ./cmd/convene serve --demo --db convene-demo.db

## test: every test on SQLite and PostgreSQL, browser tests in Chromium (installs what is missing)
test:
	bash scripts/test.sh

## build: the convene binary in bin/
build:
	$(GO) build -o bin/convene ./cmd/convene

## bench: Go benchmarks and a wrk load test; figures go in BENCHMARKS.md
bench:
	bash scripts/bench.sh

## release: static binaries for linux/amd64, linux/arm64, darwin/arm64 and windows/amd64, and SHA256SUMS, in dist/ (VERSION=… to name it)
.PHONY: release
release:
	bash scripts/release.sh

## fuzz: run the Zoom invitation fuzzer for a minute
fuzz:
	$(GO) test -run XXX -fuzz FuzzParseZoomInvitation -fuzztime 60s .

clean:
	rm -rf bin convene-demo.db convene-demo.db-*
