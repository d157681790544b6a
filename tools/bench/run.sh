#!/usr/bin/env bash
# Runs the benchmarks and writes target/bench/summary.json. Usage: run.sh PYTHON
# Each figure is the median of five runs; ours and wechatpy alternate, so both see the same
# machine load.
set -euo pipefail
cd "$(dirname "$0")/../.."
python="$1"
out=target/bench
mkdir -p "$out"
cli=target/release/fingertip-cli
ours=()
theirs=()
for _ in 1 2 3 4 5; do
  ours+=("$("$cli" bench-callback --out "$out/callback-messages.json" --seconds 2)")
  theirs+=("$("$python" tools/bench/callback_wechatpy.py "$out/callback-messages.json" 2)")
done
"$python" - "$out" "${ours[@]}" -- "${theirs[@]}" <<'PY'
import json, statistics, sys, platform, os, datetime
out = sys.argv[1]
rest = sys.argv[2:]
split = rest.index("--")
ours = statistics.median(json.loads(x)["ours"] for x in rest[:split])
theirs = statistics.median(json.loads(x)["wechatpy"] for x in rest[split + 1:])
path = os.path.join(out, "summary.json")
summary = json.load(open(path)) if os.path.exists(path) else {}
summary["callbackPerSecond"] = {"ours": round(ours), "wechatpy": round(theirs)}
summary["machine"] = {"cpus": os.cpu_count(), "machine": platform.machine(), "date": datetime.date.today().isoformat()}
json.dump(summary, open(path, "w"), indent=2)
print(f"WeChat callback, verify + decrypt + parse + reply, one core (median of 5):")
print(f"  ours      {ours:>10,.0f} /s")
print(f"  wechatpy  {theirs:>10,.0f} /s")
print(f"  ratio     {ours / theirs:>10.1f}x")
PY
