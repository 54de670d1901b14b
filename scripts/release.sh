#!/usr/bin/env bash
# Builds the release locally, publishing nothing: dist/ receives one archive
# per platform (linux, darwin, windows × amd64, arm64; .tar.gz, .zip for
# Windows) with the binary, README.md, docs/, the examples, completions/
# and man/daftar.1, and a checksums file. GoReleaser comes through the Go
# module proxy at the version below (the first run compiles it: minutes).
#
#   scripts/release.sh            # a snapshot of the current checkout
#   scripts/release.sh check      # only check .goreleaser.yaml
#
# A real release (a tag vX.Y.Z pushed, with GITHUB_TOKEN) runs
# `goreleaser release --clean` in the release job; this script never does.
set -euo pipefail
cd "$(dirname "$0")/.."
GORELEASER=github.com/goreleaser/goreleaser/v2@v2.17.0
if [ "${1:-}" = check ]; then
  exec go run "$GORELEASER" check
fi
go run "$GORELEASER" release --snapshot --clean "$@"
ls -l dist/*.tar.gz dist/*.zip dist/*checksums.txt
