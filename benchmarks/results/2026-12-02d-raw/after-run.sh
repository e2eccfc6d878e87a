#!/usr/bin/env bash
# Session 11, after the full run at the same commit: where heap TTL's writes and RocksDB TTL's reads go
# (pairs and itimer profiles) and bytes per entry at this commit. Jars: the full run's, copied to $W.
set -uo pipefail
cd /work/main
W=/tmp/s11
C=$W/benchmarks.jar
F=$W/flink-baselines.jar
O=(-f 1 -wi 2 -w 2s -i 5 -r 2s)
G="-Xms8g -Xmx8g -XX:+UseG1GC"
export PAIR_LOGS=$W/pairs PAIR_JSON=$W/pairs
p() { # name regex backend_a jar_b backend_b
  bash benchmarks/pair.sh "$1" $C "$2" "${O[@]}" -p backend=$3 -jvmArgs "$G" -- "$4" "$2" "${O[@]}" -p backend=$5 -jvmArgs "$G" | tail -1
}
for op in Value.update Map.put; do
  R="\.${op%.*}StateBenchmark\.${op#*.}\$"
  p "heap-ttl-vs-nobg-$op" "$R" cairn-heap-ttl $C cairn-heap-ttl-nobg
  p "heap-nobg-vs-bare-$op" "$R" cairn-heap-ttl-nobg $C cairn-heap
  p "rocksdb-nobg-vs-flink-ttl-$op" "$R" cairn-rocksdb-ttl-nobg $F flink-rocksdb-ttl
done
mkdir -p $W/prof
prof() { # name jar regex backend
  java -jar "$2" "$3" -f 1 -wi 2 -w 2s -i 3 -r 2s -p backend=$4 -jvmArgs "$G" \
    -prof "async:libPath=/tmp/ap/linux-x64/libasyncProfiler.so;event=itimer;output=collapsed;dir=$W/prof/$1" > $W/prof/$1.log 2>&1
  echo "profile $1 rc=$?"
}
prof heap-ttl-update $C '\.ValueStateBenchmark\.update$' cairn-heap-ttl
prof heap-ttl-map-put $C '\.MapStateBenchmark\.put$' cairn-heap-ttl
prof heap-ttl-map-get $C '\.MapStateBenchmark\.get$' cairn-heap-ttl
prof heap-map-get $C '\.MapStateBenchmark\.get$' cairn-heap
prof rocksdb-ttl-value-get $C '\.ValueStateBenchmark\.get$' cairn-rocksdb-ttl
prof rocksdb-value-get $C '\.ValueStateBenchmark\.get$' cairn-rocksdb
prof flink-rocksdb-ttl-value-get $F '\.ValueStateBenchmark\.get$' flink-rocksdb-ttl
mem() { java -jar "$1" MemoryPerEntryBenchmark -p backend=$2 -p shape=value,list,map -jvmArgs "$G" -rf json -rff $W/mem-$3.json > $W/mem-$3.log 2>&1; echo "mem $3 rc=$?"; }
mem $C cairn-heap,hashmap,cairn-heap-ttl cairn-heap
mem $F flink-heap,flink-heap-ttl flink-heap
mem $C cairn-rocksdb cairn-rocksdb
mem $F flink-rocksdb flink-rocksdb
