#!/usr/bin/env bash
# ID numbers cannot be recovered by guessing. A station sees a volunteer's
# id_last4 and birth month; registering or updating with a guessed ID
# number must not tell it, beyond a few answers that the city office
# reviews, whether the guess is somebody's. Duplicates are still refused
# (one person, one registration), with an answer that names no one; each
# refusal is kept with the key for the city office; a key with three
# unresolved refusals gets 429 for every ID number, right or wrong, until
# an admin resolves them; a station gives an ID number once and cannot
# probe its volunteer's by changing it.
. "$top_srcdir/tests/lib.sh"

harness_db
daemon_start "id_hash_key = 6f1d0c5e2b7a49d3a8e4f6b2c1d0e9f87a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d"
harness_admin

count() { pgc_psql "$T_PG" -At -c "$1"; }
jget() { /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin).get(sys.argv[1], ""))' "$1"; }
# How many suspected duplicates a listing holds.
dups_of() { /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)["duplicates"]))'; }
s1() { vp --key "$T_DIR/s1.key" "$@"; }
s2() { vp --key "$T_DIR/s2.key" "$@"; }
s3() { vp --key "$T_DIR/s3.key" "$@"; }
s4() { vp --key "$T_DIR/s4.key" "$@"; }

VICTIM=110101199003077777
ok "community C01" vp community add C01 --name "东城社区" --population 12000
ok "community C02" vp community add C02 --name West --population 8000
for s in 1 2 3 4; do "$VPOINTS" keygen --out "$T_DIR/s$s.key" >/dev/null; done
ok "station S01 of C01" vp station add S01 --community C01 --name East --pubkey "$T_DIR/s1.key.pub"
ok "station S02 of C02" vp station add S02 --community C02 --name West --pubkey "$T_DIR/s2.key.pub"
ok "station S03 of C01" vp station add S03 --community C01 --name "East two" --pubkey "$T_DIR/s3.key.pub"
ok "S01 registers V-001 with an ID number" s1 volunteer add V-001 --name "张三" \
	--consent --birth-month 1990-03 --id-number "$VICTIM"
S2_KEYID=$(sed -n 's/^keyid //p' "$T_DIR/s2.key")

# A duplicate is refused, naming no one.
out=$(s2 --json volunteer add V-201 --name Guess --id-number "$VICTIM" 2>&1)
is "a guess that is somebody's ID number is refused (1)" "$?" 1
like "... as a duplicate" "$out" '"urn:vpoints:problem:duplicate-id-number"'
like "... telling the desk what to do" "$out" "Ask the city office"
for word in V-001 C01 东城 张三 7777; do
	case "$out" in
	*"$word"*) t_result fail "... without naming $word"; echo "# $out" ;;
	*) t_result ok "... without naming $word" ;;
	esac
done
case1=$(echo "$out" | jget duplicate)
ok "... with the number of the suspected duplicate" test -n "$case1"
is "the refused registration made no volunteer" "$(count "SELECT count(*) FROM volunteers WHERE number = 'V-201'")" 0

# The city office sees it: the key, the station, whom it was for and who
# holds the number.
dups=$(vp --json volunteer duplicates)
like "volunteer duplicates lists it" "$dups" "\"id\": $case1"
like "... with the station" "$dups" '"station": "S02"'
like "... and its key" "$dups" "\"keyid\": \"$S2_KEYID\""
like "... the volunteer asked for" "$dups" '"volunteer": "V-201"'
like "... and the one registered with the number" "$dups" '"existing": "V-001"'
s1 volunteer duplicates >/dev/null 2>&1
is "a station may not list them (77)" "$?" 77

# Two more refusals, one of them by an update; then the key is stopped.
ok "S02 registers V-202 without an ID number" s2 volunteer add V-202 --name Two
s2 volunteer update V-202 --id-number "$VICTIM" >/dev/null 2>&1
is "an update to somebody's ID number is refused too (1)" "$?" 1
s2 volunteer add V-203 --name Three --id-number "$VICTIM" >/dev/null 2>&1
is "a third refusal (1)" "$?" 1
is "three refusals are kept, each with S02's key" \
	"$(count "SELECT count(*) FROM id_number_refusals WHERE keyid = '$S2_KEYID' AND resolved_at IS NULL")" 3
out=$(s2 --json volunteer add V-204 --name Four --id-number 110101199003017777 2>&1)
is "with three unresolved, a number nobody has is refused: 429 (75)" "$?" 75
like "... id-number-locked" "$out" '"urn:vpoints:problem:id-number-locked"'
out2=$(s2 --json volunteer add V-205 --name Five --id-number "$VICTIM" 2>&1)
is "... and somebody's gets the same 429 (75)" "$?" 75
is "... with the same words: no answer about the number" \
	"$(echo "$out2" | jget detail)" "$(echo "$out" | jget detail)"
