#!/usr/bin/env bash
# bare heap map get, A = split timestamps, B = HEAD, three pairs; then TTL against bare in the new jar
cd /work/main
NEW=benchmarks/target-bench/benchmarks.jar
OLD=/work/exp/benchmarks/target-bench/benchmarks.jar
T=(-f 1 -wi 2 -w 2s -i 5 -r 2s -jvmArgs "-Xms8g -Xmx8g -XX:+UseG1GC")
for i in 1 2 3; do
  PAIR_LOGS=/tmp/ab1/logs3 bash benchmarks/pair.sh map-get-bare-$i "$NEW" '\.MapStateBenchmark\.get$' "${T[@]}" -p backend=cairn-heap -- "$OLD" '\.MapStateBenchmark\.get$' "${T[@]}" -p backend=cairn-heap
done
for b in ValueStateBenchmark.get ValueStateBenchmark.update MapStateBenchmark.put MapStateBenchmark.get; do
  PAIR_LOGS=/tmp/ab1/logs3 bash benchmarks/pair.sh ttl-vs-bare-$b "$NEW" "\\.$b\$" "${T[@]}" -p backend=cairn-heap-ttl -- "$NEW" "\\.$b\$" "${T[@]}" -p backend=cairn-heap
done
