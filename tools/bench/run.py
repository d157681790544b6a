"""make bench: every figure of docs/PERFORMANCE.md, measured side by side in one run.

Usage: run.py WECHATPY_PYTHON (everything below); run.py --costs (what reading secrets at
run time and tracing add to a cold start, `make bench-costs`); run.py --compare DIR (cold
starts of the binaries in DIR against the current ones). Expects the release builds `make
bench` makes first: the CLI (target/release) and every function plus the two reference
binaries through `cargo lambda build`, for arm64 and x86_64
(target/bench/lambda/ARCH/BIN/bootstrap). This machine runs the x86_64 ones.

1. Cold starts: each binary started afresh through the CLI's stand-in Runtime API
   (`fingertip-cli bench-runtime`) with its template environment for a local stack of the
   bench's own (moto + `fingertip-cli up`), a realistic first request waiting for it.
   Binaries take turns round by round, so all see the same machine; medians of COLD_RUNS.
2. Sizes: the stripped bootstrap per architecture, and the zip SAM would upload.
3. A warm process per binary answering WARM events back to back: its rate, and its peak RSS.
4. Round trips per route: tests/round_trips.rs counts them with the SDK interceptor and
   writes them (with each route's minimum and why) to target/bench/round-trips.json.
5. The WeChat callback beside wechatpy, alternating, medians of nine rounds (fastest window and whole run).
"""

import datetime
import io
import json
import os
import pathlib
import platform
import statistics
import subprocess
import sys
import urllib.request
import zipfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
from localstack import ROOT, environment, stop, up  # noqa: E402
from report import write_report  # noqa: E402

CLI = ROOT / "target" / "release" / "fingertip-cli"
OUT = ROOT / "target" / "bench"
LAMBDA = OUT / "lambda"
PORTS = {"moto": 8120, "api": 3120, "sandbox": 3121}
PREFIX = f"bench{os.getpid()}-"
ENV = environment(PORTS, PREFIX)
COLD_RUNS = int(os.environ.get("BENCH_COLD_RUNS", "10"))
WARM = int(os.environ.get("BENCH_WARM", "1000"))
ARCHS = ["arm64", "x86_64"]



def registry():
    """Every function's binary, from the registry (`fingertip-cli functions`)."""
    out = subprocess.run([str(CLI), "functions"], cwd=ROOT, capture_output=True, text=True, check=True)
    return sorted(f["binary"] for f in json.loads(out.stdout))


FUNCTIONS = registry()
REFERENCES = {"hello": "bench-hello", "sdkFloor": "bench-sdk-floor"}


def sample(name):
    return json.loads((ROOT / "events" / f"{name}.json").read_text())


def bearer(event, token):
    event.setdefault("headers", {})["authorization"] = f"Bearer {token}"
    return event


# The hall's day is Asia/Shanghai's, whatever the machine's clock zone.
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def today_in_shanghai():
    return datetime.datetime.now(SHANGHAI).date()


def next_weekday():
    day = today_in_shanghai() + datetime.timedelta(days=1)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def first_requests():
    """Each function's first request: what a user (or the schedule) most often sends it."""
    login = urllib.request.Request(
        f"http://127.0.0.1:{PORTS['api']}/v1/auth/wechat", method="POST",
        data=json.dumps({"code": f"bench-{os.getpid()}"}).encode(),
        headers={"content-type": "application/json"})
    citizen = json.loads(urllib.request.urlopen(login, timeout=30).read())["token"]
    staff = cli("token", "--role", "staff", "--dept", "RSJ").strip()
    clerk = cli("token", "--role", "window").strip()
    slots = sample("booking-slots")
    day = next_weekday().isoformat()
    slots["queryStringParameters"]["date"] = day
    slots["rawQueryString"] = f"date={day}&item=RSJ-0001"
    # The public figures of one department this month (the sample asks a year by item).
    stats = sample("evaluation-stats")
    today = today_in_shanghai()
    stats["queryStringParameters"] = {"dept": "RSJ", "from": today.replace(day=1).isoformat(), "to": today.isoformat()}
    stats["rawQueryString"] = "&".join(f"{k}={v}" for k, v in stats["queryStringParameters"].items())
    # The hall's board today, as a window clerk opens it all day.
    board = sample("hall-day")
    board["queryStringParameters"] = {"date": today.isoformat()}
    board["rawQueryString"] = f"date={today.isoformat()}"
    return {
        "auth": sample("auth-login"),
        "hall": bearer(board, clerk),
        "booking": slots,
        "booking-sweeper": sample("booking-sweeper-hourly"),
        "catalog": sample("catalog-item"),
        "deadline-sweeper": sample("deadline-sweeper-daily"),
        "evaluation": stats,
        "evaluation-sweeper": sample("evaluation-sweeper-daily"),
        # A department's 咨询投诉 desk, as its approvers open it through the day.
        "feedback": bearer(sample("feedback-staff"), staff),
        "notifier": sample("notifier-outbox-insert"),
        "progress": bearer(sample("progress-mine"), citizen),
        "submission": bearer(sample("submission-queue"), staff),
        # A department's 督办 orders, as its approvers check them.
        "supervision": bearer(sample("supervision-department-orders"), staff),
        "wechat-callback": sample("wechat-callback-oa-text-safe"),
        "bench-hello": sample("catalog-halls"),
        "bench-sdk-floor": sample("catalog-halls"),
    }


