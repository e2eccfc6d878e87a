#!/bin/bash
# usage: ttl-ab.sh <label> <benchmark regex> <backends> <jarA> <jarB> [rounds] [keys]
label=$1; bench=$2; backends=$3; A=$4; B=$5; rounds=${6:-2}; keys=${7:-1000000}
out=ttl-ab-$label; mkdir -p $out
for r in $(seq 1 $rounds); do
  for side in A B; do
    jar=$A; [ $side = B ] && jar=$B
    echo "== round $r side $side $(uptime)" >> $out/log
    java -jar $jar "$bench" -f 1 -wi 2 -w 2s -i 4 -r 2s -p keys=$keys -p backend=$backends \
       -jvmArgs "-Xms4g -Xmx4g" -prof 'perfnorm:events=task-clock' -rf json -rff $out/$side-$r.json > $out/$side-$r.txt 2>&1
    python3 "$(dirname "$0")/ttl-summ.py" $out/$side-$r.json "$side$r" >> $out/log
  done
done
echo "== end $(uptime)" >> $out/log
