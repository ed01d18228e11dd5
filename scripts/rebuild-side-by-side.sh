#!/usr/bin/env bash
# The four builds side by side — clean / unchanged / title changed / article added — for
# wenming (compressed twins on, the default), wenming (twins off) and Hugo, alternating, RUNS
# rounds; prints wall/user/sys seconds and peak RSS of each, and what wenming rendered.
#
#   scripts/rebuild-side-by-side.sh WENMING_BIN [RUNS] [CORPORA] [OUT]
#
# CORPORA (default /tmp/speed-c) holds three sites made with ../shared/bench/ (see its README):
#   wenming/  site.yaml + gen_corpus.py --flavor wenming --pages 10000 --seed 20240501
#   wnc/      the same, with `output: {compress: false}` appended to site.yaml
#   hugo/     hugo-site/ + gen_corpus.py --flavor hugo (same pages)
# OUT (default /dev/shm/speed-bench) is where the outputs go (tmpfs). docs/perf.md has figures.
set -u
W=$1; RUNS=${2:-3}; C=${3:-/tmp/speed-c}; O=${4:-/dev/shm/speed-bench}
export WENMING_NOW=2026-11-30T12:00:00+08:00
mkdir -p $O
run() { # tool build
  local tool=$1 b=$2 root cmd out
  case $tool in
    wenming|wnc) root=$C/$tool; out=$O/$tool
       cmd=("$W" build --root "$root" --output "$out");;
    hugo) root=$C/hugo; out=$O/hugo; cmd=(hugo --quiet --source "$root" --destination "$out");;
  esac
  case $b in
    clean) rm -rf "$out" "$root/.wenming" "$root/resources";;
    title) if [ $tool = hugo ]; then sed -i "s/^title = .*/title = \"云川市文明城市创建网（第$r版）\"/" $root/hugo.toml
           else sed -i "s/^title: .*/title: \"云川市文明城市创建网（第$r版）\"/" $root/site.yaml; fi;;
    added) f=$(ls $root/content/news/*.md | grep -v -e _index -e bench-added | head -1)
           sed "0,/^title: /s/^title: \"/title: \"新增$r·/; 0,/^title = /s/^title = \"/title = \"新增$r·/" "$f" > $root/content/news/bench-added-$r.md;;
  esac
  /usr/bin/time -o $O/time -f "%e %U %S %M" "${cmd[@]}" > $O/$tool.log 2>/dev/null
  local t; t=$(tail -1 $O/time)
  local said; said=$(grep -o "渲染 [0-9]* 个网页，[0-9]* 个沿用上次构建" $O/$tool.log)
  echo "run=$r tool=$tool build=$b wall/user/sys/rssKB=$t load=$(cut -d' ' -f1 /proc/loadavg) $said"
}
for r in $(seq 1 $RUNS); do
  for tool in wenming wnc hugo; do
    for b in clean unchanged title added; do run $tool $b; done
  done
done
