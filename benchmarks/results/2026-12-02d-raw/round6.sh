#!/usr/bin/env bash
# Session 11, round 6: unboxed Long values in value and map state too (StateTable: ValueSplit.of(.., true)
# for value state's groups and map state's per-key maps; an experiment, not on main), paired against
# main's code (bfba9ac), both with old-generation state (-p oldGen=true).
set -uo pipefail
cd /work/main
W=/tmp/s11
A=$W/split-all.jar
B=$W/oldgen.jar
O=(-f 1 -wi 2 -w 2s -i 5 -r 2s -p oldGen=true)
G="-Xms8g -Xmx8g -XX:+UseG1GC"
export PAIR_LOGS=$W/pairs6 PAIR_JSON=$W/pairs6
for op in Map.put Value.update Map.get Value.get Map.iterate; do
  R="\.${op%.*}StateBenchmark\.${op#*.}\$"
  bash benchmarks/pair.sh "split-all-vs-main-$op" $A "$R" "${O[@]}" -p backend=cairn-heap -jvmArgs "$G" \
    -- $B "$R" "${O[@]}" -p backend=cairn-heap -jvmArgs "$G" | tail -1
done
