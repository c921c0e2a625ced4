#!/usr/bin/env bash
# Measures a cold build (empty build cache, modules already downloaded) and
# a warm rebuild (everything cached but the link) of talenthub, without
# touching the real build cache.
set -euo pipefail
cd "$(dirname "$0")/.."
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
out=$(mktemp)
trap 'rm -rf "$cache" "$out"' EXIT
go mod download
start=$(date +%s.%N)
GOCACHE=$cache go build -o "$out" .
cold=$(echo "$(date +%s.%N) - $start" | bc)
# A different link stamp forces a relink, as after an edit of main.
start=$(date +%s.%N)
GOCACHE=$cache go build -ldflags "-X main.buildStamp=$RANDOM" -o "$out" .
warm=$(echo "$(date +%s.%N) - $start" | bc)
printf 'cold build: %.1f s\nwarm build: %.1f s\n' "$cold" "$warm"
