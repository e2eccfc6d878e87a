#!/bin/bash
# usage: ttl-vs.sh <label> <benchmark regex> <jarA> <backendsA> <jarB> <backendsB> [rounds] [keys]
label=$1; bench=$2; A=$3; BA=$4; B=$5; BB=$6; rounds=${7:-2}; keys=${8:-1000000}
out=ttl-vs-$label; mkdir -p $out
for r in $(seq 1 $rounds); do
  for side in A B; do
    jar=$A; backends=$BA; [ $side = B ] && jar=$B && backends=$BB
    echo "== round $r side $side $(uptime)" >> $out/log
    java -jar $jar "$bench" -f 1 -wi 2 -w 2s -i 4 -r 2s -p keys=$keys -p backend=$backends \
       -jvmArgs "-Xms4g -Xmx4g" -prof 'perfnorm:events=task-clock' -rf json -rff $out/$side-$r.json > $out/$side-$r.txt 2>&1
    python3 "$(dirname "$0")/ttl-summ.py" $out/$side-$r.json "$side$r" >> $out/log
  done
done
echo "== end $(uptime)" >> $out/log