is "... and no more refusals are recorded" \
	"$(count "SELECT count(*) FROM id_number_refusals WHERE keyid = '$S2_KEYID'")" 3
s2 volunteer update V-202 --id-number 110101199003027777 >/dev/null 2>&1
is "... nor may an update give one (75)" "$?" 75
ok "registering without an ID number still works" s2 volunteer add V-206 --name Six
ok "the stop is the community's: S01 of C01 registers with an ID number" \
	s1 volunteer add V-002 --name Li --id-number 110101199505050011
# A new station of C02 (or a new key of S02) starts from C02's count.
ok "station S04 of C02, enrolled after the stop" vp station add S04 \
	--community C02 --name "West two" --pubkey "$T_DIR/s4.key.pub"
s4 volunteer add V-207 --name Seven --id-number 110101199003037777 >/dev/null 2>&1
is "... is stopped too: 429 (75)" "$?" 75

# The city office resolves one: S02 may give ID numbers again.
out=$(vp volunteer resolve "$case1" --note "same person; the desk was told" 2>&1)
is "an admin resolves the suspected duplicate" "$?" 0
like "... and is shown it" "$out" "same person"
vp volunteer resolve "$case1" --note again >/dev/null 2>&1
is "resolving it again is a no-op (0)" "$?" 0
like "the resolution is in the admin log" \
	"$(count "SELECT action || ' ' || subject FROM admin_actions WHERE action = 'duplicate-resolve'")" "duplicate-resolve $case1"
ok "S02 gives an ID number again" s2 volunteer add V-207 --name Seven --id-number 110101199003017777
is "two unresolved are listed" "$(vp --json volunteer duplicates | dups_of)" 2
is "--all lists the resolved one too" "$(vp --json volunteer duplicates --all | dups_of)" 3
like "the table shows the resolution" "$(vp volunteer duplicates --all)" "same person"

# A station gives an ID number once; it cannot probe a volunteer's by
# trying to change it: the right number and a wrong one get one answer.
ok "S03 registers V-208 without an ID number" s3 volunteer add V-208 --name Eight
ok "S03 sets V-208's ID number once" s3 volunteer update V-208 --id-number 110101200001010022
right=$(s3 --json volunteer update V-001 --id-number "$VICTIM" 2>&1)
rc_right=$?
wrong=$(s3 --json volunteer update V-001 --id-number 110101199003087777 2>&1)
rc_wrong=$?
is "changing a volunteer's ID number is for an admin: the right one (77)" "$rc_right" 77
is "... and a wrong one (77)" "$rc_wrong" 77
is "... one answer for both" "$(echo "$right" | jget title)" "$(echo "$wrong" | jget title)"
is "V-001 keeps its ID number" "$(s1 --json volunteer show V-001 | jget id_last4)" 7777
ok "an admin corrects an ID number" vp volunteer update V-208 --id-number 110101200001010033
is "... which takes" "$(vp --json volunteer show V-208 | jget id_last4)" 0033

# A retry of a refused write gets the stored refusal and counts once.
before=$(count "SELECT count(*) FROM id_number_refusals")
s1 --idempotency-key dup-1 volunteer add V-209 --name Nine --id-number "$VICTIM" >/dev/null 2>&1
s1 --idempotency-key dup-1 volunteer add V-209 --name Nine --id-number "$VICTIM" >/dev/null 2>&1
is "a retried refusal is answered from its record (1)" "$?" 1
is "... and counted once" "$(count "SELECT count(*) FROM id_number_refusals")" $((before + 1))

# Two registrations of one new number at once, from two keys: one is
# taken, the other refused as a duplicate (not a database error).
s1 volunteer add V-210 --name Ten --id-number 110101198801010055 >"$T_DIR/race1" 2>&1 &
p1=$!
s3 volunteer add V-211 --name Eleven --id-number 110101198801010055 >"$T_DIR/race3" 2>&1 &
p3=$!
wait "$p1"; r1=$?
wait "$p3"; r3=$?
is "two at once: one 0 and one 1" "$(echo "$r1 $r3" | tr ' ' '\n' | sort | tr '\n' ' ')" "0 1 "
is "... one volunteer holds the number" \
	"$(count "SELECT count(*) FROM volunteers WHERE number IN ('V-210', 'V-211')")" 1

ok "audit: the ledger is consistent" vp audit
ok "SIGTERM exits 0" daemon_stop
