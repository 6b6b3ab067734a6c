# Pools the isolation rounds of bench reports: python3 pool.py report.md [report.md ...]
# Prints, per layout, the ratio of the medians over all rounds, the median of the rounds own ratios, and a
# 90 % bootstrap interval of the ratio of the medians (rounds resampled as baseline/drain pairs, 10,000 times, seed 1).
import re,sys,random,statistics as st
rows={}
for f in sys.argv[1:]:
    for line in open(f):
        if not line.startswith('| PostgreSQL |') and not line.startswith('| SQLite |'): continue
        cells=[c.strip() for c in line.split('|')]
        if len(cells)<12 or not cells[3].isdigit() or "%" not in cells[9]: continue
        layout=cells[2]
        rounds=cells[9]
        for r in rounds.split(';'):
            m=re.match(r'\s*([\d,]+), ([\d,]+)',r)
            if not m: continue
            b=float(m.group(1).replace(',','')); w=float(m.group(2).replace(',',''))
            rows.setdefault(layout,[]).append((b,w))
random.seed(1)
for layout,pairs in rows.items():
    ratios=[w/b for b,w in pairs]
    bs=[b for b,_ in pairs]; ws=[w for _,w in pairs]
    rom=st.median(ws)/st.median(bs)
    boot=[]
    for _ in range(10000):
        s=[random.choice(pairs) for _ in pairs]
        boot.append(st.median([w for _,w in s])/st.median([b for b,_ in s]))
    boot.sort()
    print(f"{layout}: n={len(pairs)} ratio of medians {rom:.3f}, median of round ratios {st.median(ratios):.3f}, geo-mean {st.geometric_mean(ratios):.3f}, bootstrap 90% CI of ratio of medians [{boot[500]:.3f}, {boot[9500]:.3f}], rounds<95%: {sum(r<0.95 for r in ratios)}")