def cli(*args):
    return subprocess.run([str(CLI), *args], cwd=ROOT, env=ENV, capture_output=True, text=True,
                          check=True).stdout


def runtime(binary, event_file, cold, warm, directory=None, flags=()):
    extra = list(flags)
    if binary == "bench-sdk-floor":
        extra = ["--set", f"BENCH_TABLE={PREFIX}CitizensTable", "--set", "BENCH_KEY=bench"]
    out = subprocess.run(
        [str(CLI), "bench-runtime", "--function", binary, "--event", str(event_file),
         "--binary", str((directory or LAMBDA / "x86_64") / binary / "bootstrap"), "--cold", str(cold),
         "--warm", str(warm), "--log", str(OUT / "logs" / f"{binary}.log"), *extra],
        cwd=ROOT, env=ENV, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"bench-runtime {binary}: {out.stderr.strip()}")
    figures = json.loads(out.stdout)
    bad = [s for s in {**figures["coldStatuses"], **figures["warmStatuses"]} if s != "ok" and not s.startswith("2")]
    if bad:
        sys.exit(f"{binary} answered {bad}: {figures.get('firstAnswer')}; see target/bench/logs/{binary}.log")
    return figures


def event_files(binaries, events):
    """Each binary's first request as a file for bench-runtime (and a folder for its log)."""
    (OUT / "events").mkdir(parents=True, exist_ok=True)
    (OUT / "logs").mkdir(parents=True, exist_ok=True)
    files = {}
    for b in binaries:
        files[b] = OUT / "events" / f"{b}.json"
        files[b].write_text(json.dumps(events[b], ensure_ascii=False))
    return files


def cold_and_warm(binaries, events):
    files = event_files(binaries, events)
    starts = {b: [] for b in binaries}
    for _ in range(COLD_RUNS):
        for b in binaries:
            starts[b] += runtime(b, files[b], 1, 0)["cold"]
    warm = {}
    for b in binaries:
        warm[b] = runtime(b, files[b], 0, WARM)["warm"]
        print(f"  warm {b:20} {warm[b]['perSecond']:>8,.0f}/s  peak RSS {warm[b]['peakRssKb'] / 1024:.1f} MB")
    cold = {b: {"init": round(statistics.median(r["init_ms"] for r in starts[b]), 2),
                "first": round(statistics.median(r["first_ms"] for r in starts[b]), 2)} for b in binaries}
    return cold, warm


def overhead(cold, warm, b):
    """A first answer's time beyond what the same request takes a warm process."""
    return cold[b]["first"] - 1000 / warm[b]["perSecond"]


def sizes(binaries):
    out = {}
    for b in binaries:
        out[b] = {}
        for arch in ARCHS:
            data = (LAMBDA / arch / b / "bootstrap").read_bytes()
            buf = io.BytesIO()
            # SAM zips with Python's zipfile and deflate; the executable bit goes in the entry.
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
                info = zipfile.ZipInfo("bootstrap")
                info.external_attr = 0o755 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, data)
            out[b][arch] = len(data)
            out[b][f"{arch}Zip"] = len(buf.getvalue())
    return out


