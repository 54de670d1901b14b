#!/usr/bin/env bash
# The test command of the README: every package, with the race detector.
# Crash tests that kill real processes run here too, with a fixed seed.
# The PostgreSQL tests use DAFTAR_TEST_PG_CONN_STR when set, or start a
# throwaway server on loopback (state/postgres/pgtest); without PostgreSQL
# installed they skip, saying so (under CI=true they fail instead).
set -euo pipefail
cd "$(dirname "$0")/.."
go test -race -count=1 -timeout 25m ./... "$@"
