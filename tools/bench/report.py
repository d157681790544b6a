"""The tables `make bench` writes into docs/PERFORMANCE.md, between its two markers; the
prose around them (method, changes made, before and after) is kept as written."""

import re

BEGIN = "<!-- bench:begin (written by make bench; edits here are lost) -->"
END = "<!-- bench:end -->"

# The budget of issue "Performance": ratios to the SDK floor, memory, callback rate.
COLD_BUDGET = 1.25
RSS_BUDGET_MB = 32
CALLBACK_BUDGET = 25


def mb(n):
    return f"{n / 1_000_000:.1f}"


def tables(s, trips):
    m = s["machine"]
    floor = s["coldStartMs"]["sdkFloor"]
    lines = [
        f"Measured {m['date']} on {m['cpu']} ({m['cpus']} cores, {m['memoryGiB']} GiB), Linux {m['kernel']}, "
        f"{m['rustc']}. Medians of {s['runs']['coldStarts']} cold starts per binary (binaries taking turns), "
        f"{s['runs']['warmInvocations']} warm invocations per process, {s['runs']['callback']} callback rounds.",
        "",
        "### Cold start, memory, size",
        "",
        "| binary | init ms | first answer ms | ÷ SDK floor | warm ms | first − warm, ÷ SDK floor's | peak RSS MB | arm64 MB (zip) | x86_64 MB (zip) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    names = [n for n in s["coldStartMs"] if n not in ("hello", "sdkFloor")] + ["hello", "sdkFloor"]
    for n in names:
        c = s["coldStartMs"][n]
        ratio = c["first"] / floor["first"]
        warm = s["warmMs"][n]
        net = (c["first"] - warm) / (floor["first"] - s["warmMs"]["sdkFloor"])
        flag = "" if net <= COLD_BUDGET or n == "hello" else " ✗"
        rss = s["peakRssMb"][n]
        size, zipped = s["binaryBytes"][n], s["zipBytes"][n]
        shown = {"hello": "hello-world (reference)", "sdkFloor": "SDK floor (reference)"}.get(n, f"`{n}`")
        lines.append(
            f"| {shown} | {c['init']:.1f} | {c['first']:.1f} | {ratio:.2f} | {warm:.2f} | {net:.2f}{flag} "
            f"| {rss:.1f}{'' if rss < RSS_BUDGET_MB else ' ✗'} | {mb(size['arm64'])} ({mb(zipped['arm64'])}) "
            f"| {mb(size['x86_64'])} ({mb(zipped['x86_64'])}) |")
    lines += [
        "",
        "### DynamoDB round trips per route",
        "",
        "| route | measured | minimum | why |",
        "|---|---:|---:|---|",
    ]
    for r in trips:
        flag = "" if r["measured"] <= r["minimum"] else " (above: see why)"
        lines.append(f"| `{r['label']}` | {r['measured']}{flag} | {r['minimum']} | {r['why']} |")
    cb = s["callbackPerSecond"]
    ratio = cb["ours"] / cb["wechatpy"]
    whole = s["callbackSustainedPerSecond"]
    lines += [
        "",
        "### WeChat callback: verify + decrypt + parse + reply, one core",
        "",
        "Messages per second, medians over the rounds: each run's fastest 100-ms window (what the"
        " budget compares) and its whole length.",
        "",
        "| | fastest window | whole run |",
        "|---|---:|---:|",
        f"| ours | {cb['ours']:,} | {whole['ours']:,} |",
        f"| wechatpy 1.8.18 | {cb['wechatpy']:,} | {whole['wechatpy']:,} |",
        f"| ratio | {ratio:.1f}×{'' if ratio >= CALLBACK_BUDGET else ' ✗ (budget 25×)'} | {whole['ours'] / whole['wechatpy']:.1f}× |",
    ]
    r = s["callbackRoundRatios"]
    lines += ["", f"Each round's ratio (fastest windows): median {r['median']}×, from {r['min']}× to {r['max']}×."]
    return "\n".join(lines)


def write_report(summary, trips, path):
    text = tables(summary, trips)
    doc = path.read_text() if path.exists() else f"# Performance\n\n{BEGIN}\n{END}\n"
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if not pattern.search(doc):
        doc += f"\n{BEGIN}\n{END}\n"
    path.write_text(pattern.sub(lambda _: f"{BEGIN}\n{text}\n{END}", doc))
    return text
