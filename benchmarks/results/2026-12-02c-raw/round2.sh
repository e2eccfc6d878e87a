#!/usr/bin/env bash
set -uo pipefail
cd /work/main
O=(-f 1 -wi 2 -w 2s -i 5 -r 2s -jvmArgs "-Xms8g -Xmx8g -XX:+UseG1GC")
export PAIR_LOGS=/tmp/s10/ab2 PAIR_JSON=/tmp/s10/ab2
p() { # name jarA jarB regex backend [extra]
  local name=$1 ja=$2 jb=$3 regex=$4 backend=$5; shift 5
  bash benchmarks/pair.sh "$name" $ja "$regex" "${O[@]}" -p backend=$backend "$@" \
    -- $jb "$regex" "${O[@]}" -p backend=$backend "$@" | tail -1
}
# memory: TTL lists split (new2) against envelopes (old); bare list and value unchanged, value for a check
for jar in new2 old; do
  java -jar /tmp/s10/$jar.jar MemoryPerEntryBenchmark -p backend=cairn-heap-ttl -p shape=list,map,value \
    -rf json -rff /tmp/s10/mem-$jar.json > /tmp/s10/mem-$jar.log 2>&1
  grep -a -E "bytesPerKey|^# Parameters" /tmp/s10/mem-$jar.log | grep -v disk | sed "s/^/$jar /"
done
java -jar /tmp/s10/new2.jar MemoryPerEntryBenchmark -p backend=cairn-heap -p shape=list,map,value \
  -rf json -rff /tmp/s10/mem-bare-new2.json > /tmp/s10/mem-bare-new2.log 2>&1
grep -a -E "bytesPerKey|^# Parameters" /tmp/s10/mem-bare-new2.log | grep -v disk | sed "s/^/bare-new2 /"
p reducing-add /tmp/s10/new2.jar /tmp/s10/old.jar '\.ReducingStateBenchmark\.add$' cairn-heap
p aggregating-add /tmp/s10/new2.jar /tmp/s10/old.jar '\.AggregatingStateBenchmark\.add$' cairn-heap
p ttl-list-get /tmp/s10/new2.jar /tmp/s10/old.jar '\.ListStateBenchmark\.get$' cairn-heap-ttl
p ttl-list-add /tmp/s10/new2.jar /tmp/s10/old.jar '\.ListStateBenchmark\.add$' cairn-heap-ttl
p reducing-add-1e7 /tmp/s10/new2.jar /tmp/s10/old.jar '\.ReducingStateBenchmark\.add$' cairn-heap -p keys=10000000
