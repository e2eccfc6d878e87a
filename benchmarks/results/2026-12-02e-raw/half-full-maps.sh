#!/usr/bin/env bash
# heap map ops with G1 and old-generation state: per-key maps at most half full (A, half-full-maps.diff applied,
# its jar at /tmp/exp/halffull.jar) against main's three-quarters-full maps (B, /tmp/exp/benchmarks.jar); Cairn on both sides
cd "$(dirname "$0")/../../.."
args=(-f 1 -wi 2 -w 2s -i 5 -r 2s -p backend=cairn-heap -jvmArgs "-Xms8g -Xmx8g -XX:+UseG1GC")
for op in ${OPS:-put get}; do
  PAIR_LOGS=/tmp/cairn-pair bash benchmarks/pair.sh "map-$op-halffull" /tmp/exp/halffull.jar "\.MapStateBenchmark\.$op\$" "${args[@]}" \
    -- /tmp/exp/benchmarks.jar "\.MapStateBenchmark\.$op\$" "${args[@]}"
done
