#!/bin/sh
# Runs every benchmark script in bench/ (figures, not pass/fail).
O=${O:-build}
export O
for b in bench/bench-*.sh; do
    [ -f "$b" ] || continue
    echo "== $b"
    sh "$b" || echo "benchmark $b failed"
done
