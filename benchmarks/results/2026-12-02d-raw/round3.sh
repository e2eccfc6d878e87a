#!/usr/bin/env bash
# Session 11, round 3: the same pairs with the filled state moved to the old generation first
# (-p oldGen=true, a System.gc() after the fill): TTL against bare heap state, and Cairn's bare heap
# writes against Flink's.
set -uo pipefail
cd /work/main
W=/tmp/s11
C=$W/oldgen.jar
F=$W/oldgen-flink.jar
O=(-f 1 -wi 2 -w 2s -i 5 -r 2s -p oldGen=true)
G="-Xms8g -Xmx8g -XX:+UseG1GC"
export PAIR_LOGS=$W/pairs3 PAIR_JSON=$W/pairs3
for op in Value.update Map.put Value.get Map.get; do
  R="\.${op%.*}StateBenchmark\.${op#*.}\$"
  bash benchmarks/pair.sh "oldgen-heap-ttl-vs-bare-$op" $C "$R" "${O[@]}" -p backend=cairn-heap-ttl -jvmArgs "$G" \
    -- $C "$R" "${O[@]}" -p backend=cairn-heap -jvmArgs "$G" | tail -1
done
for op in Value.update Map.put List.add Map.get; do
  R="\.${op%.*}StateBenchmark\.${op#*.}\$"
  bash benchmarks/pair.sh "oldgen-heap-vs-flink-$op" $C "$R" "${O[@]}" -p backend=cairn-heap -jvmArgs "$G" \
    -- $F "$R" "${O[@]}" -p backend=flink-heap -jvmArgs "$G" | tail -1
done
