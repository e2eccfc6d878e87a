#!/usr/bin/env bash
# Session 11, round 5: the full run's ten heap pairs again, with the state moved to the old generation
# first (-p oldGen=true) on both sides; same settings as run.sh's throughput cells. Jars built at a7a69e4.
set -uo pipefail
cd /work/main
W=/tmp/s11
C=$W/oldgen.jar
F=$W/oldgen-flink.jar
O=(-f 1 -wi 2 -w 2s -i 5 -r 2s -p oldGen=true)
G="-Xms8g -Xmx8g -XX:+UseG1GC"
export PAIR_LOGS=$W/pairs5 PAIR_JSON=$W/pairs5
for op in Value.get Value.update List.add List.get Map.put Map.get Map.contains Map.iterate Reducing.add Aggregating.add; do
  R="\.${op%.*}StateBenchmark\.${op#*.}\$"
  bash benchmarks/pair.sh "oldgen-heap-$op" $C "$R" "${O[@]}" -p backend=cairn-heap -jvmArgs "$G" \
    -- $F "$R" "${O[@]}" -p backend=flink-heap -jvmArgs "$G" | tail -1
done
