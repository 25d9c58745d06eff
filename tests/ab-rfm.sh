#!/bin/sh
# Paired A/B of the native RFM on one file: two `prisme` binaries run alternately, RUNS times
# each; prints each binary's median `rfm_ms` (from `prisme rfm --json`'s timings; another of
# them with METRIC, e.g. METRIC=ingest_ms) and its runs.
#   [METRIC=ingest_ms] tests/ab-rfm.sh BASE_BINARY NEW_BINARY FILE [RUNS]
set -eu
base=$1 new=$2 file=$3 runs=${4:-7} metric=${METRIC:-rfm_ms}
i=0
while [ "$i" -lt "$runs" ]; do
  for b in "$base" "$new"; do
    "$b" rfm --json "$file" 2>/dev/null |
      python3 -c "import json,sys; t=json.load(sys.stdin)['timings']; print('$b', t['$metric'])"
  done
  i=$((i + 1))
done | python3 -c "
import sys, statistics as st
d = {}
for line in sys.stdin:
    b, ms = line.rsplit(' ', 1)
    d.setdefault(b, []).append(float(ms))
for b, v in d.items():
    print(b, '$metric median %.0f' % st.median(v), sorted(round(x) for x in v))
"
