#!/usr/bin/env bash
# The client's command line against a real vpointsd: global options after
# the command do what they do before it, and a usage error says in one
# line what was wrong, then the usage, and sends nothing.
. "$top_srcdir/tests/lib.sh"

harness_db
daemon_start
harness_admin

count() { pgc_psql "$T_PG" -At -c "$1"; }
at() { date -d "@$((BASE - $1 * 60))" +%Y-%m-%dT%H:%M:00%:z; }	# $1 minutes before the base
BASE=$(date +%s)
state() { count "SELECT (SELECT count(*) FROM shifts) || '/' || (SELECT count(*) FROM volunteers) || '/' || (SELECT count(*) FROM communities)"; }

vp community add C01 --name East --population 1000 >/dev/null
vp activity add clean --name Cleaning --points-per-hour 10 >/dev/null
vp volunteer add V-001 --name "Zhang San" --community C01 >/dev/null
vp shift log V-001 --activity clean --start "$(at 120)" --end "$(at 60)" >/dev/null

# Global options after the command.
before=$(vp --json balance V-001); rc_before=$?
after=$(vp balance V-001 --json); rc_after=$?
is "balance V-001 --json exits 0 (64 before: a global option after the command)" "$rc_after" 0
is "... and prints what --json balance V-001 prints" "$after" "$before"
like "... the daemon's JSON" "$after" '"points":10'
is "--csv after the command, and after the verb's options" \
	"$(vp volunteer list --community C01 --csv)" "$(vp --csv volunteer list --community C01)"
is "--json between the command and its verb" \
	"$(vp volunteer --json show V-001)" "$(vp --json volunteer show V-001)"
is "--server and --key after the command" \
	"$("$VPOINTS" balance V-001 --json --server "$DAEMON_URL" --key "$VPOINTS_KEY")" "$before"
"$VPOINTS" status --server "http://127.0.0.1:$(harness_free_port)" >/dev/null 2>&1
is "--server after the command is the server asked (69: nothing listens there)" "$?" 69
out=$(VPOINTS_KEY= vp --json balance V-001 --key "$T_DIR/none.key" 2>&1); rc=$?
is "--key after the command is the key read (78: no such file)" "$rc" 78
vp volunteer add V-002 --name "Li Si" --community C01 --idempotency-key cli-once >/dev/null
vp volunteer add V-002 --name "Li Si" --community C01 --idempotency-key cli-once >/dev/null
is "--idempotency-key after the command: the second run is the first's answer" "$?" 0
is "... and registers once" "$(count "SELECT count(*) FROM volunteers WHERE number = 'V-002'")" 1
err=$(vp balance V-001 --timeout 0 2>&1 >/dev/null); rc=$?
is "a bad --timeout after the command exits 64" "$rc" 64
is "... and says so first" "$(echo "$err" | head -n 1)" "vpoints: balance: --timeout wants 1 to 3600 seconds"
like "--version after the command" "$(vp balance --version)" "vpoints "

# Usage errors: one line naming what was wrong, then the usage; exit 64;
# nothing sent.
usage_error() { # desc first-line usage-line command...
	local desc=$1 first=$2 usage=$3 out rc
	shift 3
	out=$("$@" 2>&1 >/dev/null); rc=$?
	is "$desc: exit 64" "$rc" 64
	is "$desc: says what was wrong" "$(echo "$out" | head -n 1)" "$first"
	like "$desc: then the usage" "$(echo "$out" | sed -n 2p)" "$usage"
}
before=$(state)
usage_error "a required option left out" "vpoints: shift log: --activity is required" \
	"usage: vpoints shift log VOLUNTEER" \
	vp shift log V-001 --start "$(at 50)" --end "$(at 40)"
usage_error "an unknown option" "vpoints: volunteer show: unknown option --bogus" \
	"usage: vpoints volunteer add NUMBER" vp volunteer show V-001 --bogus
usage_error "an option of another verb" "vpoints: shift checkout: unknown option --place" \
	"usage: vpoints shift log" vp shift checkout 1 --place x
usage_error "an argument left out" "vpoints: balance: VOLUNTEER is missing" \
	"usage: vpoints balance VOLUNTEER [--limit N]" vp balance --json
usage_error "an argument too many" 'vpoints: audit: unexpected argument "now"' \
	"usage: vpoints audit" vp audit now
usage_error "a value not among the choices" \
	'vpoints: volunteer add: --gender wants female|male|other, not "robot"' \
	"usage: vpoints volunteer add" vp volunteer add V-003 --name x --gender robot
usage_error "an unknown verb" 'vpoints: team: "frob" is not add, list, join or leave' \
	"usage: vpoints team add CODE" vp team frob
usage_error "no verb" "vpoints: month: wants close or list" "usage: vpoints month close" vp month
usage_error "an ambiguous abbreviation" "vpoints: volunteer add: ambiguous option --co" \
	"usage: vpoints volunteer add" vp volunteer add V-003 --name x --co C01
usage_error "a flag given a value" "vpoints: catalog list: --all takes no value" \
	"usage: vpoints catalog list" vp catalog list --all=yes
usage_error "neither a year nor two dates" \
	"vpoints: certificate issue: wants --year, or --from and --to" \
	"usage: vpoints certificate issue VOLUNTEER" vp certificate issue V-001 --from 2026-01-01
usage_error "an unknown global option" "vpoints: unknown option --bogus" \
	"usage: vpoints [global options] COMMAND [args]" vp --bogus status
is "usage errors send nothing" "$(state)" "$before"
err=$(vp balance V-001 --limit many 2>&1 >/dev/null); rc=$?
is "a bad value is bad data, not usage (65)" "$rc" 65
is "... and says which" "$err" 'vpoints: --limit wants a whole number, not "many"'

# Every command's help comes from its table.
for cmd in $("$VPOINTS" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }'); do
	out=$("$VPOINTS" "$cmd" --help); rc=$?
	is "vpoints $cmd --help exits 0" "$rc" 0
	like "vpoints $cmd --help starts with its usage" "$(echo "$out" | head -n 1)" "usage: vpoints $cmd"
done
is "vpoints --help lists the 29 commands" \
	"$("$VPOINTS" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF' | wc -l)" 29
