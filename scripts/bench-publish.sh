#!/usr/bin/env bash
# bench-publish.sh [PORTAL_DIR]
#
# Publishes a portal to a real S3 server on loopback (versitygw, POSIX
# backend in a temp dir) three times: the first publish, a second one with
# nothing changed, and one after changing one dataset (every file under
# datasets/<first id>/ rewritten). It does the same three steps with
# Debian's rclone (`rclone sync`) against the same server, and prints for
# each step the requests by method, counted by the same proxy, and the
# seconds.
#
# PORTAL_DIR defaults to public/ when it exists, else a synthetic portal of
# about 300 files. Needs: go, versitygw (go install
# github.com/versity/versitygw/cmd/versitygw@v1.8.0), rclone, curl, bc.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

vgw=$(command -v versitygw || echo "$(go env GOPATH)/bin/versitygw")
[ -x "$vgw" ] || { echo "versitygw not found: go install github.com/versity/versitygw/cmd/versitygw@v1.8.0" >&2; exit 1; }
command -v rclone >/dev/null || { echo "rclone not found: apt-get install rclone" >&2; exit 1; }

go build -o "$work/benchsync" ./pipeline/publish/internal/benchsync

portal=${1:-}
if [ -z "$portal" ]; then
	if [ -d public ]; then portal=public; else
		portal="$work/synthetic"
		"$work/benchsync" gen -datasets 36 "$portal" >/dev/null
	fi
fi
[ -d "$portal/datasets" ] || { echo "$portal has no datasets/ folder" >&2; exit 1; }
first=$(find "$portal/datasets" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort | awk 'NR == 1')
files=$(find "$portal" -type f | wc -l)

freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
waitup() { for _ in $(seq 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "$1 did not start" >&2; exit 1; }

key=bench secret=bench-secret-key
# The AWS chain of the publisher reads these; rclone gets its own below.
awsenv=(AWS_ACCESS_KEY_ID=$key AWS_SECRET_ACCESS_KEY=$secret AWS_REGION=us-east-1
	AWS_CONFIG_FILE=$work/none AWS_SHARED_CREDENTIALS_FILE=$work/none AWS_EC2_METADATA_DISABLED=true)
s3port=$(freeport)
mkdir -p "$work/gw"
ROOT_ACCESS_KEY_ID=$key ROOT_SECRET_ACCESS_KEY=$secret \
	"$vgw" --port "127.0.0.1:$s3port" --quiet posix "$work/gw" >"$work/gw.log" 2>&1 &
pids+=($!)
waitup "http://127.0.0.1:$s3port/"
pport=$(freeport)
"$work/benchsync" proxy -addr "127.0.0.1:$pport" -upstream "http://127.0.0.1:$s3port" &
pids+=($!)
proxy="http://127.0.0.1:$pport"
waitup "$proxy/__bench/counts"

# Each tool gets its own copy, since the third step changes it.
cp -a "$portal" "$work/ours"
cp -a "$portal" "$work/theirs"

export RCLONE_CONFIG_BENCH_TYPE=s3 RCLONE_CONFIG_BENCH_PROVIDER=Other \
	RCLONE_CONFIG_BENCH_ACCESS_KEY_ID=$key RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY=$secret \
	RCLONE_CONFIG_BENCH_ENDPOINT=$proxy RCLONE_CONFIG_BENCH_REGION=us-east-1 RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE=true \
	RCLONE_CONFIG=/dev/null

# rclone's AWS SDK refuses a custom CA bundle on its own transport; the
# server is plain HTTP on loopback anyway.
rc() { env -u AWS_CA_BUNDLE rclone "$@"; }
rc mkdir bench:ours
rc mkdir bench:theirs

change() {
	find "$1/datasets/$first" -type f | while read -r f; do
		printf '\n<!-- %s -->\n' "changed $(date +%s%N)" >>"$f"
	done
}

step() { # step NAME TOOL CMD...
	local name=$1 tool=$2
	shift 2
	curl -s "$proxy/__bench/counts?reset=1" >/dev/null
	local t0 t1
	t0=$(date +%s.%N)
	"$@" >"$work/out.log" 2>&1 || { cat "$work/out.log" >&2; exit 1; }
	t1=$(date +%s.%N)
	printf '%-22s %-9s %-52s %6.2f\n' "$name" "$tool" "$(curl -s "$proxy/__bench/counts")" "$(echo "$t1 - $t0" | bc)"
}

ours() { env "${awsenv[@]}" "$work/benchsync" sync -from "$work/ours" -to s3://ours/site -endpoint "$proxy"; }
theirs() { rc sync --transfers 8 --checkers 8 "$work/theirs" bench:theirs/site; }

echo "portal: $portal ($files files), changed dataset: $first ($(find "$portal/datasets/$first" -type f | wc -l) files)"
printf '%-22s %-9s %-52s %6s\n' step tool requests seconds
step "first publish" publish ours
step "first publish" rclone theirs
step "unchanged" publish ours
step "unchanged" rclone theirs
change "$work/ours"
change "$work/theirs"
step "one dataset changed" publish ours
step "one dataset changed" rclone theirs
