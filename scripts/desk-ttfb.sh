#!/bin/bash
# Time to first byte of the editor desk pages on a site (docs/perf.md).
# usage: scripts/desk-ttfb.sh BINARY SITE PORT   (appends "x" to the first news page: use a copy)
BIN=$1; SITE=$2; PORT=$3
$BIN serve --root $SITE --port $PORT > /dev/null 2>&1 &
PID=$!
START=$(date +%s.%N)
until curl -s -o /dev/null "http://127.0.0.1:$PORT/"; do sleep 0.2; done
echo "serve answers after $(echo "$(date +%s.%N) - $START" | bc) s"
J=$(mktemp)
t() { curl -s -b $J -c $J -o /dev/null -w '%{http_code} %{time_starttransfer}\n' "http://127.0.0.1:$PORT$1"; }
echo "first /_desk/: $(t /_desk/)"
for i in 1 2 3 4 5; do echo "again /_desk/: $(t /_desk/)"; done
F=$(ls $SITE/content/news/*.md | grep -v _index | head -1); R=${F#$SITE/}
echo "edit $R: $(t "/_desk/edit?file=$R")"
echo "edit again: $(t "/_desk/edit?file=$R")"
echo "x" >> $F
echo "after a change /_desk/: $(t /_desk/)"
echo "then /_desk/: $(t /_desk/)"
kill $PID
