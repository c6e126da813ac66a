#!/usr/bin/env bash
# The date rules (doc/api.md, "Dates"): nothing dated before the
# programme's start or in the future; station keys date records back
# back_entry_days only, admin keys back to the first open month; after a
# close nothing before its end; both settings reload. Dates far off are
# refused wherever they are taken (birth months, deadlines, certificate
# ranges), and every time in a reply is RFC 3339, also of a period or a
# record long before the programme.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/signed.sh"

harness_db
daemon_start
admin_new A || { echo "Bail out! no admin key"; exit 1; }

count() { pgc_psql "$T_PG" -At -c "$1"; }
# Days and months in the daemon's time zone.
today=$(TZ=Asia/Shanghai date -d "@$T_NOW" +%F)
day() { date -d "$today $1" +%F; }
cur=${today%-??}
last=$(date -d "$cur-01 -1 month" +%Y-%m)
before_last=$(date -d "$cur-01 -2 months" +%Y-%m)
shift_body() {				# volunteer day from to
	echo "{\"volunteer\":\"$1\",\"activity\":\"clean\",\"started_at\":\"$2T$3:00+08:00\",\"ended_at\":\"$2T$4:00+08:00\"}"
}
must() {
	call "$@"
	case $STATUS in 2??) ;; *)
		echo "Bail out! $2 $3 $4: $STATUS $(head -c 300 "$T_DIR/body")"
		exit 1 ;;
	esac
}
# Every time in the last body is RFC 3339 (section 5.6: the offset is Z or
# +HH:MM); prints those that are not.
bad_times() {
	/usr/bin/python3 - "$T_DIR/body" <<'EOF'
import json, re, sys
ANY = re.compile(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d")
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
def walk(v):
    if isinstance(v, dict):
        for x in v.values():
            yield from walk(x)
    elif isinstance(v, list):
        for x in v:
            yield from walk(x)
    elif isinstance(v, str) and ANY.match(v) and not RFC3339.match(v):
        yield v
print(" ".join(walk(json.load(open(sys.argv[1])))))
EOF
}

must A POST /v1/communities '{"code":"C01","name":"East","population":1000}'
must A POST /v1/activities '{"code":"clean","name":"Cleaning","points_per_hour":10}'
station_new A S01 C01 || { echo "Bail out! no station"; exit 1; }
must S01 POST /v1/volunteers '{"number":"V1","name":"Zhang San"}'
must S01 POST /v1/volunteers '{"number":"V2","name":"Li Si","consent":true}'

# Before the programme (2000-01-01 by default), for every key.
call S01 POST /v1/shifts "$(shift_body V1 0001-01-01 09:00 10:00)"
answered "a shift on 0001-01-01: 422 date-before-start" 422 date-before-start "2000-01-01"
call S01 POST /v1/shifts "$(shift_body V1 1900-01-01 09:00 10:00)"
answered "a shift on 1900-01-01: 422 date-before-start" 422 date-before-start
call S01 POST /v1/shifts/checkin '{"volunteer":"V1","activity":"clean","started_at":"1970-01-01T08:00:00+08:00"}'
answered "a check-in from 1970: 422 date-before-start" 422 date-before-start
call A POST /v1/shifts "$(shift_body V1 1999-12-31 09:00 10:00)"
answered "an admin's shift of 1999-12-31: 422 date-before-start" 422 date-before-start
call S01 POST /v1/volunteers '{"number":"V9","name":"Old","registered_on":"1999-12-31"}'
answered "a registration of 1999: 422 date-before-start" 422 date-before-start

# In the future.
call S01 POST /v1/volunteers "{\"number\":\"V9\",\"name\":\"Later\",\"registered_on\":\"$(day '+1 day')\"}"
answered "a registration dated tomorrow: 422 date-in-future" 422 date-in-future
call S01 POST /v1/volunteers '{"number":"V9","name":"Later","registered_on":"9999-01-01"}'
answered "a registration dated 9999-01-01: 422 date-in-future" 422 date-in-future
call S01 POST /v1/shifts "$(shift_body V1 9999-01-01 09:00 10:00)"
answered "a shift in 9999: 422 start-in-future" 422 start-in-future

# The back-entry window: a station key, today and 31 days back; an admin
# key, as far back as the first open month.
d10=$(day '-10 days') d40=$(day '-40 days')
call S01 POST /v1/shifts "$(shift_body V1 "$d40" 09:00 10:00)"
answered "a station's shift of 40 days ago: 403 back-entry-window" 403 back-entry-window "$(day '-31 days')"
call S01 POST /v1/shifts/checkin "{\"volunteer\":\"V1\",\"activity\":\"clean\",\"started_at\":\"${d40}T09:00:00+08:00\"}"
answered "a station's check-in of 40 days ago: 403 back-entry-window" 403 back-entry-window
call S01 POST /v1/volunteers "{\"number\":\"V3\",\"name\":\"Wang Wu\",\"registered_on\":\"$d40\"}"
answered "a station's registration dated 40 days ago: 403 back-entry-window" 403 back-entry-window
call S01 POST /v1/shifts "$(shift_body V1 "$d10" 09:00 11:00)"
answered "a station's shift of 10 days ago: 201" 201
call S01 POST /v1/volunteers "{\"number\":\"V4\",\"name\":\"Zhao Liu\",\"registered_on\":\"$d10\"}"
answered "a station's registration dated 10 days ago: 201" 201
call A POST /v1/shifts "$(shift_body V2 "$d40" 09:00 10:00)"
answered "an admin's shift of 40 days ago: 201" 201
old_shift=$(field id)
call S01 POST "/v1/shifts/$old_shift/corrections" '{"reason":"late","ended_at":"'"${d40}T09:30:00+08:00"'"}'
answered "a station correcting that shift: 403 back-entry-window" 403 back-entry-window
call A POST /v1/volunteers "{\"number\":\"V3\",\"name\":\"Wang Wu\",\"registered_on\":\"$d40\",\"community\":\"C01\"}"
answered "an admin's registration dated 40 days ago: 201" 201

# Dates far off where a date is taken.
call S01 PATCH /v1/volunteers/V2 '{"birth_month":"9999-01"}'
answered "birth_month 9999-01: 422 invalid-field" 422 invalid-field
call S01 PATCH /v1/volunteers/V2 '{"birth_month":"1899-12"}'
answered "birth_month 1899-12: 422 invalid-field" 422 invalid-field
call S01 PATCH /v1/volunteers/V2 '{"birth_month":"1990-05"}'
answered "birth_month 1990-05: 200" 200
call S01 POST /v1/help-requests '{"requester":"V1","points":5,"description":"a lift","deadline":"9999-12-31T00:00:00+08:00"}'
answered "a deadline in 9999: 422 invalid-field" 422 invalid-field
call S01 POST /v1/help-requests "{\"requester\":\"V1\",\"points\":5,\"description\":\"a lift\",\"deadline\":\"$(day '+2 days')T12:00:00+08:00\"}"
answered "a deadline in two days: 201" 201
call S01 POST /v1/certificates '{"volunteer":"V1","from":"9999-01-01","to":"9999-12-31"}'
answered "a certificate of 9999: 422 invalid-field" 422 invalid-field
call S01 POST /v1/certificates '{"volunteer":"V1","year":"9999"}'
answered "a certificate of the year 9999: 422 invalid-field" 422 invalid-field
call S01 POST /v1/certificates '{"volunteer":"V1","from":"1990-01-01","to":"2000-12-31"}'
answered "a certificate from before the programme: 422 invalid-field" 422 invalid-field
call S01 POST /v1/certificates "{\"volunteer\":\"V1\",\"year\":\"${today%%-*}\"}"
answered "a certificate of this year: 201" 201

# Replies: RFC 3339 times only, also for a period before 1901, when
# Asia/Shanghai kept local mean time (+08:05:43), and for a record of the
# year 1 entered before the rules (as psql can still do).
call A GET /v1/reports/monthly "month=1900-01&level=community"
is "the report of 1900-01: 200" "$STATUS" 200
is "... every time in it RFC 3339" "$(bad_times)" ""
is "... its start the instant 1900-01-01 00:00 local mean time" "$(field from)" "1899-12-31T15:54:17+00:00"
ok "a shift of the year 1 written directly" pgc_psql "$T_PG" -q -v ON_ERROR_STOP=1 -c "
BEGIN;
SET LOCAL vpoints.programme_start = '0001-01-01';
INSERT INTO shifts (id, volunteer_id, community_id, station_id, keyid, activity_id,
    started_at, ended_at, minutes, points, source)
SELECT nextval('shift_ids'), v.id, v.community_id, s.id, k.keyid, a.id,
    '0001-01-01 09:00+08', '0001-01-01 10:00+08', 60, 0, 'log'
FROM volunteers v, stations s JOIN station_keys k ON k.station_id = s.id, activities a
WHERE v.number = 'V4' AND s.code = 'S01' AND a.code = 'clean';
COMMIT;"
call S01 GET /v1/shifts "volunteer=V4"
is "V4's shifts: 200" "$STATUS" 200
is "... every time in them RFC 3339" "$(bad_times)" ""

# A closed month: nothing before its end, whoever asks.
must A POST "/v1/months/$last/close" '{}'
call A POST /v1/shifts "$(shift_body V2 "$last-15" 09:00 10:00)"
answered "an admin's shift of the closed month $last: 409 month-closed" 409 month-closed "The open month is $cur"
call A POST /v1/shifts "$(shift_body V2 "$before_last-15" 09:00 10:00)"
answered "an admin's shift of $before_last, before it: 409 month-closed" 409 month-closed
call A POST /v1/volunteers "{\"number\":\"V5\",\"name\":\"Sun Qi\",\"registered_on\":\"$before_last-02\",\"community\":\"C01\"}"
answered "an admin's registration dated in $before_last: 409 month-closed" 409 month-closed
call S01 POST /v1/volunteers "{\"number\":\"V5\",\"name\":\"Sun Qi\",\"registered_on\":\"$d40\"}"
answered "a station's registration of 40 days ago: refused still" 409 month-closed

# The settings reload: a window of 0 days (today only), a later start.
sed -i "/^back_entry_days\|^programme_start/d" "$DAEMON_CONF"
printf 'back_entry_days = 0\nprogramme_start = %s\n' "$(day '-5 days')" >>"$DAEMON_CONF"
kill -HUP "$DAEMON_PID"
sleep 1
call S01 POST /v1/volunteers "{\"number\":\"V6\",\"name\":\"Zhou Ba\",\"registered_on\":\"$(day '-1 day')\"}"
answered "back_entry_days = 0: a station's registration of yesterday is refused" 403 back-entry-window
call S01 POST /v1/volunteers '{"number":"V6","name":"Zhou Ba"}'
answered "... and of today taken" 201
call A POST /v1/volunteers "{\"number\":\"V7\",\"name\":\"Wu Jiu\",\"registered_on\":\"$(day '-6 days')\",\"community\":\"C01\"}"
answered "programme_start 5 days ago: a registration of 6 days ago is refused" 422 date-before-start "$(day '-5 days')"
kill -0 "$DAEMON_PID"
is "the daemon is alive" "$?" 0
printf 'programme_start = 1900-01-01\n' >>"$DAEMON_CONF"
kill -HUP "$DAEMON_PID"
sleep 1
like "a programme_start before 1990 is refused on reload" "$(cat "$DAEMON_LOG")" \
	'programme_start: "1900-01-01" is not a date YYYY-MM-DD of the years 1990 to 2099'

must A GET /v1/audit
is "the ledger is consistent" "$(field ok)" true
is "the daemon logged no error but the reload's" \
	"$(grep "vpointsd\[$DAEMON_PID\] error:" "$DAEMON_LOG" | grep -vc 'reload: ')" 0
ok "vpointsd stops cleanly" daemon_stop
