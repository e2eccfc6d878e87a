#!/usr/bin/env bash
# second pass: bare heap regression check (twice each) and the TTL reads again; A = split timestamps, B = HEAD
cd /work/main
NEW=benchmarks/target-bench/benchmarks.jar
OLD=/work/exp/benchmarks/target-bench/benchmarks.jar
T=(-f 1 -wi 2 -w 2s -i 5 -r 2s -jvmArgs "-Xms8g -Xmx8g -XX:+UseG1GC")
for cell in 'MapStateBenchmark.get:cairn-heap' 'ValueStateBenchmark.get:cairn-heap' 'MapStateBenchmark.iterate:cairn-heap' 'MapStateBenchmark.get:cairn-heap' 'ValueStateBenchmark.get:cairn-heap' 'MapStateBenchmark.iterate:cairn-heap' 'ValueStateBenchmark.get:cairn-heap-ttl' 'MapStateBenchmark.get:cairn-heap-ttl' 'MapStateBenchmark.iterate:cairn-heap-ttl'; do
  b=${cell%%:*}; backend=${cell##*:}
  name=$(echo "$b-$backend" | tr '.' '-')
  echo "== $name"
  PAIR_LOGS=/tmp/ab1/logs2 bash benchmarks/pair.sh "$name" "$NEW" "\\.$b\$" "${T[@]}" -p backend=$backend -- "$OLD" "\\.$b\$" "${T[@]}" -p backend=$backend
done
