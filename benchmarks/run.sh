#!/usr/bin/env bash
# Builds Cairn's benchmarks.jar and the Flink baselines jar, runs them with the same JMH settings
# (throughput cells in pairs, see pair.sh), and writes benchmarks/results/<date>.md and .json (see
# benchmarks/README.md).
#
#   benchmarks/run.sh            the full run (1e6 keys, 2x2 s warm-up, 5x2 s measurement; ~80 min)
#   benchmarks/run.sh --quick    a harness check (1e5 keys, 1x1 s + 2x1 s; ~20 min on 2 cores)
#   benchmarks/run.sh --ttl      only the TTL pairs of the full run (~20 min), into <date>-ttl.md
#   benchmarks/run.sh --scaling  value get/update pairs and checkpoints at 1e5, 1e6 and 1e7 keys (~35 min),
#                                into <date>-scaling.md
#
# CAIRN_TARGET=target-x builds into that folder instead of target (parallel builds on one tree).
set -euo pipefail
cd "$(dirname "$0")/.."

quick=false
ttl_only=false
scaling_only=false
if [[ "${1:-}" == "--quick" ]]; then
  quick=true
elif [[ "${1:-}" == "--ttl" ]]; then
  ttl_only=true
elif [[ "${1:-}" == "--scaling" ]]; then
  scaling_only=true
