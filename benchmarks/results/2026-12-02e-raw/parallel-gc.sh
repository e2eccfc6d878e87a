#!/usr/bin/env bash
# heap map put and value update, Cairn vs Flink, state in the old generation, with the parallel collector
# (no concurrent refinement); OPS="..." picks the benchmarks (default: map put)
cd "$(dirname "$0")/../../.."  # the repository; jars as benchmarks/run.sh builds them with CAIRN_TARGET=target-bench
cj=${CAIRN_JAR:-benchmarks/target-bench/benchmarks.jar}; fj=${FLINK_JAR:-benchmarks/flink-baselines/target-bench/flink-baselines.jar}
args=(-f 1 -wi 2 -w 2s -i 5 -r 2s -jvmArgs "-Xms8g -Xmx8g -XX:+UseParallelGC")
for op in ${OPS:-Map.put}; do
  regex="\\.${op%.*}StateBenchmark\\.${op#*.}\$"
  PAIR_LOGS=/tmp/cairn-pair bash benchmarks/pair.sh "$op-parallel" "$cj" "$regex" "${args[@]}" -p backend=cairn-heap \
    -- "$fj" "$regex" "${args[@]}" -p backend=flink-heap
done
