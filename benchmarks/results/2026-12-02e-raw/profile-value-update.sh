#!/usr/bin/env bash
# itimer profiles of heap value update with the state in the old generation (the default), Cairn then Flink,
# each JVM on one core (as in the pairs); summarize with ../2026-12-02d-raw/top_frames.py FILE N
set -uo pipefail
cd "$(dirname "$0")/../../.."
out=${PROF_DIR:-/tmp/prof}
cj=${CAIRN_JAR:-benchmarks/target-bench/benchmarks.jar}; fj=${FLINK_JAR:-benchmarks/flink-baselines/target-bench/flink-baselines.jar}
for side in "cairn-heap $cj" "flink-heap $fj"; do
  set -- $side
  taskset -c 0 java -jar "$2" '\.ValueStateBenchmark\.update$' -f 1 -wi 2 -w 2s -i 3 -r 2s -p backend=$1 \
    -jvmArgs "-Xms8g -Xmx8g -XX:+UseG1GC" \
    -prof "async:libPath=/tmp/ap/linux-x64/libasyncProfiler.so;event=itimer;output=collapsed;dir=$out/$1-value-update" \
    > "$out/$1-value-update.log" 2>&1
  echo "profile $1-value-update rc=$? $(grep -A1 '^Benchmark' "$out/$1-value-update.log" | tail -1)"
done
