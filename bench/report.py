#!/usr/bin/env python3
"""The benchmark's results: bench/run's measurements (one JSON object per
line) into one JSON document, and the table of doc/performance.md on
standard output, with each target and whether this run met it."""

import argparse
import json
import os
import platform
import time


def machine():
    """What the run ran on."""
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    return {"cpus": os.cpu_count(), "cpu_model": model,
            "memory_mb": mem_kb // 1024, "kernel": platform.release()}


def pick(runs, kind, connections=None):
    """The one measurement of a kind (and connection count), or None."""
    for r in runs:
        if r["kind"] == kind and (connections is None
                                  or r.get("connections") == connections):
            return r
    return None


def ratio(a, b):
    return round(a / b, 3) if a and b else None


def fmt(v, digits=1):
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:,.{digits}f}"
    return f"{v:,}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("out")
    ap.add_argument("--smoke", type=int, default=0)
    ap.add_argument("--pool", type=int)
    ap.add_argument("--duration", type=int)
    ap.add_argument("--data")
    ap.add_argument("--month")
    ap.add_argument("--server")
    a = ap.parse_args()
    with open(a.results) as f:
        runs = [json.loads(line) for line in f if line.strip()]

    verify = pick(runs, "verify")
    verify_us = verify and verify["cpu_us_per_verify"]
    shifts = []
    for r in runs:
        if r["kind"] != "shift":
            continue
        n = r["connections"]
        ceiling, floor = pick(runs, "ceiling", n), pick(runs, "floor", n)
        kept = pick(runs, "kept", n)
        minimal = pick(runs, "minimal", n)
        minimal_us = minimal and minimal.get("cpu_us_per_request")
        # What a signed request cannot avoid: one verify, one evhttp reply.
        unavoidable = (round(verify_us + minimal_us, 1)
                       if verify_us and minimal_us else None)
        shifts.append({
            "connections": n, "daemon_rps": r["rps"],
            "p50_ms": r["p50_ms"], "p99_ms": r["p99_ms"],
            "ceiling_tps": ceiling and ceiling["tps"],
            "ratio": ratio(r["rps"], ceiling and ceiling["tps"]),
            "floor_tps": floor and floor["tps"],
            "ceiling_over_floor": ratio(ceiling and ceiling["tps"],
                                        floor and floor["tps"]),
            # The least that keeps the guarantees (bench/kept.sql).
            "kept_tps": kept and kept["tps"],
            "kept_over_floor": ratio(kept and kept["tps"],
                                     floor and floor["tps"]),
            "ceiling_over_kept": ratio(ceiling and ceiling["tps"],
                                       kept and kept["tps"]),
            "cpu_us_per_request": r.get("cpu_us_per_request"),
            "verify_cpu_us": verify_us,
            "minimal_evhttp_cpu_us_per_request": minimal_us,
            "unavoidable_cpu_us": unavoidable,
            "cpu_over_unavoidable": ratio(r.get("cpu_us_per_request"),
                                          unavoidable),
            "peak_rss_kb": r.get("peak_rss_kb"),
            "machine_busy": r.get("machine_busy"),
            "failed": r["failed"],
            # pgbench transactions that wrote no shift (a refusal)
            "ceiling_unwritten": ceiling and ceiling["transactions"] - ceiling["written"],
            "floor_unwritten": floor and floor["transactions"] - floor["written"],
            "kept_unwritten": kept and kept["transactions"] - kept["written"]})
    signups = []
    for r in runs:
        if r["kind"] != "signup":
            continue
        n = r["connections"]
        ceiling = pick(runs, "signup_ceiling", n)
        signups.append({
            "connections": n, "daemon_rps": r["rps"],
            "p50_ms": r["p50_ms"], "p99_ms": r["p99_ms"],
            "ceiling_tps": ceiling and ceiling["tps"],
            "ratio": ratio(r["rps"], ceiling and ceiling["tps"]),
            "cpu_us_per_request": r.get("cpu_us_per_request"),
            "failed": r["failed"],
            "ceiling_unwritten": ceiling and ceiling["transactions"] - ceiling["written"]})
    pages = [r for r in runs if r["kind"] == "page"]
    # the two histories' balance reads, measured in turn (bench/run)
    # (none with --db, and no ratio if a run had no answer)
    smalls, fulls = ([r for r in runs if r["kind"] == "balance_small_history"],
                     [r for r in runs if r["kind"] == "balance_full_history"])
    in_turn = bool(smalls and fulls) and all(
        r["p50_ms"] is not None for r in smalls + fulls)
    rc, rcity, rpage, idle = (pick(runs, "report_community"),
                              pick(runs, "report_city"),
                              pick(runs, "report_page"), pick(runs, "idle"))
    # the same community's volunteer level (a station's list of its
    # volunteers), the month open
    rv = pick(runs, "report_volunteers")
    # the same month's city report and pages before its close (computed),
    # and the close itself (which stores what the closed month's read)
    rcity_open, rpage_open, close = (pick(runs, "report_city_open"),
                                     pick(runs, "report_page_open"),
                                     pick(runs, "month_close"))
    # the month before's close, made first (it reads the year; the
    # month's own close reads from its end on)
    close_before = pick(runs, "month_close_before")

    def timing(r):
        return r and {"p50_ms": r["p50_ms"], "max_ms": r["max_ms"],
                      "requests": r["ok"]}
    doc = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "smoke": bool(a.smoke), "machine": machine(),
        "postgresql": a.server, "db_pool_size": a.pool,
        "seconds_per_run": a.duration,
        "data": {k: int(v) for k, v in
                 (kv.split("=") for kv in a.data.split(","))},
        "verify": verify,
        "shift_writes": shifts,
        "signups": signups,
        "pages": pages,
        "redeem": [r for r in runs if r["kind"] == "redeem"],
        "balance": [r for r in runs if r["kind"] == "balance"],
        "reports": {"month": a.month,
                    # one community, the month open
                    "community": timing(rc),
                    # ... and its volunteer level (1,000 rows)
                    "community_volunteers": timing(rv),
                    # the whole city and a page of 1,000 rows of its
                    # volunteer level: the month closed (stored rows)...
                    "city": timing(rcity),
                    "volunteer_page": timing(rpage),
                    # ... and open, before its close (computed)
                    "city_open": timing(rcity_open),
                    "volunteer_page_open": timing(rpage_open),
                    # the close: the city report digested, rows stored
                    "close_ms": close and close["max_ms"],
                    "close_status": close and close["statuses"],
                    "close_before_ms": close_before and close_before["max_ms"],
                    "close_before_status": close_before and close_before["statuses"]},
        "balance_history": None if not in_turn else {
            "small_shifts": next(r["shifts"] for r in runs
                                 if r["kind"] == "seed"),
            "small_volunteers": next(r.get("volunteers") for r in runs
                                     if r["kind"] == "seed"),
            # each turn's p50, and their ratio: the sums' (the turns
            # weigh alike)
            "small_p50_ms": [r["p50_ms"] for r in smalls],
            "full_p50_ms": [r["p50_ms"] for r in fulls],
            "ratio": ratio(sum(r["p50_ms"] for r in fulls),
                           sum(r["p50_ms"] for r in smalls))},
        "idle": idle and {"connections": idle["connections"],
                          "rss_kb": idle["rss_kb"],
                          "peak_rss_kb": idle["peak_rss_kb"]},
        "seed_seconds": [r["seconds"] for r in runs if r["kind"] == "seed"],
        # vp_audit() after every run (bench/run fails when it is not ok)
        "audit": pick(runs, "audit"),
    }

    def at(n, key):
        row = next((s for s in shifts if s["connections"] == n), None)
        return row and row[key]

    def month_targets(state, city, page):
        """The city's report and a page of its volunteer level."""
        return [
            (f"monthly report, whole city, the month {state} (ms, p50)",
             city and city["p50_ms"], "<=", 300),
            (f"monthly report, whole city, the month {state} (ms, max)",
             city and city["max_ms"], "<=", 500),
            (f"a page of the city's volunteer level, the month {state} "
             "(ms, max)", page and page["max_ms"], "<=", 100)]

    cpu_ratios = [s["cpu_over_unavoidable"] for s in shifts
                  if s["cpu_over_unavoidable"] is not None]
    targets = [
        ("daemon CPU per shift write / (one Ed25519 verify + a minimal "
         "evhttp reply), worst over the connection counts",
         max(cpu_ratios) if cpu_ratios else None, "<=", 1.3),
        ("signed shift writes at 32 connections / pgbench ceiling",
         at(32, "ratio"), ">=", 0.8),
        ("shift SQL function / minimal one-statement write, 8 connections",
         at(8, "ceiling_over_floor"), ">=", 0.6),
        ("shift SQL function / minimal one-statement write, 32 connections",
         at(32, "ceiling_over_floor"), ">=", 0.6),
        ("shift write p99 at 8 connections (ms)", at(8, "p99_ms"), "<=", 10),
        ("redemption p99 at 8 connections (ms)",
         next((r["p99_ms"] for r in doc["redeem"] if r["connections"] == 8),
              None), "<=", 10),
        ("balance read p99 at 8 connections (ms)",
         next((r["p99_ms"] for r in doc["balance"] if r["connections"] == 8),
              None), "<=", 10),
        ("peak RSS with %s idle keep-alive connections (MB)" %
         (idle and idle["connections"]),
         idle and round(idle["peak_rss_kb"] / 1024, 1), "<=", 32),
        ("monthly report, one community (ms, p50)",
         rc and rc["p50_ms"], "<=", 100),
        # the month closed (stored rows), and open before its close
        # (computed, the month before closed: bench/run)
        *month_targets("closed", rcity, rpage),
        *month_targets("open", rcity_open, rpage_open),
        ("balance read p50, full / short history",
         doc["balance_history"] and doc["balance_history"]["ratio"],
         "<=", 1.2),
        ("signed sign-ups at 32 connections / pgbench ceiling",
         next((s["ratio"] for s in signups if s["connections"] == 32), None),
         ">=", 0.8),
        ("volunteer's page p99 at 32 connections (ms)",
         next((p["p99_ms"] for p in pages if p["connections"] == 32), None),
         "<=", 20),
    ]
    doc["targets"] = [{
        "target": name, "value": v, "limit": f"{op} {limit}",
        "met": None if v is None else (v >= limit if op == ">=" else v <= limit)}
        for name, v, op, limit in targets]
    doc["runs"] = runs
    with open(a.out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")

    print("| connections | daemon req/s | p50 ms | p99 ms | pgbench ceiling tps"
          " | daemon/ceiling | floor tps | ceiling/floor | kept tps"
          " | kept/floor | daemon CPU µs/req"
          " | minimal evhttp CPU µs/req | daemon CPU / (verify + evhttp)"
          " | daemon peak RSS MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for s in shifts:
        print(f"| {s['connections']} | {fmt(s['daemon_rps'], 0)} "
              f"| {fmt(s['p50_ms'], 2)} | {fmt(s['p99_ms'], 2)} "
              f"| {fmt(s['ceiling_tps'], 0)} | {fmt(s['ratio'], 2)} "
              f"| {fmt(s['floor_tps'], 0)} | {fmt(s['ceiling_over_floor'], 2)} "
              f"| {fmt(s['kept_tps'], 0)} | {fmt(s['kept_over_floor'], 2)} "
              f"| {fmt(s['cpu_us_per_request'], 0)} "
              f"| {fmt(s['minimal_evhttp_cpu_us_per_request'], 0)} "
              f"| {fmt(s['cpu_over_unavoidable'], 2)} "
              f"| {fmt(s['peak_rss_kb'] and s['peak_rss_kb'] / 1024, 1)} |")
    print()
    if verify:
        print(f"- one Ed25519 verify (libsodium) of a shift write's "
              f"{verify['base_bytes']}-byte signature base: "
              f"{fmt(verify_us, 1)} µs of CPU")
    for s in signups:
        print(f"- sign-ups, {s['connections']} connections: "
              f"{fmt(s['daemon_rps'], 0)} req/s, p50 {fmt(s['p50_ms'], 2)} ms, "
              f"p99 {fmt(s['p99_ms'], 2)} ms; pgbench ceiling "
              f"{fmt(s['ceiling_tps'], 0)} tps, daemon/ceiling "
              f"{fmt(s['ratio'], 2)}; daemon CPU "
              f"{fmt(s['cpu_us_per_request'], 0)} µs/request"
              + (f", {s['failed']} failed" if s["failed"] else ""))
    for kind in ("pages", "redeem", "balance"):
        for r in doc[kind]:
            print(f"- {'volunteer page' if kind == 'pages' else kind}, "
                  f"{r['connections']} connections: "
                  f"{fmt(r['rps'], 0)} req/s, p50 {fmt(r['p50_ms'], 2)} ms, "
                  f"p99 {fmt(r['p99_ms'], 2)} ms, daemon CPU "
                  f"{fmt(r.get('cpu_us_per_request'), 0)} µs/request"
                  + (f", {r['failed']} failed" if r["failed"] else ""))
    if rc:
        print(f"- monthly report {a.month}, one community: "
              f"p50 {fmt(rc['p50_ms'], 1)} ms (max {fmt(rc['max_ms'], 1)})")
    if rv:
        print(f"- monthly report {a.month}, one community's volunteer level: "
              f"p50 {fmt(rv['p50_ms'], 1)} ms (max {fmt(rv['max_ms'], 1)})")
    for r, what in ((rcity_open, "whole city, open (computed)"),
                    (rpage_open, "a page of 1,000 rows of the city's "
                     "volunteer level, open (computed)"),
                    (rcity, "whole city, closed (stored rows)"),
                    (rpage, "a page of 1,000 rows of the city's "
                     "volunteer level, closed (stored rows)")):
        if r:
            print(f"- monthly report {a.month}, {what}: "
                  f"p50 {fmt(r['p50_ms'], 1)} ms (max {fmt(r['max_ms'], 1)})")
    if close:
        print(f"- closing {a.month} (its city report digested, its rows "
              f"stored): {fmt(close['max_ms'], 0)} ms, answered "
              f"{', '.join(sorted(close['statuses']))}")
    bh = doc["balance_history"]
    if bh:
        of = (f" of {bh['small_volunteers']:,} volunteers"
              if bh.get("small_volunteers") else "")
        print(f"- balance read p50, in turn: "
              f"{' and '.join(fmt(x, 2) for x in bh['small_p50_ms'])} ms "
              f"with {bh['small_shifts']:,} shifts{of}, "
              f"{' and '.join(fmt(x, 2) for x in bh['full_p50_ms'])} ms "
              f"with {doc['data']['shifts']:,} (ratio of the sums "
              f"{fmt(bh['ratio'], 2)})")
    if idle:
        print(f"- {idle['connections']:,} idle keep-alive connections: daemon "
              f"RSS {idle['rss_kb'] / 1024:.1f} MB, peak "
              f"{idle['peak_rss_kb'] / 1024:.1f} MB")
    audit = doc["audit"]
    if audit:
        print(f"- the ledger's audit after the runs ({audit['seconds']} s, "
              f"{audit['checked']['shifts']:,} shifts, "
              f"{audit['checked']['transfers']:,} transfers): "
              + ("clean" if audit["ok"] else
                 f"{audit['problem_count']} PROBLEMS, first: "
                 f"{audit['problems'][0]}"))
    print()
    for t in doc["targets"]:
        mark = {True: "met", False: "MISSED", None: "not measured"}[t["met"]]
        print(f"- {t['target']}: {fmt(t['value'], 2)} ({t['limit']}): {mark}")


if __name__ == "__main__":
    main()
