#!/usr/bin/env python3
"""Flat view of an async-profiler collapsed file: the top self frames and the top frames by
inclusive samples (a frame counted once per stack), as percentages of all samples.
usage: top_frames.py FILE.collapsed [N]"""
import sys
from collections import Counter

path, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 15
self_, incl, total = Counter(), Counter(), 0
with open(path) as f:
    for line in f:
        stack, _, count = line.rstrip().rpartition(' ')
        count = int(count)
        frames = stack.split(';')
        total += count
        self_[frames[-1]] += count
        for frame in set(frames):
            incl[frame] += count
print(f'{path}: {total} samples')
for title, counter in (('self', self_), ('inclusive', incl)):
    print(f'-- {title}')
    for frame, count in counter.most_common(n):
        print(f'{100 * count / total:5.1f} %  {frame[:150]}')
