#!/usr/bin/env bash
# A = ValueSplit (Longs unboxed beside the slots, TTL list elements split), B = the code before (901aa38), same settings
set -uo pipefail
cd /work/main
O=(-f 1 -wi 2 -w 2s -i 5 -r 2s -jvmArgs "-Xms8g -Xmx8g -XX:+UseG1GC")
export PAIR_LOGS=/tmp/s10/ab PAIR_JSON=/tmp/s10/ab
p() { # name regex backend [extra]
  local name=$1 regex=$2 backend=$3; shift 3
  bash benchmarks/pair.sh "$name" /tmp/s10/new.jar "$regex" "${O[@]}" -p backend=$backend "$@" \
    -- /tmp/s10/old.jar "$regex" "${O[@]}" -p backend=$backend "$@" | tail -1
}
p value-update '\.ValueStateBenchmark\.update$' cairn-heap
p value-get '\.ValueStateBenchmark\.get$' cairn-heap
p map-put '\.MapStateBenchmark\.put$' cairn-heap
p map-get '\.MapStateBenchmark\.get$' cairn-heap
p reducing-add '\.ReducingStateBenchmark\.add$' cairn-heap
p aggregating-add '\.AggregatingStateBenchmark\.add$' cairn-heap
p map-iterate '\.MapStateBenchmark\.iterate$' cairn-heap
p ttl-list-get '\.ListStateBenchmark\.get$' cairn-heap-ttl
p ttl-list-add '\.ListStateBenchmark\.add$' cairn-heap-ttl
p ttl-value-get '\.ValueStateBenchmark\.get$' cairn-heap-ttl
p value-update-1e7 '\.ValueStateBenchmark\.update$' cairn-heap -p keys=10000000
p value-get-1e7 '\.ValueStateBenchmark\.get$' cairn-heap -p keys=10000000
