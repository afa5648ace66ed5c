"""Prints the benchmark's table of medians from target/bench/results.jsonl (bench/run.sh).

Usage: python3 bench/report.py RESULTS [--strict]
Exits non-zero when the benchmark is broken: a scenario of a target missing or delivering no
events; with --strict (the quick mode in CI) also when any connection failed or any request went
unanswered. Numbers themselves never fail it.
"""
import json
import statistics
import sys

rows = [json.loads(line) for line in open(sys.argv[1])]
strict = "--strict" in sys.argv
targets = list(dict.fromkeys(r["target"] for r in rows))
order = ["agentwire", "agentwire-think3", "bare", "node-ws", "spring"]
targets.sort(key=lambda t: order.index(t) if t in order else len(order))


def runs(target, scenario):
    return [r for r in rows if r["target"] == target and r["scenario"] == scenario]


def med(target, scenario, key):
    values = [r[key] for r in runs(target, scenario) if r.get(key) is not None]
    return statistics.median(values) if values else float("nan")


def table(title, scenario, columns):
    print(f"\n{title}\n")
    print("| target | " + " | ".join(c[0] for c in columns) + " | noisy rounds |")
    print("| --- " * (len(columns) + 2) + "|")
    for t in targets:
        cells = [fmt.format(fn(t)) for _, fn, fmt in columns]
        noisy = sum(bool(r.get("noisy")) for r in runs(t, scenario))
        print(f"| {t} | " + " | ".join(cells) + f" | {noisy}/{len(runs(t, scenario))} |")


def conns(scenario):
    found = {r["connections"] for r in rows if r["scenario"] == scenario}
    return "/".join(f"{c:,}" for c in sorted(found)) or "?"


base = med("agentwire", "saturate", "events_per_s") if "agentwire" in targets else float("nan")
sat = lambda k: (lambda t: med(t, "saturate", k))
table(f"saturation: {conns('saturate')} connections, events/s with the server on one core", "saturate", [
    ("events/s", sat("events_per_s"), "{:,.0f}"),
    ("ratio to AgentWire", lambda t: med(t, "saturate", "events_per_s") / base, "{:.2f}"),
    ("CPU µs/event", sat("cpu_us_per_event"), "{:.1f}"),
    ("events/frame", sat("events_per_frame"), "{:.2f}"),
    ("p50 ms", sat("p50_ms"), "{:.1f}"),
    ("p99 ms", sat("p99_ms"), "{:.1f}"),
    ("RSS MB", sat("rss_end_mb"), "{:.0f}"),
])
rate = lambda k: (lambda t: med(t, "rate", k))
table(f"fixed rate: {conns('rate')} connections × 1 request/s (5 events each)", "rate", [
    ("events/s", rate("events_per_s"), "{:,.0f}"),
    ("CPU µs/event", rate("cpu_us_per_event"), "{:.1f}"),
    ("events/frame", rate("events_per_frame"), "{:.2f}"),
    ("p50 ms", rate("p50_ms"), "{:.2f}"),
    ("p99 ms", rate("p99_ms"), "{:.2f}"),
    ("p99.9 ms", rate("p999_ms"), "{:.2f}"),
    ("request p99 ms", rate("rtt_p99_ms"), "{:.2f}"),
])
hold = lambda k: (lambda t: med(t, "hold", k))
table(f"hold: {conns('hold')} connections × 1 request per 10 s, fresh server", "hold", [
    ("connect all s", hold("connect_s"), "{:.1f}"),
    ("handshake p99 ms", hold("handshake_p99_ms"), "{:.0f}"),
    ("open at end", hold("open_at_end"), "{:,.0f}"),
    ("events/s", hold("events_per_s"), "{:,.0f}"),
    ("p99 ms", hold("p99_ms"), "{:.2f}"),
    ("KB per connection", hold("kb_per_connection"), "{:.1f}"),
])

broken = []
for t in targets:
    for scenario in ("saturate", "rate", "hold"):
        found = runs(t, scenario)
        if not found or any(r["events"] == 0 for r in found):
            broken.append(f"{t} {scenario}: no events")
        for r in found:
            trouble = r["errors"] or r["unanswered"] or r["open_at_end"] < r["connections"]
            if trouble:
                message = (f"{t} {scenario} round {r['round']}: {r['errors']} errors, {r['unanswered']} unanswered, "
                           f"{r['open_at_end']}/{r['connections']} open at the end")
                print("warning: " + message, file=sys.stderr)
                if strict:
                    broken.append(message)
if broken:
    sys.exit("the benchmark is broken: " + "; ".join(broken))