elif [[ $# -gt 0 ]]; then
  echo "usage: benchmarks/run.sh [--quick | --ttl | --scaling]" >&2
  exit 2
fi
target=${CAIRN_TARGET:-target}

echo "== building (mvn package, tests skipped)" >&2
mvn -q -B -DskipTests -Dcairn.target="$target" -pl benchmarks -am package
mvn -q -B -DskipTests -Dcairn.target="$target" -f benchmarks/flink-baselines/pom.xml package
cairn_jar=benchmarks/$target/benchmarks.jar
flink_jar=benchmarks/flink-baselines/$target/flink-baselines.jar

if $quick; then
  throughput=(-f 1 -wi 1 -w 1s -i 2 -r 1s -p keys=100000)
  single_shot=(-f 1 -wi 1 -i 3 -p keys=100000)
  incremental=(-f 1 -wi 1 -i 3 -p keys=100000)
  end_to_end=(-f 1 -wi 1 -i 2)
  heap=-Xmx4g
else
  throughput=(-f 1 -wi 2 -w 2s -i 5 -r 2s)
  single_shot=(-f 1 -wi 3 -i 5)
  incremental=(-f 1 -wi 1 -i 5 -p keys=100000,1000000)
  end_to_end=(-f 1 -wi 2 -i 3)
  heap=-Xmx8g
fi
# G1 named: a JVM pinned to one core (pair.sh) would pick the serial collector by itself
jvm=(-jvmArgs "-Xms${heap#-Xmx} $heap -XX:+UseG1GC")

parts=benchmarks/$target/jmh-results   # kept after a failure, for a look at the logs
rm -rf "$parts" && mkdir -p "$parts"
pair_json=$parts # where pair() puts JMH's JSON; the TTL pairs use $parts/ttl (format_results.py keeps them apart)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

run() { # name jar regex args...
  local name=$1 jar=$2 regex=$3
  shift 3
  echo "== $name" >&2
  java -jar "$jar" "$regex" "$@" "${jvm[@]}" -rf json -rff "$parts/$name.json" > "$parts/$name.log" 2>&1 \
    || { tail -40 "$parts/$name.log" >&2; echo "run $name failed" >&2; exit 1; }
}

pair() { # name jar_a regex backend_a jar_b backend_b [JMH args of both]: one throughput cell per side, paired (pair.sh)
  local name=$1 jar_a=$2 regex=$3 param_a=$4 jar_b=$5 param_b=$6
  local both=("${@:7}")
  echo "== $name (paired)" >&2
  mkdir -p "$pair_json"
  PAIR_LOGS=$parts PAIR_JSON=$pair_json bash benchmarks/pair.sh "$name" \
    "$jar_a" "$regex" "${throughput[@]}" -p "$param_a" "${both[@]}" "${jvm[@]}" \
    -- "$jar_b" "$regex" "${throughput[@]}" -p "$param_b" "${both[@]}" "${jvm[@]}" >> "$parts/pairs.txt" 2>&1 \
    || { tail -5 "$parts/pairs.txt" >&2; echo "pair $name failed" >&2; exit 1; }
}

# TTL (a one-day TTL that never fires, the default configuration; Cairn: TickingClock, Flink: the system clock): Cairn's TTL against
# Flink's TTL and against Cairn's bare heap state; each ratio from its own pair's rounds
ttl_pairs() {
  pair_json=$parts/ttl
  for op in Value.get Value.update Map.put Map.get; do
    regex="\.${op%.*}StateBenchmark\.${op#*.}\$"
    pair "$op-heap-ttl-vs-flink" "$cairn_jar" "$regex" backend=cairn-heap-ttl "$flink_jar" backend=flink-heap-ttl
    pair "$op-heap-ttl-vs-bare" "$cairn_jar" "$regex" backend=cairn-heap-ttl "$cairn_jar" backend=cairn-heap
    pair "$op-rocksdb-ttl-vs-flink" "$cairn_jar" "$regex" backend=cairn-rocksdb-ttl "$flink_jar" \
      backend=flink-rocksdb-ttl
  done
  pair_json=$parts
}

# Scaling: value get and update paired (Cairn against Flink, per backend) and checkpoints (one fork after
# the other, both cores) at 1e5, 1e6 and 1e7 keys; their JSON goes to $parts/scaling, file names and
# params carry the key count. RocksDB state is flushed and compacted to SST files on disk after filling and
# read through the 512 MiB budget's block cache. Fewer single shots than the full run: a Flink heap restore
# of 1e7 keys takes a minute.
scaling() {
  pair_json=$parts/scaling
  mkdir -p "$pair_json" # run() below writes its JSON there too
  for keys in 100000 1000000 10000000; do
    for op in Value.get Value.update; do
      regex="\.${op%.*}StateBenchmark\.${op#*.}\$"
      for kind in heap rocksdb; do
        pair "$op-$kind-$keys" "$cairn_jar" "$regex" "backend=cairn-$kind" "$flink_jar" "backend=flink-$kind" \
          -p "keys=$keys"
      done
    done
  done
  for side in cairn flink; do
    jar=$cairn_jar
    [[ $side == flink ]] && jar=$flink_jar
    run "scaling/$side-checkpoint" "$jar" '\.CheckpointBenchmark\.' -f 1 -wi 1 -i 3 \
      -p keys=100000,1000000,10000000 -p backend=$side-heap,$side-rocksdb
  done
  pair_json=$parts
}

if $ttl_only; then
  ttl_pairs
elif $scaling_only; then
  scaling
else # the full or quick run: everything
# Throughput: each Cairn cell runs at the same time as its Flink cell, each JVM pinned to a core of
# its own, then again with the cores swapped (benchmarks/pair.sh): one core of this shared 2-core VM
# is often 1.3-1.6x slower than the other for minutes, which one fork after the other cannot cancel.
# The row-cache variant is paired with Flink RocksDB too (its Flink cells average all rounds).
for op in Value.get Value.update List.add List.get Map.put Map.get Map.contains Map.iterate Reducing.add \
    Aggregating.add; do
  regex="\.${op%.*}StateBenchmark\.${op#*.}\$"
  pair "$op-heap" "$cairn_jar" "$regex" backend=cairn-heap "$flink_jar" backend=flink-heap
  pair "$op-rocksdb" "$cairn_jar" "$regex" backend=cairn-rocksdb "$flink_jar" backend=flink-rocksdb
  pair "$op-rows" "$cairn_jar" "$regex" backend=cairn-rocksdb-rows "$flink_jar" backend=flink-rocksdb
done
pair ceiling "$cairn_jar" '\.CeilingBenchmark\.' ceiling=hashmap "$cairn_jar" ceiling=rocksdb
ttl_pairs
run cairn-checkpoint "$cairn_jar" '\.CheckpointBenchmark\.' "${single_shot[@]}"
run flink-checkpoint "$flink_jar" '\.CheckpointBenchmark\.' "${single_shot[@]}" -p backend=flink-heap,flink-rocksdb
# incremental checkpoints (1 % of the keys changed before each): Cairn, Cairn without fsyncs (as
# Flink writes local files), Flink RocksDB with incremental checkpoints
run cairn-incremental "$cairn_jar" '\.IncrementalCheckpointBenchmark\.' "${incremental[@]}" \
  -p backend=cairn-rocksdb,cairn-heap
run flink-incremental "$flink_jar" '\.IncrementalCheckpointBenchmark\.' "${incremental[@]}" \
  -p backend=flink-rocksdb-incremental
run cairn-incremental-nosync "$cairn_jar" '\.IncrementalCheckpointBenchmark\.incrementalCheckpoint$' \
  "${incremental[@]}" -p backend=cairn-rocksdb-nosync,cairn-heap-nosync
if ! $quick; then # heap: time against changed keys, not state size (1000 keys changed, as at 1e5 and 1 %)
  run cairn-incremental-heap-0.1pct "$cairn_jar" '\.IncrementalCheckpointBenchmark\.incrementalCheckpoint$' \
    "${incremental[@]/#keys=*/keys=1000000}" -p backend=cairn-heap -p changed=0.001
fi
run end-to-end "$cairn_jar" '\.EndToEndBenchmark\.' "${end_to_end[@]}" -p incremental=false,true
fi

out=benchmarks/results/$(date +%F)
$quick && out=$out-quick
$ttl_only && out=$out-ttl
$scaling_only && out=$out-scaling
for n in 2 3 4 5 6 7 8 9; do # never overwrite an earlier run of the day
  [[ -e $out.md ]] && out=${out%-run[0-9]}-run$n
done
cp "$parts/pairs.txt" "$out-pairs.txt"
shopt -s nullglob # a run without TTL pairs or scaling cells has no JSON in their folders
python3 benchmarks/format_results.py --out "$out" --mode "$($quick && echo quick || ($ttl_only && echo ttl) || ($scaling_only && echo scaling) || echo full)" \
  --load-before "$load_before" --load-after "$(cut -d' ' -f1-3 /proc/loadavg)" \
  --jvm "$(java -version 2>&1 | sed -n 2,3p | tr '\n' ' ')" "$parts"/*.json "$parts"/ttl/*.json "$parts"/scaling/*.json
echo "wrote $out.md and $out.json" >&2
