#!/usr/bin/env python3
"""Turns the JMH JSON files of one benchmarks/run.sh invocation into <out>.md and <out>.json."""
import argparse, json, os, platform, subprocess

OPS = [  # (label, benchmark, heap ceiling, rocksdb ceiling)
    ("value get", "ValueStateBenchmark.get", "get", "get"),
    ("value update", "ValueStateBenchmark.update", "put", "put"),
    ("list add", "ListStateBenchmark.add", "merge", "merge"),
    ("list get (10)", "ListStateBenchmark.get", "get", "get"),
    ("map put", "MapStateBenchmark.put", "put", "put"),
    ("map get", "MapStateBenchmark.get", "get", "get"),
    ("map contains", "MapStateBenchmark.contains", "get", "get"),
    ("map iterate (10)", "MapStateBenchmark.iterate", "get", "get"),
    ("reducing add", "ReducingStateBenchmark.add", "merge", "get+put"),
    ("aggregating add", "AggregatingStateBenchmark.add", "merge", "get+put"),
]
TARGETS = {"heap": 1.5, "rocksdb": 1.3, "ceiling": 0.5}


def iterations(metric):
    """Every measured iteration's value of a JMH metric, over all forks."""
    return [x for fork in metric.get("rawData", []) for x in fork]


def load(paths, by_keys=False):
    """(benchmark, impl) -> (score, error, unit, secondary). A throughput cell's score is the median of its
    measurement iterations (as pair.sh prints: a one-off stall, such as G1 marking the freshly filled heap
    on a one-core JVM, does not move it); a single-shot cell's is JMH's mean. A cell measured more than
    once (the rounds of a pair, see run.sh) is the mean of those scores ± half their range; its secondary
    metrics are means. With by_keys, impl is "backend keys" (the scaling run's cells)."""
    runs = {}
    for path in paths:
        with open(path) as f:
            for r in json.load(f):
                bench = ".".join(r["benchmark"].split(".")[-2:])
                params = r.get("params", {})
                impl = params.get("backend") or params.get("ceiling")
                if bench.startswith("IncrementalCheckpointBenchmark."):
                    impl = f"{impl} {params.get('keys')} {params.get('changed')}"  # "backend keys changed"
                elif params.get("incremental") == "true":
                    impl += " incremental"
                if by_keys:
                    impl = f"{impl} {params.get('keys')}"
                m = r["primaryMetric"]
                # single-shot EVENTS counters are summed over the measurement iterations
                per = r.get("measurementIterations", 1) if r["mode"] == "ss" else 1
                secondary = {k: float(v["score"]) / per for k, v in r.get("secondaryMetrics", {}).items()}
                for k, v in r.get("secondaryMetrics", {}).items():  # each iteration's own value, for medians
                    raw = iterations(v)
                    if raw:
                        secondary[k + ".median"] = sorted(raw)[len(raw) // 2]
                score = float(m["score"])
                measured = sorted(iterations(m))
                if r["mode"] == "thrpt" and measured:
                    n = len(measured)
                    score = (measured[(n - 1) // 2] + measured[n // 2]) / 2
                runs.setdefault((bench, impl), []).append((score, float(m["scoreError"]), m["scoreUnit"], secondary))
    scores = {}
    for key, cell in runs.items():
        if len(cell) == 1:
            scores[key] = cell[0]
            continue
        values = [c[0] for c in cell]
        secondary = {k: sum(c[3][k] for c in cell) / len(cell) for k in cell[0][3] if all(k in c[3] for c in cell)}
        scores[key] = (sum(values) / len(values), (max(values) - min(values)) / 2, cell[0][2], secondary)
    return scores


def generation(paths):
    """How the run placed the filled state (the oldGen parameter of the keyed-state and ceiling cells)."""
    values = set()
    for path in paths:
        with open(path) as f:
            values |= {r.get("params", {}).get("oldGen") for r in json.load(f)}
    values.discard(None)
    if values == {"true"}:
        return ("Then a full GC moved the filled state to the old generation (`oldGen=true`), so that every "
                "reference a write stores passes G1's write barrier and refinement, as in an application. ")
    if values == {"false"}:
        return ("The filled state stayed where the fill left it (`oldGen=false`: young generation unless the "
                "fill or the op allocates enough to collect). ")
    return "Some cells had the state in the old generation, some not (`oldGen` mixed). " if values else ""


def ceiling(scores, store, kind):
    def s(op):
        v = scores.get(("CeilingBenchmark." + op, store))
        return v[0] if v else None
    if kind == "get+put":
        g, p = s("get"), s("put")
        return 1 / (1 / g + 1 / p) if g and p else None
    return s(kind)


def kops(v):
    return "—" if v is None else f"{v[0] / 1000:,.0f} ± {v[1] / 1000:,.0f}" if v[1] == v[1] else f"{v[0] / 1000:,.0f}"


def ratio(a, b, target):
    if not a or not b:
        return "—", None
    r = a[0] / b
    return f"{r:.2f}{' ✓' if r >= target else ' ✗'}", r


def machine(args):
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    return {"nproc": os.cpu_count(), "memory_gib": round(mem_kb / 2**20, 1), "cpu": cpu,
            "kernel": platform.release(), "jvm": args.jvm.strip(), "mode": args.mode,
            "load_before": args.load_before, "load_after": args.load_after, "commit": commit}


def fmt_ms(v):
    if v is None:
        return "—"
    digits = 2 if v[0] < 10 else 1  # a synchronous part of 0.04 ms is not "0.0"
    return f"{v[0]:,.{digits}f} ± {v[1]:,.{digits}f}" if v[1] == v[1] else f"{v[0]:,.{digits}f}"


TTL_OPS = [("value get", "ValueStateBenchmark.get"), ("value update", "ValueStateBenchmark.update"),
           ("map put", "MapStateBenchmark.put"), ("map get", "MapStateBenchmark.get")]
TTL_TARGETS = {"heap": 1.5, "rocksdb": 1.3, "bare": 0.7}


def ttl_section(paths):
    """The TTL pairs: each ratio from its own pair's rounds (files <op>-<pair>-{A,B}-<round>.json)."""
    pairs = {}
    for path in paths:
        pairs.setdefault(os.path.basename(path).rsplit("-", 2)[0], []).append(path)
    if not pairs:
        return [], {}

    def cells(op, pair, bench):
        files = pairs.get(f"{op}-{pair}")
        if not files:
            return None, None
        sides = {}
        for path in files:  # side A or B, from the file name: the same backend may sit on both sides elsewhere
            sides.setdefault(os.path.basename(path).rsplit("-", 2)[1], []).append(path)
        a, b = (next(iter(load(sides.get(s, [])).values()), None) if s in sides else None for s in ("A", "B"))
        return a, b

    md = ["## TTL (k ops/s)", "",
          "A one-day TTL that never fires (what TTL costs, not what expiry saves), the default configuration "
          "(background cleanup of two entries per write) and the `TickingClock` its TTL module recommends (the "
          "system time read once a millisecond by a daemon thread); Flink: `StateTtlConfig` with its default "
          "cleanup and the system clock read per access. Each ratio is from one pair's two rounds: Cairn's "
          "TTL against Flink's TTL, and against Cairn's bare heap state.", "",
          "| op | Cairn heap TTL | Flink heap TTL | ratio (≥ 1.5) | Cairn heap TTL | Cairn heap bare "
          "| TTL / bare (≥ 0.7) | Cairn RocksDB TTL | Flink RocksDB TTL | ratio (≥ 1.3) |",
          "|---|---|---|---|---|---|---|---|---|---|"]
    result = []
    for label, bench in TTL_OPS:
        op = bench.replace("StateBenchmark", "")
        row, cols = {"op": label, "benchmark": bench}, []
        for pair, target in (("heap-ttl-vs-flink", "heap"), ("heap-ttl-vs-bare", "bare"),
                             ("rocksdb-ttl-vs-flink", "rocksdb")):
            a, b = cells(op, pair, bench)
            text, value = ratio(a, b and b[0], TTL_TARGETS[target])
            cols += [kops(a), kops(b), text]
            row[pair] = {"a": a and a[0], "b": b and b[0], "ratio": value}
        md.append(f"| {label} | " + " | ".join(cols) + " |")
        result.append(row)
    md.append("")
    return md, result


def in_folder(path, folder):
    """run.sh puts the TTL pairs' and the scaling run's JSON in folders of their own."""
    return os.path.basename(os.path.dirname(path)) == folder


SCALING_KEYS = (100000, 1000000, 10000000)


def scaling_section(paths):
    """The scaling run: value get and update pairs and checkpoints at each key count."""
    scores = load(paths, by_keys=True)
    if not scores:
        return [], {}
    md = ["## Scaling: value state at 1e5, 1e6 and 1e7 keys", "",
          "Throughput (k ops/s): each Cairn cell paired with its Flink cell (`pair.sh`, one core each, then "
          "swapped), mean of the two rounds' medians ± half their range.", "",
          "| op | keys | Cairn heap | Flink heap | heap ratio | Cairn RocksDB | Flink RocksDB | RocksDB ratio |",
          "|---|---|---|---|---|---|---|---|"]
    result = {"throughput": [], "checkpoints": []}
    for label, bench in (("value get", "ValueStateBenchmark.get"), ("value update", "ValueStateBenchmark.update")):
        for keys in SCALING_KEYS:
            cells = {impl: scores.get((bench, f"{impl} {keys}"))
                     for impl in ("cairn-heap", "flink-heap", "cairn-rocksdb", "flink-rocksdb")}
            if not any(cells.values()):
                continue
            hr, hr_v = ratio(cells["cairn-heap"], cells["flink-heap"] and cells["flink-heap"][0], TARGETS["heap"])
            rr, rr_v = ratio(cells["cairn-rocksdb"], cells["flink-rocksdb"] and cells["flink-rocksdb"][0],
                             TARGETS["rocksdb"])
            md.append(f"| {label} | 1e{len(str(keys)) - 1} | {kops(cells['cairn-heap'])} | {kops(cells['flink-heap'])} | {hr} "
                      f"| {kops(cells['cairn-rocksdb'])} | {kops(cells['flink-rocksdb'])} | {rr} |")
            result["throughput"].append({"op": label, "keys": keys, "heap_ratio": hr_v, "rocksdb_ratio": rr_v,
                                         **{k: v and v[0] for k, v in cells.items()}})
    md += ["", "Checkpoints (ms, one shot each, mean of three ± JMH's 99.9% error; one fork after the other, "
           "both cores): the synchronous part (the processing pause), the full checkpoint, and a restore into "
           "a new backend.", "",
           "| backend | keys | Cairn sync | Flink sync | Cairn full | Flink full | Cairn bytes | Flink bytes "
           "| Cairn restore | Flink restore |", "|---|---|---|---|---|---|---|---|---|---|"]
    for kind in ("heap", "rocksdb"):
        for keys in SCALING_KEYS:
            row = {"backend": kind, "keys": keys}
            cols = []
            for what in ("synchronousPart", "checkpoint", "bytes", "restore"):
                for side in ("cairn", "flink"):
                    bench = "checkpoint" if what == "bytes" else what
                    v = scores.get((f"CheckpointBenchmark.{bench}", f"{side}-{kind} {keys}"))
                    if what == "bytes":
                        b = v and v[3].get("bytes")
                        cols.append("—" if b is None else f"{b:,.0f}")
                        row[f"{side}_bytes"] = b
                    else:
                        cols.append(fmt_ms(v))
                        row[f"{side}_{what}_ms"] = v and v[0]
            if all(c == "—" for c in cols):
                continue
            md.append(f"| {kind} | 1e{len(str(keys)) - 1} | " + " | ".join(cols) + " |")
            result["checkpoints"].append(row)
    md.append("")
    return md, result


def incremental_section(scores):
    """IncrementalCheckpointBenchmark: one row per backend, keys and changed fraction."""
    cells = sorted({k[1] for k in scores if k[0].startswith("IncrementalCheckpointBenchmark.")},
                   key=lambda c: (int(c.split()[1]), c.split()[0], -float(c.split()[2])))
    if not cells:
        return [], {}
    md = ["## Incremental checkpoints of one `ValueState` (ms, one shot each)", "",
          "After filling and one completed base checkpoint, each measured checkpoint follows new values for "
          "`changed` × `keys` fresh keys (untimed); it is timed with its completion (Cairn: metadata commit "
          "and notification, where the coordinator completes the checkpoint's future; retention follows untimed; "
          "Flink: `notifyCheckpointComplete`). Bytes written per incremental "
          "checkpoint against a full checkpoint of the same state (Flink: a canonical savepoint); "
          "written / full is the mean over the measured checkpoints, which includes any that stored a compaction's "
          "output (RocksDB) or a new base (heap); the median is a typical checkpoint's. "
          "Restore: a new backend from the base checkpoint, natively.", "",
          "| backend | keys | changed | incremental checkpoint | bytes written | full checkpoint bytes | "
          "written / full (≤ 5 %) | median written / full | base bytes | native restore |",
          "|---|---|---|---|---|---|---|---|---|---|"]
    result = {}
    for cell in cells:
        impl, keys, changed = cell.split()
        c = scores.get(("IncrementalCheckpointBenchmark.incrementalCheckpoint", cell))
        r = scores.get(("IncrementalCheckpointBenchmark.restore", cell))
        b, full, base = (c[3].get("bytes"), c[3].get("fullBytes"), c[3].get("baseBytes")) if c else (None,) * 3
        pct = 100 * b / full if b is not None and full else None
        median = c[3].get("bytes.median") if c else None
        median_pct = f"{100 * median / full:.2f} %" if median is not None and full else "—"
        ok = "" if pct is None else " ✓" if pct <= 5 else " ✗"
        n = lambda v: "—" if v is None else f"{v:,.0f}"
        md.append(f"| {impl} | {int(keys):,} | {float(changed):g} | {fmt_ms(c)} | {n(b)} | {n(full)} | "
                  f"{'—' if pct is None else f'{pct:.2f} %'}{ok} | {median_pct} | {n(base)} | {fmt_ms(r)} |")
        result[cell] = {"backend": impl, "keys": int(keys), "changed": float(changed),
                        "checkpoint_ms": c and c[0], "bytes": b, "full_bytes": full, "base_bytes": base,
                        "written_percent_of_full": pct, "restore_ms": r and r[0]}
    md.append("")
    return md, result


def end_to_end_section(scores):
    md = ["## End to end: the exactly-once example (checkpoints every 200 ms)", "",
          "| backend | full checkpoints, events/s | incremental checkpoints, events/s |", "|---|---|---|"]
    e2e = {}
    for impl in ("heap", "rocksdb"):
        cols = []
        for key in (impl, impl + " incremental"):
            v = scores.get(("EndToEndBenchmark.exactlyOnce", key))
            if v:
                e2e[key] = 1e9 / v[0]
            cols.append(f"{e2e[key]:,.0f}" if v else "—")
        if any(c != "—" for c in cols):
            md.append(f"| {impl} | {cols[0]} | {cols[1]} |")
    md.append("")
    return md, e2e


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--mode", required=True)
    p.add_argument("--jvm", required=True)
    p.add_argument("--load-before", required=True)
    p.add_argument("--load-after", required=True)
    p.add_argument("json", nargs="+")
    args = p.parse_args()
    scores = load([p for p in args.json if not in_folder(p, "ttl") and not in_folder(p, "scaling")])
    ttl_md, ttl = ttl_section([p for p in args.json if in_folder(p, "ttl")])
    scaling_md, scaling = scaling_section([p for p in args.json if in_folder(p, "scaling")])
    m = machine(args)
    keys = "100000" if args.mode == "quick" else "1000000"
    md = [f"# Cairn vs Flink 2.3.0 state backends — {args.mode} run, {os.path.basename(args.out)}", "",
          f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['memory_gib']} GiB, Linux {m['kernel']}; "
          f"JVM: {m['jvm']}; commit {m['commit']}.",
          f"Load average (1/5/15 min) before: {m['load_before']}, after: {m['load_after']}.",
          f"{'1e5, 1e6 and 1e7' if args.mode == 'scaling' else f'{int(keys):,}'} `Long` keys, `Long` values, lists and maps of 10, max parallelism 128, "
          "`setCurrentKey` before every access, keys drawn from a pre-boxed random sequence; RocksDB "
          f"backends with a {512} MiB budget (block cache + write-buffer manager charged to it), "
          "flushed and compacted after filling; then every key's state read once, so measuring starts with "
          "the block cache loaded. " + generation(args.json) + "Throughput: each Cairn cell ran at the same time as its Flink cell, each "
          "JVM pinned to a core of its own (one core for its benchmark, G1 and JIT threads), then again with "
          "the cores swapped (`benchmarks/pair.sh`); a cell is the mean of its rounds' medians (of the measured "
          "iterations) ± half their range, and a ratio is of these means (one core of this VM often runs "
          "1.3–2× slower than the other). "
          "Checkpoints: one fork per cell, one after the other, ± JMH's 99.9% error.",
          "",
          "| op | Cairn heap | Flink heap | heap ratio (≥ 1.5) | Cairn RocksDB | Flink RocksDB | RocksDB ratio (≥ 1.3) "
          "| Cairn heap / ceiling (≥ 0.5) | Cairn RocksDB / ceiling (≥ 0.5) |",
          "|---|---|---|---|---|---|---|---|---|"]
    rows = []
    for label, bench, heap_c, rocks_c in OPS:
        ch, fh = scores.get((bench, "cairn-heap")), scores.get((bench, "flink-heap"))
        cr, fr = scores.get((bench, "cairn-rocksdb")), scores.get((bench, "flink-rocksdb"))
        hc, rc = ceiling(scores, "hashmap", heap_c), ceiling(scores, "rocksdb", rocks_c)
        hr, hr_v = ratio(ch, fh and fh[0], TARGETS["heap"])
        rr, rr_v = ratio(cr, fr and fr[0], TARGETS["rocksdb"])
        hcr, hcr_v = ratio(ch, hc, TARGETS["ceiling"])
        rcr, rcr_v = ratio(cr, rc, TARGETS["ceiling"])
        md.append(f"| {label} | {kops(ch)} | {kops(fh)} | {hr} | {kops(cr)} | {kops(fr)} | {rr} "
                  f"| {hcr} (vs {heap_c}) | {rcr} (vs {rocks_c}) |")
        rows.append({"op": label, "benchmark": bench,
                     "ops_per_s": {k: v and {"score": v[0], "error": v[1]} for k, v in
                                   [("cairn-heap", ch), ("flink-heap", fh), ("cairn-rocksdb", cr), ("flink-rocksdb", fr)]},
                     "heap_ratio": hr_v, "rocksdb_ratio": rr_v, "heap_vs_ceiling": hcr_v, "rocksdb_vs_ceiling": rcr_v,
                     "ceilings": {"hashmap " + heap_c: hc, "rocksdb " + rocks_c: rc}})
    rows_md = []
    for label, bench, _, _ in OPS:
        cw, fr = scores.get((bench, "cairn-rocksdb-rows")), scores.get((bench, "flink-rocksdb"))
        if cw:
            wr, wr_v = ratio(cw, fr and fr[0], TARGETS["rocksdb"])
            rows_md.append(f"| {label} | {kops(cw)} | {kops(scores.get((bench, 'cairn-rocksdb')))} | {kops(fr)} | {wr} |")
            next(r for r in rows if r["benchmark"] == bench)["ops_per_s"]["cairn-rocksdb-rows"] = \
                {"score": cw[0], "error": cw[1]}
    if rows_md:
        md += ["", "Cairn RocksDB with its opt-in row cache (`RocksDbStateBackend.builder(..).cacheRows()`, rows charged "
               "to the same 512 MiB): for state whose hot keys fit in the cache; with 1e7 map entries it evicts "
               "blocks and map reads slow down.", "",
               "| op | Cairn RocksDB + rows | Cairn RocksDB | Flink RocksDB | ratio (≥ 1.3) |", "|---|---|---|---|---|"]
        md += rows_md
    md += ["", "Ceilings (k ops/s): " + ", ".join(
        f"{store} {op} {kops(scores.get(('CeilingBenchmark.' + op, store)))}"
        for store in ("hashmap", "rocksdb") for op in ("get", "put", "merge")) +
        ". `get+put` is the combined rate of one get and one put (a read-modify-write).", ""]
    md += ttl_md

    md += ["## Checkpoints of one `ValueState` (ms, one shot each; bytes written)", "",
           "| backend | synchronous part (< 5 ms) | full checkpoint | bytes | restore |", "|---|---|---|---|---|"]
    checkpoints = {}
    for impl in ("cairn-heap", "flink-heap", "cairn-rocksdb", "flink-rocksdb"):
        s = scores.get(("CheckpointBenchmark.synchronousPart", impl))
        c = scores.get(("CheckpointBenchmark.checkpoint", impl))
        r = scores.get(("CheckpointBenchmark.restore", impl))
        if not (s or c or r):
            continue
        b = c[3].get("bytes") if c else None
        fmt = lambda v: "—" if v is None else f"{v[0]:,.1f} ± {v[1]:,.1f}" if v[1] == v[1] else f"{v[0]:,.1f}"
        ok = "" if not s else (" ✓" if s[0] < 5 else " ✗")
        md.append(f"| {impl} | {fmt(s)}{ok} | {fmt(c)} | {'—' if b is None else f'{b:,.0f}'} | {fmt(r)} |")
        checkpoints[impl] = {"sync_ms": s and s[0], "total_ms": c and c[0], "bytes": b, "restore_ms": r and r[0]}

    incremental_md, incremental = incremental_section(scores)
    md += incremental_md
    e2e_md, e2e = end_to_end_section(scores)
    md += e2e_md
    if not scores:  # a TTL-only or scaling run (run.sh --ttl, --scaling): the header and their tables
        md = md[:6] + ttl_md + scaling_md
    with open(args.out + ".md", "w") as f:
        f.write("\n".join(md))
    with open(args.out + ".json", "w") as f:
        json.dump({"machine": m, "keys": int(keys), "ops": rows, "ttl": ttl, "scaling": scaling, "checkpoints": checkpoints,
                   "incremental_checkpoints": incremental,
                   "end_to_end_events_per_s": e2e,
                   "raw": [{"benchmark": k[0], "impl": k[1], "score": v[0], "error": v[1], "unit": v[2],
                            "secondary": v[3]} for k, v in sorted(scores.items())]}, f, indent=1)


if __name__ == "__main__":
    main()
