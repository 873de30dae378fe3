#!/usr/bin/env bash
# Ingest + validation of a 200,000-row projects file (CSV and XLSX) with the
# pipeline's own code, beside raw encoding/csv and raw excelize reading of
# the same bytes; prints rows/s and the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(go test -run '^$' -bench 'IngestValidate|RawCSV|RawExcelize' -benchtime "${BENCHTIME:-2x}" ./pipeline/ | tee /dev/stderr)
rate() { awk -v name="$1" '$1 ~ "^"name"(-[0-9]+)?$" { for (i = 2; i <= NF; i++) if ($(i+1) == "rows/s") print $i }' <<<"$out"; }
csv=$(rate BenchmarkIngestValidateCSV200k); rawcsv=$(rate BenchmarkRawCSV200k)
xlsx=$(rate BenchmarkIngestValidateXLSX200k); rawxlsx=$(rate BenchmarkRawExcelize200k)
echo
printf '%-28s %14s %14s %10s\n' "200,000 rows" "pipeline" "raw reader" "raw/ours"
printf '%-28s %12.0f/s %12.0f/s %9.1fx\n' "CSV (encoding/csv)" "$csv" "$rawcsv" "$(echo "$rawcsv / $csv" | bc -l)"
printf '%-28s %12.0f/s %12.0f/s %9.1fx\n' "XLSX (excelize Rows)" "$xlsx" "$rawxlsx" "$(echo "$rawxlsx / $xlsx" | bc -l)"
printf 'CSV ingest+validation per core: %.0f rows/s (%s cores)\n' "$(echo "$csv / $(nproc)" | bc -l)" "$(nproc)"
