#!/usr/bin/env bash
# Heap restore at 1e7: is the knee the first touch of fresh heap memory? one restore each, without and with -XX:+AlwaysPreTouch
cd /work/main
for pre in "" "-XX:+AlwaysPreTouch"; do
  java -jar /tmp/s10/tick.jar '\.CheckpointBenchmark\.restore$' -f 1 -wi 0 -i 1 -p backend=cairn-heap -p keys=10000000 \
    -jvmArgs "-Xms8g -Xmx8g -XX:+UseG1GC $pre" > /tmp/s10/pretouch$pre.log 2>&1
  echo "pretouch='$pre': $(grep -a -E 'CheckpointBenchmark.restore .*ms/op' /tmp/s10/pretouch$pre.log | awk '{print $(NF-1)}') ms; $(grep -a -o 'entries in [0-9]* ms' /tmp/s10/pretouch$pre.log)"
done
