#!/usr/bin/env bash
set -uo pipefail
cd /work/main
O=(-f 1 -wi 2 -w 2s -i 5 -r 2s)
G="-Xms8g -Xmx8g -XX:+UseG1GC"
F=/work/main/benchmarks/flink-baselines/target-bench/flink-baselines.jar
export PAIR_LOGS=/tmp/s10/ab3 PAIR_JSON=/tmp/s10/ab3
pp() { # name jarA backendA jarB backendB regex [extra both]
  local name=$1 ja=$2 ba=$3 jb=$4 bb=$5 regex=$6; shift 6
  bash benchmarks/pair.sh "$name" $ja "$regex" "${O[@]}" -p backend=$ba "$@" -jvmArgs "$G" \
    -- $jb "$regex" "${O[@]}" -p backend=$bb "$@" -jvmArgs "$G" | tail -1
}
pp reducing-vs-flink /tmp/s10/final.jar cairn-heap $F flink-heap '\.ReducingStateBenchmark\.add$'
pp aggregating-vs-flink /tmp/s10/final.jar cairn-heap $F flink-heap '\.AggregatingStateBenchmark\.add$'
pp aggregating-final-vs-old /tmp/s10/final.jar cairn-heap /tmp/s10/old.jar cairn-heap '\.AggregatingStateBenchmark\.add$'
# TTL get: which part of TTL's extra work costs (old.jar = the code before, with experiment adapters)
R='\.ValueStateBenchmark\.get$'
for round in 1 2; do
  bash benchmarks/pair.sh clock-vs-bare-$round /tmp/s10/old.jar $R "${O[@]}" -p backend=cairn-heap -jvmArgs "$G -Dexp=clock" \
    -- /tmp/s10/old.jar $R "${O[@]}" -p backend=cairn-heap -jvmArgs "$G" | tail -1
  pp fixed-vs-system-ttl-$round /tmp/s10/old.jar cairn-heap-ttl-fixed /tmp/s10/old.jar cairn-heap-ttl $R
  pp fixedttl-vs-bare-$round /tmp/s10/old.jar cairn-heap-ttl-fixed /tmp/s10/old.jar cairn-heap $R
done
# the heap restore knee (1e6 -> 1e7 keys: 0.35 -> 26 s): one restore with a GC log
java -jar /tmp/s10/final.jar '\.CheckpointBenchmark\.restore$' -f 1 -wi 0 -i 1 -p backend=cairn-heap -p keys=10000000 \
  -jvmArgs "$G -Xlog:gc*:file=/tmp/s10/restore-gc.log" > /tmp/s10/restore.log 2>&1
grep -a -E "^Iteration|ms/op" /tmp/s10/restore.log | tail -2
