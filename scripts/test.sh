#!/usr/bin/env bash
# Runs every test: the Go tests (unit, whole-site, S3 conformance against a
# real S3 server on loopback) and the browser tests on the demo portal.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
export PATH="$(go env GOPATH)/bin:$PATH"

echo "== go vet"
go vet ./...
echo "== go test"
go test -count=1 -timeout 30m ./...
echo "== browser tests"
(cd test/browser && npm test)
