#!/usr/bin/env bash
# Ingest + validation of a 200,000-row projects file (CSV and XLSX) with the
# pipeline's own code, beside raw encoding/csv and raw excelize reading of
# the same bytes; then, on one core, the typed CSV path beside a free table
# (schema tabella: every column's type inferred from all its values, issue
# 12). Prints rows/s and the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(go test -run '^$' -bench 'IngestValidate|RawCSV|RawExcelize' -benchtime "${BENCHTIME:-2x}" ./pipeline/ | tee /dev/stderr)
rate() { awk -v name="$1" '$1 ~ "^"name"(-[0-9]+)?$" { for (i = 2; i <= NF; i++) if ($(i+1) == "rows/s") print $i }' <<<"$out"; }
csv=$(rate BenchmarkIngestValidateCSV200k); rawcsv=$(rate BenchmarkRawCSV200k)
xlsx=$(rate BenchmarkIngestValidateXLSX200k); rawxlsx=$(rate BenchmarkRawExcelize200k)
# One core: GOMAXPROCS=1 for both, so the figures are per core whatever the machine.
out=$(go test -run '^$' -bench 'IngestValidateCSV200k' -benchtime "${BENCHTIME:-2x}" -cpu 1 ./pipeline/ | tee /dev/stderr)
typed1=$(rate BenchmarkIngestValidateCSV200k)
out=$(go test -run '^$' -bench 'FreeCSV200k|TypedCSV200k|FreeIngestCSV200k' -benchtime "${BENCHTIME:-2x}" -cpu 1 ./pipeline/ingest/ | tee /dev/stderr)
cpurate() { awk -v name="$1" '$1 ~ "^"name"(-[0-9]+)?$" { for (i = 2; i <= NF; i++) if ($(i+1) == "rows/cpu-s") print $i }' <<<"$out"; }
free1=$(rate BenchmarkFreeCSV200k); freecpu=$(cpurate BenchmarkFreeCSV200k)
drafted1=$(rate BenchmarkTypedCSV200k); draftedcpu=$(cpurate BenchmarkTypedCSV200k)
infer1=$(rate BenchmarkFreeIngestCSV200k); infercpu=$(cpurate BenchmarkFreeIngestCSV200k)
echo
printf '%-28s %14s %14s %10s\n' "200,000 rows" "pipeline" "raw reader" "raw/ours"
printf '%-28s %12.0f/s %12.0f/s %9.1fx\n' "CSV (encoding/csv)" "$csv" "$rawcsv" "$(echo "$rawcsv / $csv" | bc -l)"
printf '%-28s %12.0f/s %12.0f/s %9.1fx\n' "XLSX (excelize Rows)" "$xlsx" "$rawxlsx" "$(echo "$rawxlsx / $xlsx" | bc -l)"
printf 'CSV ingest+validation per core: %.0f rows/s (%s cores)\n' "$(echo "$csv / $(nproc)" | bc -l)" "$(nproc)"
echo
# Rows per CPU second stay meaningful on a machine busy with other work,
# where wall time does not.
printf '%-58s %10s %12s\n' "200,000-row CSV on one core (-cpu 1)" "rows/s" "rows/cpu-s"
printf '%-58s %10.0f %12s\n' "typed, progetti: ingest + validation" "$typed1" "-"
printf '%-58s %10.0f %12.0f\n' "typed, the schema drafted from the free file: same" "$drafted1" "$draftedcpu"
printf '%-58s %10.0f %12.0f\n' "free, tabella: inference + validation (target 250000)" "$free1" "$freecpu"
printf '%-58s %10.0f %12.0f\n' "free, tabella: inference alone" "$infer1" "$infercpu"
