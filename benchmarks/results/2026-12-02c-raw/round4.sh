#!/usr/bin/env bash
set -uo pipefail
cd /work/main
O=(-f 1 -wi 2 -w 2s -i 5 -r 2s)
G="-Xms8g -Xmx8g -XX:+UseG1GC"
export PAIR_LOGS=/tmp/s10/ab4 PAIR_JSON=/tmp/s10/ab4
for op in Value.get Value.update Map.put Map.get; do
  R="\.${op%.*}StateBenchmark\.${op#*.}\$"
  bash benchmarks/pair.sh tick-vs-system-$op /tmp/s10/tick.jar "$R" "${O[@]}" -p backend=cairn-heap-ttl -jvmArgs "$G" \
    -- /tmp/s10/tick.jar "$R" "${O[@]}" -p backend=cairn-heap-ttl-system -jvmArgs "$G" | tail -1
done
CAIRN_TARGET=target-bench bash benchmarks/run.sh --ttl > /tmp/s10/ttlrun.log 2>&1; echo "ttl run rc=$?"
mkdir -p /tmp/s10/prof
java -jar /tmp/s10/tick.jar '\.CheckpointBenchmark\.restore$' -f 1 -wi 0 -i 1 -p backend=cairn-heap -p keys=10000000 \
  -jvmArgs "$G" -prof "async:libPath=/tmp/ap/linux-x64/libasyncProfiler.so;event=itimer;output=collapsed;dir=/tmp/s10/prof" \
  > /tmp/s10/restore-prof.log 2>&1; echo "profile rc=$?"
