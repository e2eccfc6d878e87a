#!/usr/bin/env bash
# Session 11, round 4: itimer profiles of heap map put with the state in the old generation, Cairn and Flink.
set -uo pipefail
W=/tmp/s11
G="-Xms8g -Xmx8g -XX:+UseG1GC"
for side in "cairn-heap $W/oldgen.jar" "flink-heap $W/oldgen-flink.jar"; do
  set -- $side
  java -jar $2 '\.MapStateBenchmark\.put$' -f 1 -wi 2 -w 2s -i 3 -r 2s -p oldGen=true -p backend=$1 -jvmArgs "$G" \
    -prof "async:libPath=/tmp/ap/linux-x64/libasyncProfiler.so;event=itimer;output=collapsed;dir=$W/prof/oldgen-$1-map-put" \
    > $W/prof/oldgen-$1-map-put.log 2>&1
  echo "profile oldgen-$1-map-put rc=$?"
done
