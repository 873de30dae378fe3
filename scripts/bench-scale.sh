#!/usr/bin/env bash
# Measures how the pipeline grows with the size of the portal (issue 8).
#
# For each scale (number of comuni) it generates a synthetic catalog with
# internal/synth, then times under /usr/bin/time -v:
#   cold     `opendata run` on empty state and output (build + publish to a folder)
#   nothing  the same run again, nothing changed
#   one      the run after one dataset's file was rewritten
# and prints wall time, peak RSS and uploaded files for each (the portal's
# files, and after a "+" the pipeline state kept in the target), plus the
# CSV ingest and validation speed from the Go benchmarks.
#
#   scripts/bench-scale.sh                 # 150 and 1500 comuni × 10 datasets × 500 rows
#   QUICK=1 scripts/bench-scale.sh         # 15 and 150 comuni × 10 × 100: a few minutes
#   SCALES="150" M=10 R=500 scripts/bench-scale.sh
#
# Env: SCALES (comuni, space separated), M (datasets per comune), R (rows),
# SEED, WORK (scratch folder, default a new temp folder, removed at the end
# unless KEEP=1), RUN_FLAGS (extra flags for `opendata run`, e.g. an
# incremental switch), SKIP_GO_BENCH=1.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${QUICK:-0}" == 1 ]]; then
	SCALES=${SCALES:-"15 150"}; M=${M:-10}; R=${R:-100}
else
	SCALES=${SCALES:-"150 1500"}; M=${M:-10}; R=${R:-500}
fi
SEED=${SEED:-1}
# -v makes `opendata run` log each step, which the table reads (render
# time, uploads of the state).
RUN_FLAGS=${RUN_FLAGS:--v}

if [[ ! -x /usr/bin/time ]]; then
	echo "installing GNU time (Debian package 'time')" >&2
	apt-get install -y time >/dev/null
fi

WORK=${WORK:-$(mktemp -d /tmp/bench-scale.XXXXXX)}
mkdir -p "$WORK"
if [[ "${KEEP:-0}" != 1 ]]; then trap 'rm -rf "$WORK"' EXIT; fi
echo "scratch: $WORK" >&2

go build -o "$WORK/opendata" ./cmd/opendata
go build -o "$WORK/synth" ./internal/synth/cmd/synth

# measure NAME CMD...: runs CMD under /usr/bin/time -v, keeps its output in
# $WORK/NAME.log and sets SECS, RSS_MB and UPLOADS.
measure() {
	local name=$1; shift
	local rc=0
	/usr/bin/time -v -o "$WORK/$name.time" "$@" >"$WORK/$name.log" 2>&1 || rc=$?
	# exit 3 means built, some dataset refused: still a measurement
	if [[ $rc != 0 && $rc != 3 ]]; then
		echo "$name failed (exit $rc):" >&2; tail -20 "$WORK/$name.log" >&2; exit 1
	fi
	local wall
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/{print $2}' "$WORK/$name.time")
	SECS=$(awk -v t="$wall" 'BEGIN{n=split(t,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; printf "%.1f", s}')
	RSS_MB=$(awk -F': ' '/Maximum resident set size/{printf "%d", $2/1024}' "$WORK/$name.time")
	# the portal's files: the human summary line of the publish step
	UPLOADS=$(grep -E '^Published ' "$WORK/$name.log" | grep -oE '[0-9]+ uploaded' | cut -d' ' -f1 || true)
	UPLOADS=${UPLOADS:-0}
	# every upload, the state's included (logged with -v)
	local all
	all=$(grep -oE 'msg="publish done" summary="[0-9]+ uploaded' "$WORK/$name.log" | grep -oE '[0-9]+ uploaded' | awk '{s+=$1} END{print s+0}' || true)
	STATE_UPLOADS=$(( ${all:-0} > UPLOADS ? ${all:-0} - UPLOADS : 0 ))
	RENDER=$(grep -oE 'msg="site rendered".*' "$WORK/$name.log" | sed -E 's/.*rendered=([0-9]+).*took=([^ ]+).*/\1 pages in \2/' | tail -1 || true)
	RENDER=${RENDER:-not rendered}
}

