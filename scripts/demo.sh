#!/usr/bin/env bash
# stowage's main job, on this machine with no server: snapshot a project folder into a local store,
# mirror the store to a second location, list the mirror, and show each sync report. Then the
# object-store half: two sources loaded diffsync-style, their diff, and a sync into a SQLite file.
# Run it twice: the second run copies nothing, skips every unchanged file, and syncs no object.
set -euo pipefail
cd "$(dirname "$0")/.."

stowage() { node packages/cli/dist/bin.js "$@"; }
show() { printf '\n$ stowage %s\n' "$*"; stowage "$@"; }

DEMO="${STOWAGE_DEMO_DIR:-${TMPDIR:-/tmp}/stowage-demo}"
PROJECT="$DEMO/project"

# A sample project, created once (so a second run finds it unchanged).
if [ ! -d "$PROJECT" ]; then
  mkdir -p "$PROJECT/docs" "$PROJECT/data"
  printf '# Demo project\n\nBacked up by stowage.\n' > "$PROJECT/README.md"
  printf 'Install, run, enjoy.\n' > "$PROJECT/docs/guide.md"
  seq 1 20000 | sed 's/^/row,/' > "$PROJECT/data/table.csv"
  head -c 3000000 /dev/urandom > "$PROJECT/data/blob.bin"
fi

echo "stowage demo in $DEMO"
show sync "$PROJECT" "$DEMO/store::snapshots/latest"
# One file from standard input, stored once (stat exits 3 while it is missing).
stowage stat "$DEMO/store::notes/hello.txt" >/dev/null 2>&1 ||
  echo "hello from stdin" | stowage put - "$DEMO/store::notes/hello.txt"
show sync "$DEMO/store" "$DEMO/mirror"
show ls -rl "$DEMO/mirror"
show cat "$DEMO/mirror::notes/hello.txt"
show sync --json "$PROJECT" "$DEMO/store::snapshots/latest"
printf '\n# Objects: two sources, their diff, and a sync into %s (@stowage/sqlite)\n' "$DEMO/objects.db"
node packages/sqlite/demo/objects.mjs "$DEMO/objects.db"
printf '\nRun it again: unchanged files are skipped. Start over: rm -rf %s\n' "$DEMO"
