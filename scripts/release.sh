#!/usr/bin/env bash
# Builds Convene's release binaries: static (no cgo), for each platform below, into dist/, stamped
# with the version and commit (`convene version` prints them), and a SHA256SUMS file beside them.
#
#   make release                          version from `git describe --tags --always --dirty`
#   VERSION=v0.16.0 make release          a version of your choosing
#   PLATFORMS=linux/amd64 DIST=/tmp/d bash scripts/release.sh    one platform, elsewhere (the tests)
#
# DIST, if relative, is taken from the repository's root.
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
DIST=${DIST:-dist}
PLATFORMS=${PLATFORMS:-linux/amd64 linux/arm64 darwin/arm64 windows/amd64}
VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
COMMIT=${COMMIT:-$(git rev-parse HEAD 2>/dev/null || true)}
# The commit's time, not the clock's, so that building the same commit again gives the same bytes.
DATE=${DATE:-$(TZ=UTC git show -s --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ HEAD 2>/dev/null || true)}

# The version names files and goes into -ldflags: keep it to characters safe in both.
if [[ ! $VERSION =~ ^[A-Za-z0-9][A-Za-z0-9._+-]*$ ]]; then
	echo "release: VERSION \"$VERSION\" may hold only letters, digits and . _ + -" >&2
	exit 1
fi
if [[ ! $COMMIT =~ ^[0-9a-f]*$ ]]; then
	echo "release: COMMIT \"$COMMIT\" is not a hexadecimal revision" >&2
	exit 1
fi

if command -v sha256sum >/dev/null; then
	sha256() { sha256sum "$@"; }
else
	sha256() { shasum -a 256 "$@"; } # macOS
fi

mkdir -p "$DIST"
# Only what an earlier run of this script made: anything else in dist/ is left alone.
rm -f "$DIST"/convene-* "$DIST"/SHA256SUMS

ldflags="-s -w -X main.version=$VERSION -X main.commit=$COMMIT -X main.date=$DATE"
built=()
for platform in $PLATFORMS; do
	goos=${platform%/*} goarch=${platform#*/}
	name="convene-$VERSION-$goos-$goarch"
	[[ $goos == windows ]] && name+=.exe
	echo "release: building $name"
	# -trimpath drops this machine's paths from the binary; CGO_ENABLED=0 makes it static, so it
	# runs on any distribution (and modernc.org/sqlite needs no C compiler).
	CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch "$GO" build -trimpath -ldflags "$ldflags" \
		-o "$DIST/$name" ./cmd/convene
	built+=("$name")
done

(cd "$DIST" && sha256 "${built[@]}" >SHA256SUMS && sha256 -c --quiet SHA256SUMS)

# The binary for this machine, if there is one, must say what it was stamped with.
host="convene-$VERSION-$("$GO" env GOHOSTOS)-$("$GO" env GOHOSTARCH)"
[[ $("$GO" env GOHOSTOS) == windows ]] && host+=.exe
if [[ -x $DIST/$host ]]; then
	says=$("$DIST/$host" version)
	want="convene $VERSION ("
	[[ -n $COMMIT ]] && want+="commit ${COMMIT:0:12}"
	if [[ $says != "$want"* ]]; then
		echo "release: $host version printed \"$says\", want \"$want…\"" >&2
		exit 1
	fi
	echo "release: $host version: $says"
fi

echo "release: version $VERSION, commit ${COMMIT:-unknown}, in $DIST/:"
(cd "$DIST" && ls -l "${built[@]}" SHA256SUMS && cat SHA256SUMS)
