# As run (session 8): in a scratch worktree of main whose CairnAdapters had one more, uncommitted adapter,
# "cairn-rocksdb-mem32" = rocksDb(b -> b.options((db, cf) -> cf.setWriteBufferSize(32L << 20))).
cd /work/exp
J=benchmarks/target-bench/benchmarks.jar
o=(-f 1 -wi 2 -w 2s -i 5 -r 2s -jvmArgs "-Xms8g -Xmx8g -XX:+UseG1GC")
mkdir -p /tmp/s8/mem2
for round in 1 2; do
  for cell in ListStateBenchmark.add MapStateBenchmark.put; do
    for b in cairn-rocksdb-mem32 cairn-rocksdb; do
      java -jar $J "\.$cell\$" "${o[@]}" -p backend=$b > /tmp/s8/mem2/$cell-$b-$round.log 2>&1
      echo "$cell $b round $round: $(grep -E '^Iteration' /tmp/s8/mem2/$cell-$b-$round.log | awk '{print $3}' | sort -g | sed -n 3p)"
    done
  done
done
