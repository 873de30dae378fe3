#!/usr/bin/env bash
# bench-publish-folder.sh [N] [WORKDIR]
#
# Times publish.Sync to a local folder on a synthetic portal of N files
# (default 378000, a Province's ten years of contracts: ~16 KB pages, one
# per directory, linked to each other, plus CSV/XLSX downloads): the first
# publish to an empty folder, a publish with nothing changed, and one after
# 3,000 files changed or added and 100 deleted; each followed by a push of
# a small state folder, as `opendata run` does. Needs ~2.5x the portal's
# size free in WORKDIR (default: a temporary folder, removed at the end).
# Use N=40000 while developing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-378000}
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
(cd "$root" && go build -o "$bin/benchsync" ./pipeline/publish/internal/benchsync)
"$bin/benchsync" folder -n "$n" ${2:+"$2"}
