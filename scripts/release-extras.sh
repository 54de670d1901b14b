#!/usr/bin/env bash
# Writes what the release archives carry besides the binary, generated from
# daftar's own help text: the shell completion scripts and the man page,
# under build/. GoReleaser runs it first (.goreleaser.yaml, before.hooks).
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf build
mkdir -p build/completions build/man
go build -o build/daftar-host .
for shell in bash zsh fish; do
  build/daftar-host completion "$shell" >"build/completions/daftar.$shell"
done
mv build/completions/daftar.zsh build/completions/_daftar # zsh's naming
build/daftar-host man >build/man/daftar.1
rm build/daftar-host
