#!/usr/bin/env python3
# Counts the nodes of an ONNX graph by op type (subgraphs included), e.g. to see what an exporter change removed:
#   bench/onnx-op-counts.py models/default/model.onnx
# A minimal protobuf wire reader, so it needs no onnx package (this machine has none).
import sys, collections
def varint(b, i):
    r = s = 0
    while True:
        c = b[i]; i += 1; r |= (c & 0x7f) << s; s += 7
        if c < 0x80: return r, i
def fields(b):
    i, n = 0, len(b)
    while i < n:
        k, i = varint(b, i); f, t = k >> 3, k & 7
        if t == 0: v, i = varint(b, i)
        elif t == 1: v = b[i:i+8]; i += 8
        elif t == 5: v = b[i:i+4]; i += 4
        elif t == 2: l, i = varint(b, i); v = b[i:i+l]; i += l
        else: raise ValueError(t)
        yield f, t, v
def graph(g, cnt, depth=0):
    for f, t, v in fields(g):
        if f == 1:  # node
            op = None
            for nf, nt, nv in fields(v):
                if nf == 4: op = nv.decode()
                if nf == 5:  # attribute: g=6, graphs=11
                    for af, at, av in fields(nv):
                        if af in (6, 11) and at == 2: graph(av, cnt, depth+1)
            cnt[op] += 1
            if depth: cnt['(in subgraphs)'] += 1
m = open(sys.argv[1], 'rb').read()
cnt = collections.Counter()
for f, t, v in fields(m):
    if f == 7: graph(v, cnt)
tot = sum(v for k, v in cnt.items() if not k.startswith('('))
print(f"{sys.argv[1]}: {tot} nodes")
for k, v in cnt.most_common(): print(f"  {k:24s} {v}")
