#!/usr/bin/env bash
# The benchmark cannot rot: bench/run --smoke seeds a tiny data set in its
# own cluster, drives the real vpointsd with the load generator and
# pgbench at 1 and 8 connections (shifts, sign-ups, pages), closes the
# report's month, and writes its JSON. Checked here: every
# part ran and answered (no timing is judged: that is make bench's job).

. "$top_srcdir/tests/lib.sh"

out="$T_DIR/smoke.json"
ok "bench/run --smoke completes" env TMPDIR="$T_DIR" "$top_srcdir/bench/run" \
	--smoke --out "$out"
[ -s "$out" ] || { echo "# no $out"; sed 's/^/# /' "$T_DIR/last.out" | tail -n 30; }

# One check per line of output: "name<TAB>value".
checks_made=1
python3 - "$out" >"$T_DIR/checks" <<'EOF' || checks_made=0
import json, sys
d = json.load(open(sys.argv[1]))
def out(name, value): print(f"{name}\t{value}")
out("data", "%(communities)s/%(volunteers)s/%(shifts)s" % d["data"])
for s in d["shift_writes"]:
    n = s["connections"]
    out(f"shift writes at {n}: answered, none failed",
        s["daemon_rps"] > 0 and s["failed"] == 0)
    out(f"pgbench ceiling, floor and kept at {n} ran",
        s["ceiling_tps"] > 0 and s["floor_tps"] > 0 and s["kept_tps"] > 0)
    out(f"pgbench ceiling, floor and kept at {n}: every transaction wrote a shift",
        s["ceiling_unwritten"] == 0 and s["floor_unwritten"] == 0
        and s["kept_unwritten"] == 0)
    out(f"daemon CPU and memory at {n} measured",
        s["cpu_us_per_request"] > 0 and s["peak_rss_kb"] > 0)
    out(f"the minimal evhttp server's CPU at {n} measured, its ratio made",
        s["minimal_evhttp_cpu_us_per_request"] > 0
        and s["cpu_over_unavoidable"] > 0)
out("one Ed25519 verify timed",
    d["verify"]["cpu_us_per_verify"] > 0 and d["verify"]["count"] == 20000)
out("connection counts", " ".join(str(s["connections"]) for s in d["shift_writes"]))
for s in d["signups"]:
    n = s["connections"]
    out(f"sign-ups at {n}: answered, none failed",
        s["daemon_rps"] > 0 and s["failed"] == 0)
    out(f"pgbench sign-up ceiling at {n}: every transaction signed up",
        s["ceiling_tps"] > 0 and s["ceiling_unwritten"] == 0)
out("sign-up connection counts", " ".join(str(s["connections"]) for s in d["signups"]))
out("volunteers' pages: every request answered 2xx",
    all(r["ok"] > 0 and r["failed"] == 0 for r in d["pages"]) and len(d["pages"]) == 2)
for kind in ("redeem", "balance"):
    out(f"{kind}: every request answered 2xx",
        all(r["ok"] > 0 and r["failed"] == 0 for r in d[kind]) and len(d[kind]) == 2)
r = d["reports"]
out("reports of the open month answered", r["community"]["requests"] == 20
    and r["community_volunteers"]["requests"] == 20
    and r["city_open"]["requests"] == 10 and r["volunteer_page_open"]["requests"] == 20)
out("the month closed through the daemon, timed", r["close_status"] == {"201": 1}
    and r["close_ms"] > 0)
out("the month before closed first, timed",
    r["close_before_status"] == {"201": 1} and r["close_before_ms"] > 0)
out("reports of the closed month answered", r["city"]["requests"] == 20
    and r["volunteer_page"]["requests"] == 20)
out("balance over two histories, in turn twice, every read answered",
    d["balance_history"]["ratio"] is not None
    and len(d["balance_history"]["small_p50_ms"]) == 2
    and len(d["balance_history"]["full_p50_ms"]) == 2
    and all(r["ok"] > 0 and r["failed"] == 0 for r in d["runs"]
            if r["kind"] in ("balance_small_history", "balance_full_history")))
bh = d["balance_history"]
out("the short history's volunteers have as many shifts each as the full one's",
    bh["small_shifts"] * d["data"]["volunteers"]
    == bh["small_volunteers"] * d["data"]["shifts"])
out("the daemon's pool, as its /metrics tells", (d["db_pool_size"] or 0) > 0)
out("the ledger's audit ran after the runs and is clean",
    d["audit"]["ok"] is True and d["audit"]["checked"]["shifts"] > 0)
out("idle connections held", d["idle"]["connections"] == 50 and d["idle"]["rss_kb"] > 0)
# The targets at 32 connections need the full run.
out("every target judged but those at 32 connections", len(d["targets"]) == 18
    and sum(t["met"] is not None for t in d["targets"]) == 14)
EOF
while IFS=$'\t' read -r name value; do
	case "$name" in
	data) is "the smoke data set" "$value" "2/200/2000" ;;
	"connection counts") is "runs at 1 and 8 connections" "$value" "1 8" ;;
	"sign-up connection counts") is "sign-ups at 1 and 8 connections" "$value" "1 8" ;;
	*) is "$name" "$value" True ;;
	esac
done <"$T_DIR/checks"
[ -s "$T_DIR/checks" ] || t_result fail "the JSON could be read"
# A check that could not be made (a member missing) fails, not vanishes.
[ $checks_made = 1 ] || t_result fail "every check of the JSON could be made"