def round_trips():
    path = OUT / "round-trips.json"
    path.unlink(missing_ok=True)
    env = dict(os.environ, FINGERTIP_ROUND_TRIPS_JSON=str(path))
    subprocess.run(["cargo", "test", "-q", "-p", "fingertip-tests", "--test", "round_trips"],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return json.loads(path.read_text())


def per_route(trips):
    """Each route's count; where two samples share a route (the official account's pushes),
    the larger, with the larger minimum."""
    out = {}
    for r in trips:
        if r["route"]:
            seen = out.setdefault(r["route"], {"measured": 0, "minimum": 0})
            seen["measured"] = max(seen["measured"], r["measured"])
            seen["minimum"] = max(seen["minimum"], r["minimum"])
    return out


CALLBACK_ROUNDS = 9


def callback(python):
    """Ours and wechatpy's rates, taking turns. Each run reports its whole rate and its fastest
    100-ms window; the budget compares the fastest windows (other work on a shared machine only
    slows a run, by a fifth or more between rounds here), and both are kept."""
    messages = OUT / "callback-messages.json"
    ours, theirs = [], []
    for _ in range(CALLBACK_ROUNDS):
        ours.append(json.loads(cli("bench-callback", "--out", str(messages), "--seconds", "2")))
        out = subprocess.run([python, "tools/bench/callback_wechatpy.py", str(messages), "2"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout
        theirs.append(json.loads(out))

    def medians(key):
        return {"ours": round(statistics.median(o[key] for o in ours)),
                "wechatpy": round(statistics.median(t[key] for t in theirs))}

    ratios = sorted(o["best"] / t["best"] for o, t in zip(ours, theirs))
    return medians("best"), medians("sustained"), {"median": round(statistics.median(ratios), 1),
                                                   "min": round(ratios[0], 1), "max": round(ratios[-1], 1)}


def machine():
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
                 platform.processor())
    mem = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    return {"cpu": model, "cpus": os.cpu_count(), "memoryGiB": round(mem / 1024 / 1024), "kernel": platform.release(),
            "rustc": rustc, "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def compare(before):
    """Cold starts of the binaries in `before` (a copy of an earlier target/bench/lambda/x86_64)
    and of the current ones, alternating: the before and after of a change. A `before` built
    for a few functions (`cargo lambda build -p … -p bench-reference`) times only what it holds;
    the references' own drift between the two halves is the noise the ratios are read against."""
    binaries = [b for b in FUNCTIONS + list(REFERENCES.values()) if (before / b / "bootstrap").exists()]
    if not binaries:
        sys.exit(f"--compare: {before} holds no <binary>/bootstrap for any of this project's binaries")
    up(CLI, PORTS, ENV, "bench")
    files = event_files(binaries, first_requests())
    runs = {(b, w): [] for b in binaries for w in ("before", "after")}
    for _ in range(COLD_RUNS):
        for b in binaries:
            runs[(b, "before")] += runtime(b, files[b], 1, 0, before)["cold"]
            runs[(b, "after")] += runtime(b, files[b], 1, 0)["cold"]
    med = {k: {m: statistics.median(r[m] for r in v) for m in ("init_ms", "first_ms")} for k, v in runs.items()}
    print(f"| binary | init before → after ms | first answer before → after ms | after ÷ before |")
    print("|---|---:|---:|---:|")
    for b in binaries:
        x, y = med[(b, "before")], med[(b, "after")]
        print(f"| `{b}` | {x['init_ms']:.1f} → {y['init_ms']:.1f} | {x['first_ms']:.1f} → {y['first_ms']:.1f} "
              f"| {y['first_ms'] / x['first_ms']:.2f} |")
    (OUT / "compare.json").write_text(json.dumps({f"{b} {w}": v for (b, w), v in med.items()}, indent=2))


# What reading secrets at run time and tracing every call add to a cold start, each alone and
# together, measured on the same binaries in the same rounds (`run.py --costs`).
COST_VARIANTS = {
    "neither": ["--secrets-given", "--untraced"],
    "secrets": ["--untraced"],
    "tracing": ["--secrets-given"],
    "both": [],
}
COST_BINARIES = os.environ.get("BENCH_COST_BINARIES", "auth catalog submission notifier").split()


def costs():
    up(CLI, PORTS, ENV, "bench")
    files = event_files(COST_BINARIES, first_requests())
    runs = {(b, v): [] for b in COST_BINARIES for v in COST_VARIANTS}
    for _ in range(COLD_RUNS):
        for b in COST_BINARIES:
            for v, flags in COST_VARIANTS.items():
                runs[(b, v)] += runtime(b, files[b], 1, 0, flags=flags)["cold"]
    med = {k: {m: statistics.median(r[m] for r in v) for m in ("init_ms", "first_ms")} for k, v in runs.items()}
    print("| binary | neither: init / first answer ms | secrets at run time | tracing | both | both ÷ neither |")
    print("|---|---:|---:|---:|---:|---:|")
    for b in COST_BINARIES:
        cells = [f"{med[(b, v)]['init_ms']:.1f} / {med[(b, v)]['first_ms']:.1f}" for v in COST_VARIANTS]
        ratio = med[(b, "both")]["first_ms"] / med[(b, "neither")]["first_ms"]
        print(f"| `{b}` | {' | '.join(cells)} | {ratio:.2f} |")
    (OUT / "costs.json").write_text(json.dumps({f"{b} {v}": m for (b, v), m in med.items()}, indent=2))


def main():
    if sys.argv[1] == "--compare":
        return compare(pathlib.Path(sys.argv[2]))
    if sys.argv[1] == "--costs":
        return costs()
    python = sys.argv[1]
    binaries = FUNCTIONS + list(REFERENCES.values())
    up(CLI, PORTS, ENV, "bench")
    print(f"cold starts: {len(binaries)} binaries, {COLD_RUNS} rounds; then {WARM} warm invocations each")
    cold, warm = cold_and_warm(binaries, first_requests())
    stop()
    print("round trips per route (tests/round_trips.rs)")
    trips = round_trips()
    print("WeChat callback beside wechatpy")
    calls, sustained, round_ratios = callback(python)
    floor = cold["bench-sdk-floor"]["first"]
    # The references appear under their short names: "hello" and "sdkFloor".
    label = {b: next((k for k, v in REFERENCES.items() if v == b), b) for b in binaries}
    size = sizes(binaries)
    summary = {
        "coldStartRatio": {f: round(cold[f]["first"] / floor, 3) for f in FUNCTIONS},
        # The local store (moto, in Python) takes milliseconds per request where DynamoDB
        # takes one or two, and more the more data it returns: a first answer is mostly the
        # store's time. Take away the same request's warm time and what is left is the cost
        # of starting cold, comparable between binaries whatever their first request reads.
        "coldStartOverheadRatio": {f: round(overhead(cold, warm, f) / overhead(cold, warm, "bench-sdk-floor"), 3)
                                   for f in FUNCTIONS},
        "warmMs": {label[b]: round(1000 / warm[b]["perSecond"], 3) for b in binaries},
        "coldStartMs": {label[b]: cold[b] for b in binaries},
        "binaryBytes": {label[b]: {a: size[b][a] for a in ARCHS} for b in binaries},
        "zipBytes": {label[b]: {a: size[b][f"{a}Zip"] for a in ARCHS} for b in binaries},
        "peakRssMb": {label[b]: round(warm[b]["peakRssKb"] / 1024, 1) for b in binaries},
        "warmPerSecond": {label[b]: round(warm[b]["perSecond"]) for b in binaries},
        "roundTrips": per_route(trips),
        "roundTripsPerRun": {r["sample"]: {"measured": r["measured"]} for r in trips if not r["route"]},
        "callbackPerSecond": calls,
        "callbackSustainedPerSecond": sustained,
        "callbackRoundRatios": round_ratios,
        "machine": machine(),
        "runs": {"coldStarts": COLD_RUNS, "warmInvocations": WARM, "callback": CALLBACK_ROUNDS},
    }
    (OUT / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    report = write_report(summary, trips, ROOT / "docs" / "PERFORMANCE.md")
    print(report)


if __name__ == "__main__":
    try:
        main()
    finally:
        stop()