declare -a TABLE
for n in $SCALES; do
	cat="$WORK/cat-$n" out="$WORK/out-$n" state="$WORK/state-$n" pub="$WORK/pub-$n"
	rm -rf "$cat" "$out" "$state" "$pub"
	echo "== $n comuni × $M datasets × $R rows" >&2
	measure "gen-$n" "$WORK/synth" -out "$cat" -comuni "$n" -datasets "$M" -rows "$R" -seed "$SEED"
	gen_secs=$SECS
	rows=$(grep -oE '[0-9]+ rows' "$WORK/gen-$n.log" | cut -d' ' -f1)
	datasets=$(grep -oE '^[0-9]+ datasets' "$WORK/gen-$n.log" | cut -d' ' -f1)
	size=$(du -sm "$cat" | cut -f1)
	run=("$WORK/opendata" run --catalog "$cat" --out "$out" --state "$state" --to "$pub" $RUN_FLAGS)

	measure "cold-$n" "${run[@]}"
	cold=("$SECS" "$RSS_MB" "$UPLOADS+$STATE_UPLOADS" "$RENDER")
	pages=$(grep -oE '[0-9]+ pages' "$WORK/cold-$n.log" | tail -1 | cut -d' ' -f1 || true)
	outsize=$(du -sm "$pub" | cut -f1)
	measure "same-$n" "${run[@]}"
	same=("$SECS" "$RSS_MB" "$UPLOADS+$STATE_UPLOADS" "$RENDER")
	changed=$("$WORK/synth" -out "$cat" -change 0,1 -variant 1)
	measure "one-$n" "${run[@]}"
	one=("$SECS" "$RSS_MB" "$UPLOADS+$STATE_UPLOADS" "$RENDER")
	echo "   changed dataset: $changed; logs in $WORK/*-$n.log" >&2
	TABLE+=("$(printf '| %s | %s | %s | %s MB | %ss | %ss / %s MB / %s up (%s pages, %s MB; render: %s) | %ss / %s MB / %s up | %ss / %s MB / %s up (render: %s) |' \
		"$n" "$datasets" "$rows" "$size" "$gen_secs" \
		"${cold[0]}" "${cold[1]}" "${cold[2]}" "${pages:-?}" "$outsize" "${cold[3]}" \
		"${same[0]}" "${same[1]}" "${same[2]}" \
		"${one[0]}" "${one[1]}" "${one[2]}" "${one[3]}")")
	rm -rf "$out" "$pub" "$state"
done

echo
echo "| comuni | datasets | rows | catalog | generate | cold run: time / peak RSS / uploads portal+state | nothing changed | one dataset changed |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${TABLE[@]}"

if [[ "${SKIP_GO_BENCH:-0}" != 1 ]]; then
	echo
	echo "CSV ingest and validation, 200,000 rows (go test -bench, one core per benchmark):"
	metric() { awk -v b="$1" '$1 ~ b {for(i=1;i<=NF;i++) if ($(i+1)=="rows/s") printf "%.0f", $i}' "$2"; }
	go test -run '^$' -bench 'BenchmarkReadCSV200k|BenchmarkRawEncodingCSV200k' -benchtime 3x -cpu 1 ./pipeline/ingest >"$WORK/bench-ingest.txt"
	go test -run '^$' -bench 'BenchmarkTableProgetti200k$' -benchtime 3x -cpu 1 ./pipeline/validate >"$WORK/bench-validate.txt"
	raw=$(metric RawEncodingCSV200k "$WORK/bench-ingest.txt")
	ing=$(metric ReadCSV200k "$WORK/bench-ingest.txt")
	val=$(metric TableProgetti200k "$WORK/bench-validate.txt")
	both=$(awk -v a="$ing" -v b="$val" 'BEGIN{printf "%.0f", 1/(1/a+1/b)}')
	echo "| step | rows/s per core |"
	echo "|---|---|"
	echo "| raw encoding/csv read (same file) | $raw |"
	echo "| ingest.Read (CSV → typed table) | $ing |"
	echo "| validate.Table (progetti schema) | $val |"
	echo "| ingest + validation together | $both |"
fi
