#!/usr/bin/env bash
# The client reads and prints times in the programme's zone, which the
# daemon announces (GET /v1/settings), whatever the machine's zone; the
# config file's "timezone =" overrides it. A time typed comes back as
# typed.
. "$top_srcdir/tests/lib.sh"

harness_db
daemon_start "timezone = Asia/Shanghai" "back_entry_days = 36500"
harness_admin

is "the daemon announces its zone" "$(curl -s "$DAEMON_URL/v1/settings" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["timezone"])')" Asia/Shanghai
vp community add C01 --name East --population 100 >/dev/null
vp activity add clean --name Cleaning --points-per-hour 10 >/dev/null
"$VPOINTS" keygen --out "$T_DIR/S01.key" >/dev/null
vp station add S01 --community C01 --name East --pubkey "$T_DIR/S01.key.pub" >/dev/null
vp --key "$T_DIR/S01.key" volunteer add V1 --name "Zhang San" >/dev/null

n=1
for tz in UTC America/New_York; do
	n=$((n + 1))
	day=$(TZ=Asia/Shanghai t_date "-$n days" +%Y-%m-%d)
	out=$(TZ=$tz vp --key "$T_DIR/S01.key" shift log V1 --activity clean --start "$day 07:00" --end "$day 08:30" 2>&1)
	like "TZ=$tz: 07:00 typed is printed back 07:00" "$out" "$day 07:00"
	like "TZ=$tz: ... to 08:30" "$out" "$day 07:00 to 08:30"
	json=$(TZ=$tz vp --key "$T_DIR/S01.key" --json shift list V1 2>&1)
	like "TZ=$tz: ... stored as 07:00 in Shanghai" "$json" "\"started_at\": \"${day}T07:00:00+08:00\""
	list=$(TZ=$tz vp --key "$T_DIR/S01.key" shift list V1)
	like "TZ=$tz: the list prints 07:00" "$list" "$day 07:00"
	like "TZ=$tz: CSV keeps the programme's zone" "$(TZ=$tz vp --key "$T_DIR/S01.key" --csv shift list V1)" "${day}T07:00:00+08:00"
done
is "the zone is kept in the cache" "$(cat "$XDG_CACHE_HOME/vpoints/timezone")" "$DAEMON_URL Asia/Shanghai"

# The config's zone wins: times typed and printed in UTC.
mkdir -p "$XDG_CONFIG_HOME/vpoints"
echo "timezone = UTC" >"$XDG_CONFIG_HOME/vpoints/config"
day2=$(TZ=UTC t_date '-5 days' +%Y-%m-%d)
out=$(TZ=Asia/Tokyo vp --key "$T_DIR/S01.key" shift log V1 --activity clean --start "$day2 07:00" --end "$day2 08:00" 2>&1)
like "timezone = UTC: 07:00 typed is printed back 07:00" "$out" "$day2 07:00"
json=$(vp --key "$T_DIR/S01.key" --json shift list V1 2>&1)
like "... which is 15:00 in Shanghai" "$json" "\"started_at\": \"${day2}T15:00:00+08:00\""
like "... CSV writes it in UTC, RFC 3339" "$(vp --key "$T_DIR/S01.key" --csv shift list V1)" "${day2}T07:00:00+00:00"
echo "timezone = Mars/Olympus" >"$XDG_CONFIG_HOME/vpoints/config"
fails "a zone that does not exist is a config error" vp --key "$T_DIR/S01.key" shift list V1
rm "$XDG_CONFIG_HOME/vpoints/config"
ok "vpointsd stops cleanly" daemon_stop
