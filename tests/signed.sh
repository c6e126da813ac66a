# Signed requests from an end-to-end script, byte for byte: OpenSSL
# Ed25519 keys, signed by tests/sigtool.py (which shares no code with
# vpoints). Sourced after tests/lib.sh, once daemon_start has run.
#
#   key_new NAME                  $T_DIR/NAME.pem and NAME.pub.pem
#   admin_new NAME                a key enrolled with vpointsd --init-admin
#   station_new ADMIN CODE COMM   a station of community COMM and its key
#   call KEY METHOD PATH [ARG]    ARG: the JSON body of a write, the query
#                                 of a read; sets STATUS, the body is in
#                                 $T_DIR/body exactly as the daemon sent it
#   field NAME                    a member of that body (JSON path a.b.0)

SIGTOOL="$top_srcdir/tests/sigtool.py"

key_new() {
	openssl genpkey -algorithm ed25519 -out "$T_DIR/$1.pem" 2>/dev/null &&
		openssl pkey -in "$T_DIR/$1.pem" -pubout -out "$T_DIR/$1.pub.pem" 2>/dev/null
}

admin_new() {
	key_new "$1" && "$VPOINTSD" --db "$(pgc_conninfo "$T_PG")" \
		-c <(echo "sql_dir = $top_srcdir/sql") \
		--init-admin "$T_DIR/$1.pub.pem" >/dev/null 2>>"$DAEMON_LOG"
}

station_new() {
	local body
	key_new "$2" || return 1
	body=$(/usr/bin/python3 -c 'import json, sys
print(json.dumps({"code": sys.argv[1], "name": "Station " + sys.argv[1],
    "community": sys.argv[2], "public_key": open(sys.argv[3]).read()}))' \
		"$2" "$3" "$T_DIR/$2.pub.pem")
	call "$1" POST /v1/stations "$body" && [ "$STATUS" = 201 ]
}

call() {
	local key=$1 method=$2 path=$3 arg=${4-}
	if [ "$method" = GET ]; then
		/usr/bin/python3 "$SIGTOOL" --key "$T_DIR/$key.pem" \
			--server "$DAEMON_URL" --method GET --path "$path" \
			--query "$arg" >"$T_DIR/reply"
	else
		/usr/bin/python3 "$SIGTOOL" --key "$T_DIR/$key.pem" \
			--server "$DAEMON_URL" --method "$method" --path "$path" \
			--body "$arg" --idem "$(cat /proc/sys/kernel/random/uuid)" \
			>"$T_DIR/reply"
	fi || return 1
	STATUS=$(head -n 1 "$T_DIR/reply")
	# sigtool prints the body and a newline.
	tail -n +2 "$T_DIR/reply" | head -c -1 >"$T_DIR/body"
}

field() {
	/usr/bin/python3 -c 'import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split(".") if sys.argv[2] else []:
    v = v[int(k)] if isinstance(v, list) else v.get(k)
print(v if isinstance(v, str) else json.dumps(v))' "$T_DIR/body" "$1"
}

# Pass if the last call answered status $2 with problem type slug $3
# (and, with $4, a detail that contains it, as the JSON string decodes).
answered() {
	local desc=$1 want="$2 ${3-}" got
	got="$STATUS $(field type | sed 's/^urn:vpoints:problem://')"
	[ -n "${3-}" ] || got=$STATUS
	want=${want% }
	if [ "$got" = "$want" ] && { [ -z "${4-}" ] || field detail | grep -qF -- "$4"; }; then
		t_result ok "$desc"
	else
		t_result fail "$desc"
		echo "#   expected: $want${4:+ (detail with '$4')}"
		echo "#   got:      $STATUS $(head -c 400 "$T_DIR/body")"
	fi
}
