#!/usr/bin/env bash
# Measures Convene: Go benchmarks, then a wrk load test of pages, feeds and the API (signed in and
# anonymous, with and without the page cache, on SQLite and PostgreSQL)
# against a bare Go handler measured in the same run (the machine is noisy; compare ratios).
# Prints a Markdown summary for BENCHMARKS.md. Only loopback addresses are loaded.
set -euo pipefail
cd "$(dirname "$0")/.."
out=.bench
mkdir -p "$out"
DURATION=${BENCH_DURATION:-10s}
CONNS=${BENCH_CONNECTIONS:-50}

echo "==> Go benchmarks (SQLite, five years of weekly calls)"
go test -run XXX -bench 'Bare|Call|Community|Feed|Observe$|Uncached' -benchmem -benchtime "${BENCH_TIME:-2s}" ./web/ | tee "$out/go-bench.txt"

echo "==> Preparing uploaded pictures"
go test -run XXX -bench . -benchmem -benchtime 3x ./media/ | tee "$out/go-bench-media.txt"

echo "==> Directory and registration at 100,000 members, SQLite and PostgreSQL"
go test -run XXX -bench 'Directory$|Register' -benchmem -benchtime "${BENCH_PEOPLE_TIMES:-200x}" ./web/ | tee "$out/go-bench-people.txt"
go test -run XXX -bench 'Invitations10k' -benchtime 3x ./web/ | tee "$out/go-bench-invitations.txt"
echo "==> A ten-year movement (2,000 initiatives, 50,000 updates, 20,000 comments): timeline, news and search, SQLite and PostgreSQL"
go test -run XXX -bench 'Movement|BareHandler' -benchmem -benchtime "${BENCH_TIME:-2s}" ./web/ | tee "$out/go-bench-movement.txt"
echo "==> What search adds to a write, and indexing one document, SQLite and PostgreSQL"
go test -run XXX -bench 'DeliverToTenThousandFollowers' -benchtime 1x ./activitypub/ | tee "$out/go-bench-federation.txt"
go test -run XXX -bench 'InboxVerification' -benchtime 3000x ./activitypub/ | tee -a "$out/go-bench-federation.txt"
go test -run XXX -bench 'SearchWrites' -benchtime 3000x ./store/ | tee "$out/go-bench-search-writes.txt"
echo "==> Importing a 10,000-row participant report, SQLite and PostgreSQL"
go test -run XXX -bench 'ImportReport10k' -benchtime 3x ./store/ | tee "$out/go-bench-attendance.txt"
echo "==> Reach analytics at 100,000 members, 500 calls, 1,000,000 attendance records (loading takes minutes)"
go test -run XXX -bench 'Reach$' -benchtime 3x -timeout 60m ./web/ | tee "$out/go-bench-reach.txt"
go test -run XXX -bench 'ReachPlans' -benchtime 1x -timeout 60m -v ./web/ | grep -v '^\(goos\|goarch\|pkg\|cpu\)' > "$out/reach-plans.txt"
echo "query plans: $out/reach-plans.txt"
go test -run XXX -bench 'DirectoryPlans' -benchtime 1x -v ./web/ | grep -v '^\(goos\|goarch\|pkg\|cpu\)' > "$out/directory-plans.txt"
echo "query plans: $out/directory-plans.txt"

if ! command -v wrk >/dev/null; then
  echo "==> installing wrk"
  apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1; apt-get install -y -qq wrk >/dev/null 2>&1; } || true
fi
if ! command -v wrk >/dev/null; then
  echo "wrk is not available: skipping the load test" >&2
  exit 0
fi

go build -o "$out/benchserver" ./internal/benchserver
port=18090
pid=
stop() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; pid=; }
trap stop EXIT

