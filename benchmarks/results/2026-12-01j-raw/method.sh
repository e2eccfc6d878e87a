# As run (session 8), with the jars run.sh had just built into target-bench.
cd /work/main
C=benchmarks/target-bench/benchmarks.jar F=benchmarks/flink-baselines/target-bench/flink-baselines.jar
o=(-f 1 -wi 2 -w 2s -i 5 -r 2s -jvmArgs "-Xms8g -Xmx8g -XX:+UseG1GC")
export PAIR_LOGS=/tmp/s8/method
mkdir -p $PAIR_LOGS
# 1. A/A: the same cell on both sides
bash benchmarks/pair.sh aa-map-contains-heap $C '\.MapStateBenchmark\.contains$' "${o[@]}" -p backend=cairn-heap -- $C '\.MapStateBenchmark\.contains$' "${o[@]}" -p backend=cairn-heap
# 2. one after the other, both pinned to one core (no co-runner), twice, on core 1
for round in 1 2; do
  for side in cairn flink; do
    jar=$C; [[ $side == flink ]] && jar=$F
    for cell in 'MapStateBenchmark.contains heap' 'ListStateBenchmark.add rocksdb'; do
      set -- $cell
      taskset -c 1 java -jar $jar "\.$1\$" "${o[@]}" -p backend=$side-$2 > $PAIR_LOGS/solo-$1-$side-$2-$round.log 2>&1
      echo "solo $1 $side-$2 round $round: $(grep -E '^Iteration' $PAIR_LOGS/solo-$1-$side-$2-$round.log | awk '{print $3}' | sort -g | sed -n 3p)"
    done
  done
done
