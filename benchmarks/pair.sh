#!/usr/bin/env bash
# Paired A/B of one JMH benchmark: A and B run at the same time, each JVM pinned to a core of its own
# (taskset), then again with the cores swapped. On a shared 2-core VM one core can run 1.3-1.6x slower
# than the other for minutes (a busy neighbour), so two forks run one after the other measure the
# cores as much as the code; run at once and swapped, both sides see the same noise and each runs
# once on each core. Each side has one core for everything (its GC and JIT threads too); a JVM that
# sees one core picks the serial collector unless told otherwise (run.sh names -XX:+UseG1GC).
#
#   benchmarks/pair.sh NAME JAR_A ARGS_A... -- JAR_B ARGS_B...
#   benchmarks/pair.sh map-get benchmarks/target/benchmarks.jar '\.MapStateBenchmark\.get$' -p backend=cairn-rocksdb \
#       -- benchmarks/flink-baselines/target/flink-baselines.jar '\.MapStateBenchmark\.get$' -p backend=flink-rocksdb
#
# Give each side its JMH options (e.g. -f 1 -wi 2 -w 2s -i 8 -r 2s -jvmArgs "-Xms4g -Xmx4g"). Logs go to
# ${PAIR_LOGS:-/tmp/cairn-pair}/NAME-{A,B}-{1,2}.log, and with PAIR_JSON=DIR JMH's results to
# DIR/NAME-{A,B}-{1,2}.json too. Prints each round's median ops/s per side and the geometric mean of
# the two rounds' A/B ratios (the cores' difference cancels out of it).
set -euo pipefail
if [[ $# -lt 4 ]]; then
  sed -n '2,16p' "$0"
  exit 2
fi
command -v taskset > /dev/null || { echo "pair.sh needs taskset (util-linux)" >&2; exit 2; }
[[ $(nproc) -ge 2 ]] || { echo "pair.sh needs two cores" >&2; exit 2; }
name=$1
shift
a=()
while [[ $# -gt 0 && $1 != "--" ]]; do
  a+=("$1")
  shift
done
[[ $# -gt 1 ]] || { echo "missing '-- JAR_B ARGS_B...'" >&2; exit 2; }
shift
b=("$@")
logs=${PAIR_LOGS:-/tmp/cairn-pair}
mkdir -p "$logs"

median() { # the median of the measured iterations' ops/s in JMH log $1 (an iteration whose line a library's
  # stderr message split, e.g. SLF4J's first words, is left out here; JMH's JSON has it)
  grep -E '^Iteration +[0-9]+: +[0-9]' "$1" | awk '{print $3}' | sort -g \
    | awk '{v[NR] = $1} END {if (NR == 0) exit 1; print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

ratios=()
for round in 1 2; do
  if [[ $round == 1 ]]; then core_a=0 core_b=1; else core_a=1 core_b=0; fi
  json_a=() json_b=()
  if [[ -n ${PAIR_JSON:-} ]]; then
    json_a=(-rf json -rff "$PAIR_JSON/$name-A-$round.json")
    json_b=(-rf json -rff "$PAIR_JSON/$name-B-$round.json")
  fi
  # -Djmh.ignoreLock: two JMH runners at once on purpose
  taskset -c $core_a java -Djmh.ignoreLock=true -jar "${a[@]}" "${json_a[@]}" > "$logs/$name-A-$round.log" 2>&1 &
  pid_a=$!
  taskset -c $core_b java -Djmh.ignoreLock=true -jar "${b[@]}" "${json_b[@]}" > "$logs/$name-B-$round.log" 2>&1 &
  pid_b=$!
  wait $pid_a || { echo "A failed: $logs/$name-A-$round.log" >&2; exit 1; }
  wait $pid_b || { echo "B failed: $logs/$name-B-$round.log" >&2; exit 1; }
  ma=$(median "$logs/$name-A-$round.log") || { echo "no iterations in $logs/$name-A-$round.log" >&2; exit 1; }
  mb=$(median "$logs/$name-B-$round.log") || { echo "no iterations in $logs/$name-B-$round.log" >&2; exit 1; }
  ratio=$(awk -v x="$ma" -v y="$mb" 'BEGIN {printf "%.3f", x / y}')
  ratios+=("$ratio")
  printf '%s round %d: A (core %d) %.0f ops/s, B (core %d) %.0f ops/s, A/B %s\n' \
    "$name" "$round" $core_a "$ma" $core_b "$mb" "$ratio"
done
awk -v n="$name" -v r1="${ratios[0]}" -v r2="${ratios[1]}" \
  'BEGIN {printf "%s: A/B %.2f (geometric mean of %s and %s)\n", n, sqrt(r1 * r2), r1, r2}'
