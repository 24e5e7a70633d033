#!/usr/bin/env bash
# The PDF report's time against the length of notes (docs/performance.md): a session of
# 15 dates, 14 check-ins with a note of N characters each, five exports per N.
# Usage: B=target/debug/aftercare benches/pdf-note-length.sh
set -euo pipefail
B=${B:-target/release/aftercare}
NOW=2026-12-06T10:00:00+01:00
for n in 400 1000 4000; do
  d=$(mktemp -d)
  TZ=Europe/Berlin $B --data-dir $d --now $NOW session add --date 2026-11-20 --end-time 15:30 --areas left-calf-back >/dev/null
  note=$(python3 -c "import sys; w='aftercare '; print((w*($n//len(w)+1))[:$n].strip())")
  for day in $(seq 21 30) ; do
    TZ=Europe/Berlin $B --data-dir $d --now $NOW checkin --date 2026-11-$day --day worn --night worn --note "$note" >/dev/null
  done
  for day in 1 2 3 4; do
    TZ=Europe/Berlin $B --data-dir $d --now $NOW checkin --date 2026-12-0$day --day worn --night worn --note "$note" >/dev/null
  done
  start=$(date +%s%N)
  for i in 1 2 3 4 5; do TZ=Europe/Berlin $B --data-dir $d --now $NOW export --format pdf --out $d/r.pdf >/dev/null; done
  end=$(date +%s%N)
  echo "note_chars=$n export_pdf_ms=$(( (end-start)/5000000 )) pdf_bytes=$(stat -c %s $d/r.pdf)"
done
