#!/usr/bin/env bash
# Runs every Convene test: formatting, vet, staticcheck, then the whole Go suite on SQLite and
# PostgreSQL, browser tests in Debian's Chromium included, with the race detector where
# goroutines meet (see below).
# It starts PostgreSQL when it is installed but stopped, installs what is missing (PostgreSQL,
# Chromium) when it can, and in CI (CI=true) fails rather than skipping anything.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_URL="${CONVENE_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}"
export CONVENE_TEST_POSTGRES="$PG_URL"
say() { printf '==> %s\n' "$*"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

apt_install() {
  as_root apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

ensure_postgres() {
  command -v pg_isready >/dev/null || { say "installing PostgreSQL"; apt_install postgresql postgresql-client || true; }
  if ! pg_up && [ -d /etc/postgresql ]; then
    say "starting PostgreSQL"
    for v in $(ls /etc/postgresql); do
      as_root pg_ctlcluster --skip-systemctl-redirect "$v" main start >/dev/null 2>&1 || true
    done
    for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  fi
  if pg_up; then
    # A fresh Debian install asks for passwords on TCP; the tests use trust on loopback like the
    # project's machines. Only touched when the postgres user cannot connect.
    if ! psql "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable" -qtAc 'select 1' >/dev/null 2>&1; then
      hba=$(as_root su postgres -s /bin/sh -c "psql -qtAc 'show hba_file'" 2>/dev/null || true)
      [ -z "$hba" ] && hba=$(ls /etc/postgresql/*/main/pg_hba.conf 2>/dev/null | head -1)
      if [ -n "$hba" ]; then
        say "allowing trust auth for postgres on loopback ($hba)"
        as_root sed -i '1i host all postgres 127.0.0.1/32 trust' "$hba"
        for v in $(ls /etc/postgresql); do as_root pg_ctlcluster --skip-systemctl-redirect "$v" main reload >/dev/null 2>&1 || true; done
        sleep 1
      fi
    fi
    db=$(printf '%s' "$PG_URL" | sed -E 's#^[^/]*//[^/]*/([^?]*).*#\1#')
    admin=$(printf '%s' "$PG_URL" | sed -E "s#/${db}(\?|$)#/postgres\1#")
    if ! psql "$PG_URL" -qtAc 'select 1' >/dev/null 2>&1; then
      say "creating database $db"
      psql "$admin" -qtAc "create database \"$db\"" >/dev/null 2>&1 || true
    fi
  fi
  if ! psql "$PG_URL" -qtAc 'select 1' >/dev/null 2>&1; then
    if [ "${CI:-}" = true ]; then
      echo "PostgreSQL is not reachable at $PG_URL and CI requires it" >&2
      exit 1
    fi
    say "WARNING: PostgreSQL unreachable at $PG_URL: its tests will be SKIPPED"
  fi
}

ensure_chromium() {
  if ! command -v chromium >/dev/null && [ -z "${CONVENE_CHROMIUM:-}" ]; then
    say "installing Chromium for the browser tests"
    apt_install chromium || true
  fi
  if ! command -v chromium >/dev/null && [ -z "${CONVENE_CHROMIUM:-}" ] && [ "${CI:-}" = true ]; then
    echo "Chromium is missing and could not be installed; CI requires the browser tests" >&2
    exit 1
  fi
}

# The real peers an operator runs beside Convene, tested in front of it and scraping it: Caddy and
# nginx (deploy/), Prometheus and promtool. Debian packages; their services are not started (the
# tests run their own copies on loopback ports).
ensure_peers() {
  local missing=()
  command -v caddy >/dev/null || missing+=(caddy)
  command -v nginx >/dev/null || missing+=(nginx-light)
  command -v prometheus >/dev/null && command -v promtool >/dev/null || missing+=(prometheus)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    # A policy-rc.d keeps the packages from starting their services during installation (one the
    # machine already has is left as it is).
    local made=
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null && as_root chmod +x /usr/sbin/policy-rc.d && made=1
    fi
    apt_install "${missing[@]}" || true
    [ -n "$made" ] && as_root rm -f /usr/sbin/policy-rc.d
    true
  fi
  for p in caddy nginx prometheus promtool; do
    if ! command -v "$p" >/dev/null && [ "${CI:-}" = true ]; then
      echo "$p is missing and could not be installed (apt-get install caddy nginx-light prometheus); CI requires it" >&2
      exit 1
    fi
  done
}

# Node checkers, installed into .tools: axe-core (accessibility), Mozilla's ical.js (an
# independent iCalendar parser for the feeds), swagger-parser with Ajv (the OpenAPI
# description and the API's responses against it), and node-feedparser (the Atom news feed).
node_tools=(
  .tools/node_modules/axe-core/axe.min.js
  .tools/node_modules/ical.js/dist/ical.js
  .tools/node_modules/@apidevtools/swagger-parser/lib/index.js
  .tools/node_modules/ajv/dist/2020.js
  .tools/node_modules/ajv-formats/dist/index.js
  .tools/node_modules/feedparser/package.json
)
node_tools_missing() {
  local f
  for f in "${node_tools[@]}"; do [ -f "$f" ] || return 0; done
  return 1
}

ensure_node_tools() {
  if node_tools_missing; then
    say "installing axe-core, ical.js, swagger-parser, ajv, ajv-formats and feedparser into .tools"
    if command -v npm >/dev/null; then
      npm install --prefix .tools --no-audit --no-fund --silent axe-core@4.14.1 ical.js@2.2.1 \
        @apidevtools/swagger-parser@13.1.0 ajv@8.20.0 ajv-formats@3.0.1 feedparser@2.6.0 >/dev/null 2>&1 || true
    fi
  fi
  if node_tools_missing && [ "${CI:-}" = true ]; then
    echo "a node checker could not be installed (npm install --prefix .tools axe-core ical.js @apidevtools/swagger-parser ajv ajv-formats feedparser); CI requires them" >&2
    exit 1
  fi
}

ensure_postgres
ensure_chromium
ensure_peers
ensure_node_tools

say "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then echo "not gofmt-formatted: $unformatted" >&2; exit 1; fi
say "go vet"
go vet ./...
say "staticcheck"
go tool staticcheck ./...  # pinned in go.mod's tool block
# The race detector runs where goroutines meet: every package but web, and web's tests that
# drive concurrency (parallel sign-ins and comments, the reach cache, the page cache and memory
# bounds, a database that stops answering, the job and mail workers). The rest of web, rendering
# and checking pages on both engines, runs without it: -race made it three times slower and had
# nothing to find there that the tests above do not exercise.
race_web='Parallel|ReachCache|Absurd|StopsAnswering|PageCache|Invitations|Reminders|Jobs|Subscribers|Register|Waitlist|Unsubscribe|Session'
say "go test, on SQLite and PostgreSQL with Chromium: under -race every package but web and web's"
say "concurrent tests, beside the rest of web without it (two runs at once use both cores)"
(
  go test -race -count=1 -timeout 20m $(go list ./... | grep -v '/web$') || echo "status=failed"
  go test -race -count=1 -timeout 20m -run "$race_web" ./web/ || echo "status=failed"
) > .test-race.log 2>&1 &
race=$!
{ go test -count=1 -timeout 20m -skip "$race_web" ./web/ || echo "status=failed"; } > .test-web.log 2>&1
wait "$race" || true
cat .test-race.log .test-web.log | tee .test-output.log
rm -f .test-race.log .test-web.log
status=0
if grep -q '^status=failed$' .test-output.log; then status=1; fi
if grep -q -- '--- SKIP' .test-output.log && [ "${CI:-}" = true ]; then
  echo "tests were skipped in CI" >&2
  status=1
fi
passed=$(grep -c -- '^ok ' .test-output.log || true) # web counts twice: its race run and the rest
failed=$(grep -c -- '^FAIL' .test-output.log || true)
rm -f .test-output.log
echo "packages: ${passed} passed, ${failed} failed"
exit "$status"
