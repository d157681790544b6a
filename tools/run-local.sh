#!/usr/bin/env bash
# Starts the local stack: moto on 127.0.0.1:8000 (unless something already listens there),
# then tables, demo data, the WeChat sandbox and the API, in the foreground. Ctrl-C stops
# everything this script started.
set -euo pipefail
cd "$(dirname "$0")/.."

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if listening 8000; then
  echo "Something already listens on 127.0.0.1:8000; using it as the DynamoDB-compatible server."
else
  mkdir -p target
  .venv/bin/python tools/moto-server.py -H 127.0.0.1 -p 8000 > target/moto.log 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do listening 8000 && break; sleep 0.1; done
  listening 8000 || { echo "moto did not start; see target/moto.log" >&2; exit 1; }
  echo "Started moto on 127.0.0.1:8000 (log: target/moto.log)."
fi

for port in 3000 3001; do
  if listening "$port"; then echo "Port $port is taken; stop what uses it first." >&2; exit 1; fi
done

target/debug/fingertip-cli up &
pids+=($!)
wait "${pids[-1]}"
