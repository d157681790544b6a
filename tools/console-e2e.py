#!/usr/bin/env python3
"""The console's browser tests against a local stack of their own.

Starts moto and `fingertip-cli up` on ports of their own (so `make run` may keep running),
with the stack's clock moved by libfaketime to 10:00 in Shanghai on the next working day
after today: a day the hall is open with bookable slots left, whatever the hour the tests
run at. The browser keeps the real clock; the console takes its days from the server. Then
runs console/e2e/run.mjs in Chromium and stops the stack.
"""

import datetime
import json
import os
import subprocess
import sys
import zoneinfo

from localstack import ROOT, environment, stop, up

PORTS = {"moto": 8140, "api": 3140, "sandbox": 3141}
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
FAKETIME_LIB = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
OFFSET_FILE = ROOT / "target" / "console-e2e.faketime"


def calendar():
    """Holidays and worked weekend days (调休) from the shipped calendar."""
    off, on = set(), set()
    for f in (ROOT / "shared" / "data" / "calendar").glob("*.json"):
        data = json.loads(f.read_text())
        for h in data["holidays"]:
            d = datetime.date.fromisoformat(h["from"])
            while d <= datetime.date.fromisoformat(h["to"]):
                off.add(d)
                d += datetime.timedelta(days=1)
        on.update(datetime.date.fromisoformat(w["date"]) for w in data["workdays"])
    return off, on


def next_working_day(after):
    off, on = calendar()
    d = after + datetime.timedelta(days=1)
    while not (d in on or (d.weekday() < 5 and d not in off)):
        d += datetime.timedelta(days=1)
    return d


def main():
    if not os.path.exists(FAKETIME_LIB):
        sys.exit(f"{FAKETIME_LIB} is missing: apt-get install faketime (make test installs it)")
    now = datetime.datetime.now(SHANGHAI)
    day = next_working_day(now.date())
    at = datetime.datetime.combine(day, datetime.time(10, 0), SHANGHAI)
    OFFSET_FILE.parent.mkdir(exist_ok=True)
    OFFSET_FILE.write_text(f"+{int((at - now).total_seconds())}\n")
    env = environment(PORTS, "e2e-")
    env["FINGERTIP_CONSOLE_DIR"] = str(ROOT / "console" / "dist")
    stack_env = {
        **env,
        "LD_PRELOAD": FAKETIME_LIB,
        "FAKETIME_TIMESTAMP_FILE": str(OFFSET_FILE),
        "FAKETIME_DONT_FAKE_MONOTONIC": "1",
    }
    # moto keeps the real clock: only the stack's process is moved.
    try:
        up(ROOT / "target" / "debug" / "fingertip-cli", PORTS, env, "console-e2e", stack_env=stack_env)
        run = subprocess.run(
            ["node", "console/e2e/run.mjs"],
            cwd=ROOT,
            env={**os.environ, "E2E_API": f"http://127.0.0.1:{PORTS['api']}", "E2E_TODAY": day.isoformat(),
                 "E2E_SANDBOX": f"http://127.0.0.1:{PORTS['sandbox']}"},
        )
    finally:
        stop()
    if run.returncode != 0:
        sys.exit(f"the console's browser tests failed; screenshots in target/console-e2e/, logs in target/console-e2e-*.log")


if __name__ == "__main__":
    main()
