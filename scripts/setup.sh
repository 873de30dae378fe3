#!/usr/bin/env bash
# Installs what the tests need on a fresh machine that has Go, gcc, node/npm
# and git: the S3 server for the publish tests, Chromium for the browser
# tests, LibreOffice for the spreadsheet tests, and the browser tests' npm
# packages. Each step is skipped when its tool is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

gobin="$(go env GOPATH)/bin"
if ! command -v versitygw >/dev/null && [ ! -x "$gobin/versitygw" ]; then
  echo "setup: installing versitygw (S3 server for the publish and inbox tests)"
  go install github.com/versity/versitygw/cmd/versitygw@v1.8.0
fi

# Debian packages: chromium for the browser tests, raptor2-utils (rapper)
# to check the DCAT-AP_IT files with an independent RDF parser,
# libreoffice-calc-nogui (soffice) to read our XLSX downloads as a real
# spreadsheet program does, libxml2-utils (xmllint) to check the ANAC
# L. 190 files we write against ANAC's XSD.
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v rapper >/dev/null || missing+=(raptor2-utils)
command -v soffice >/dev/null || missing+=(libreoffice-calc-nogui)
command -v xmllint >/dev/null || missing+=(libxml2-utils)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]} from Debian"
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -d test/browser/node_modules/playwright-core ] || [ ! -d test/browser/node_modules/axe-core ]; then
  echo "setup: installing the browser tests' npm packages"
  (cd test/browser && npm ci --no-audit --no-fund --loglevel=error)
fi
