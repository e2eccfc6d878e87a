#!/usr/bin/env bash
# Heap TTL on a ticking clock (A: the system time read once a millisecond by a daemon thread) against the
# same on InstantSource.system() (B), paired, one core each, 1e6 keys. Needs the adapter cairn-heap-ttl-ticking,
# which was only in the working tree of this experiment (TickingClock was dropped, see ../2026-12-02b-ttl-clock.md).
set -euo pipefail
JAR=benchmarks/target-bench/benchmarks.jar
T=(-f 1 -wi 2 -w 2s -i 5 -r 2s -jvmArgs "-Xms8g -Xmx8g -XX:+UseG1GC")
for b in ValueStateBenchmark.get ValueStateBenchmark.update MapStateBenchmark.get MapStateBenchmark.put; do
  PAIR_LOGS=/tmp/cairn-clock bash benchmarks/pair.sh "ticking-vs-system-$b" \
    "$JAR" "\\.$b\$" "${T[@]}" -p backend=cairn-heap-ttl-ticking -- "$JAR" "\\.$b\$" "${T[@]}" -p backend=cairn-heap-ttl
done
