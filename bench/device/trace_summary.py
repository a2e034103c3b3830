#!/usr/bin/env python3
"""Summarises the traces of variants.py and window.py (trace_patch.py builds):
    python3 bench/device/trace_summary.py traces.txt
per run: the phases (ms from start), segment wall and CPU sums, key counting, merges, the
merging thread's waits, the workers' waits for a place in the window, and when the last
segments ended."""
import sys, collections
runs=[]; cur=None
for line in open(sys.argv[1]):
    p=line.split()
    if not p: continue
    if p[0]=='RUN': cur={'name':p[1],'t':int(p[2]),'wall':float(p[3]),'cpu':float(p[4]),'ev':[]}; runs.append(cur); continue
    cur['ev'].append((p[0],)+tuple(int(x) for x in p[1:]))
for r in runs:
    ev=r['ev']; ph={e[0]:e[1] for e in ev if len(e)>1 and e[0].isupper() and e[0] not in ('S','K','M','MW','WW')}
    S=[e for e in ev if e[0]=='S']; K=[e for e in ev if e[0]=='K']; M=[e for e in ev if e[0]=='M']; MW=[e for e in ev if e[0]=='MW']; WW=[e for e in ev if e[0]=='WW']
    first=min(e[2] for e in S); last=max(e[2]+e[3] for e in S)
    segw=sum(e[3] for e in S); segc=sum(e[4] for e in S)
    print(f"{r['name']} -j{r['t']}: wall {r['wall']*1e3:.0f} ms cpu {r['cpu']*1e3:.0f}; START {ph['START']/1e3:.1f} PLAN {ph['PLAN']/1e3:.1f} first-seg {first/1e3:.1f} last-seg-end {last/1e3:.1f} JOIN0 {ph['JOIN0']/1e3:.1f} JOIN1 {ph['JOIN1']/1e3:.1f} KEYS {ph['KEYS']/1e3:.1f} IDS {ph['IDS']/1e3:.1f} SCORED {ph['SCORED']/1e3:.1f} FINAL {ph['FINAL']/1e3:.1f} WRITTEN {ph['WRITTEN']/1e3:.1f}")
    print(f"   segments {len(S)}: wall sum {segw/1e3:.0f} ms cpu sum {segc/1e3:.0f} ms (cpu/wall {segc/segw:.2f}); per seg wall median {sorted(e[3] for e in S)[len(S)//2]/1e3:.2f} max {max(e[3] for e in S)/1e3:.2f}; keys wall {sum(e[2] for e in K)/1e3:.1f} cpu {sum(e[3] for e in K)/1e3:.1f}; merge wall {sum(e[3] for e in M)/1e3:.1f} cpu {sum(e[4] for e in M)/1e3:.1f}; main wait {sum(e[3] for e in MW)/1e3:.1f}; worker window-waits {len(WW)} total {sum(e[3] for e in WW)/1e3:.1f} ms")
    # per-segment starts last few / tail
    ends=sorted(e[2]+e[3] for e in S)
    print(f"   last 16 segment ends (ms): {[round(x/1e3) for x in ends[-16:]]}; last 3 merges end: {[round((e[2]+e[3])/1e3,1) for e in M[-3:]]}")
