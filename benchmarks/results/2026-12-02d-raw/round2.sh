#!/usr/bin/env bash
# Session 11, round 2: is heap TTL's write cost G1's (profiles of bare and no-cleanup TTL writes; TTL
# against bare with the parallel collector), and did heap list add / map put regress since the
# 1f7bf8d full run (paired against a jar built at 1f7bf8d)?
set -uo pipefail
cd /work/main
W=/tmp/s11
C=$W/benchmarks.jar
BASE=$W/base-1f7bf8d.jar
O=(-f 1 -wi 2 -w 2s -i 5 -r 2s)
G="-Xms8g -Xmx8g -XX:+UseG1GC"
P="-Xms8g -Xmx8g -XX:+UseParallelGC"
export PAIR_LOGS=$W/pairs2 PAIR_JSON=$W/pairs2
mkdir -p $W/prof
prof() { # name regex backend
  java -jar $C "$2" -f 1 -wi 2 -w 2s -i 3 -r 2s -p backend=$3 -jvmArgs "$G" \
    -prof "async:libPath=/tmp/ap/linux-x64/libasyncProfiler.so;event=itimer;output=collapsed;dir=$W/prof/$1" > $W/prof/$1.log 2>&1
  echo "profile $1 rc=$?"
}
prof heap-map-put '\.MapStateBenchmark\.put$' cairn-heap
prof heap-ttl-nobg-map-put '\.MapStateBenchmark\.put$' cairn-heap-ttl-nobg
prof heap-update '\.ValueStateBenchmark\.update$' cairn-heap
prof heap-ttl-nobg-update '\.ValueStateBenchmark\.update$' cairn-heap-ttl-nobg
for op in Value.update Map.put; do
  R="\.${op%.*}StateBenchmark\.${op#*.}\$"
  bash benchmarks/pair.sh "parallelgc-heap-ttl-vs-bare-$op" $C "$R" "${O[@]}" -p backend=cairn-heap-ttl -jvmArgs "$P" \
    -- $C "$R" "${O[@]}" -p backend=cairn-heap -jvmArgs "$P" | tail -1
done
for op in List.add Map.put; do
  R="\.${op%.*}StateBenchmark\.${op#*.}\$"
  bash benchmarks/pair.sh "now-vs-1f7bf8d-$op" $C "$R" "${O[@]}" -p backend=cairn-heap -jvmArgs "$G" \
    -- $BASE "$R" "${O[@]}" -p backend=cairn-heap -jvmArgs "$G" | tail -1
done
