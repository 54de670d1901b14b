#!/usr/bin/env bash
# The test command of the README: every package, with the race detector.
# Crash tests that kill real processes run here too, with a fixed seed.
set -euo pipefail
cd "$(dirname "$0")/.."
go test -race -count=1 -timeout 25m ./... "$@"
