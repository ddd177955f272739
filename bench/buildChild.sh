#!/bin/sh
# Compiles the bench's bot/echo child and what it imports into .bench-dist/ (for BENCH_COMPILED=1, see
# support/child.ts), with the files the bot reads at run time beside it, as the container image lays them out.
set -e
cd "$(dirname "$0")/.."
rm -rf .bench-dist
npx tsc -p bench/tsconfig.child.json
cp src/sandbox/world/seed.json .bench-dist/src/sandbox/world/
ln -s ../cards .bench-dist/cards
ln -s ../package.json .bench-dist/package.json