# start MODE CACHE [OBSERVE] [POSTGRES_URL]: runs the bench server (with metrics and access lines
# when OBSERVE is "observe", on PostgreSQL when a URL is given) and waits until it answers; sets
# $call, $series, $token and the two session cookies it printed.
start() {
  stop
  "$out/benchserver" -mode "$1" -page-cache "$2" -observe="$([ "${3:-}" = observe ] && echo true || echo false)" \
    -postgres "${4:-}" -addr "127.0.0.1:$port" -dir "$out" > "$out/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 900); do grep -q ready "$out/server.log" 2>/dev/null && break; sleep 0.1; done
  call=$(sed -n 's/^call=//p' "$out/server.log")
  series=$(sed -n 's/^series=//p' "$out/server.log")
  token=$(sed -n 's/^token=//p' "$out/server.log")
  organizer=$(sed -n 's/^organizer_cookie=//p' "$out/server.log")
  member=$(sed -n 's/^member_cookie=//p' "$out/server.log")
  curl -sf -o /dev/null "http://127.0.0.1:$port${call:-/}"
}

# load NAME PATH [HEADER]: runs wrk (sending HEADER when given) and records requests per second
# and p99 latency; a non-2xx answer fails the run.
declare -A rps p99
order=()
load() {
  local conns=${LOAD_CONNECTIONS:-$CONNS}
  wrk -t2 -c"$conns" -d"$DURATION" --latency ${3:+-H "$3"} "http://127.0.0.1:$port$2" > "$out/wrk-$1.txt"
  if grep -q "Non-2xx" "$out/wrk-$1.txt"; then
    echo "$1: wrk saw error answers" >&2
    cat "$out/wrk-$1.txt" >&2
    exit 1
  fi
  rps[$1]=$(awk '/Requests\/sec/ {print $2}' "$out/wrk-$1.txt")
  p99[$1]=$(awk '$1 == "99%" {print $2}' "$out/wrk-$1.txt")
  order+=("$1")
  echo "$1 ($conns connections): ${rps[$1]} req/s, p99 ${p99[$1]}"
}

two_months="/api/v1/communities/bench/calls?from=2024-01-01T00:00:00Z&to=2024-03-01T00:00:00Z"
all_calls="/api/v1/communities/bench/calls?from=2022-01-01T00:00:00Z&to=2027-01-01T00:00:00Z&limit=1000"

echo "==> wrk, $CONNS connections, $DURATION each"
start bare 0;          load bare /
start convene 2s;      load call-page "$call"; load calls-api "$two_months"
start convene 2s observe; load call-page-observed "$call"
start convene 2s;      load call-page-again "$call"

# Without the page cache (issue 17): what signed-in people and requests the cache has not seen get,
# on SQLite and then on PostgreSQL. Pages and feeds of the 261-call community are loaded at 32
# connections, as the issue measured them.
uncached() { # SUFFIX [POSTGRES_URL]
  start convene 0 "" "${2:-}"
  load "organizer-call-page$1" "$call" "Cookie: $organizer"
  load "member-call-page$1" "$call" "Cookie: $member"
  load "api-me-token$1" /api/v1/me "Authorization: Bearer $token"
  load "api-calls-token$1" "$two_months" "Authorization: Bearer $token"
  load "call-page-rendered$1" "$call"
  load "calls-api-rendered$1" "$two_months"
  LOAD_CONNECTIONS=32 load "series-page$1" "$series"
  LOAD_CONNECTIONS=32 load "community-page$1" /c/bench
  LOAD_CONNECTIONS=32 load "call-page-32$1" "$call"
  LOAD_CONNECTIONS=32 load "calls-api-all$1" "$all_calls"
  LOAD_CONNECTIONS=32 load "community-ics$1" /c/bench/calendar.ics
  LOAD_CONNECTIONS=32 load "news-atom$1" /c/bench/news.atom
}
uncached ""
pg=${CONVENE_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
if pg_isready -q -h 127.0.0.1 2>/dev/null || [ -n "${CONVENE_TEST_POSTGRES:-}" ]; then
  uncached "-pg" "$pg"
else
  echo "PostgreSQL is not running: the PostgreSQL load test is left out" >&2
fi
stop

ratio() { awk -v a="${rps[$1]}" -v b="${rps[bare]}" 'BEGIN { printf "%.1f%%", 100 * a / b }'; }
{
  echo "| measured | requests/s | share of bare | p99 latency |"
  echo "|---|---:|---:|---:|"
  for k in "${order[@]}"; do
    echo "| $k | ${rps[$k]} | $(ratio "$k") | ${p99[$k]} |"
  done
} | tee "$out/summary.md"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(date -u +%Y-%m-%d)"
