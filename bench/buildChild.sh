#!/bin/sh
# Compiles the bench's bot/echo child and what it imports into node_modules/.cache/bench-dist/ (support/child.ts, run
# "compiled"), with the files the bot reads at run time beside it, as the container image lays them out.
set -e
cd "$(dirname "$0")/.."
out=node_modules/.cache/bench-dist
rm -rf "$out"
npx tsc -p bench/tsconfig.child.json
cp src/sandbox/world/seed.json "$out/src/sandbox/world/"
ln -s "$PWD/cards" "$out/cards"
ln -s "$PWD/package.json" "$out/package.json"
