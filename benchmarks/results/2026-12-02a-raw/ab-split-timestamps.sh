#!/usr/bin/env bash
# A = split timestamps (working tree), B = HEAD 8d44a1a; cairn-heap-ttl and bare heap, paired, one core each
cd /work/main
NEW=benchmarks/target-bench/benchmarks.jar
OLD=/work/exp/benchmarks/target-bench/benchmarks.jar
T=(-f 1 -wi 2 -w 2s -i 5 -r 2s -jvmArgs "-Xms8g -Xmx8g -XX:+UseG1GC")
for cell in 'ValueStateBenchmark.get:cairn-heap-ttl' 'ValueStateBenchmark.update:cairn-heap-ttl' 'MapStateBenchmark.put:cairn-heap-ttl' 'MapStateBenchmark.get:cairn-heap-ttl' 'ValueStateBenchmark.get:cairn-heap' 'MapStateBenchmark.get:cairn-heap'; do
  b=${cell%%:*}; backend=${cell##*:}
  name=$(echo "$b-$backend" | tr '.' '-')
  echo "== $name"
  PAIR_LOGS=/tmp/ab1/logs bash benchmarks/pair.sh "$name" "$NEW" "\\.$b\$" "${T[@]}" -p backend=$backend -- "$OLD" "\\.$b\$" "${T[@]}" -p backend=$backend
done
