#!/usr/bin/env bash
# The browser console's files at /console/: served from console_dir with
# their types, a strict Content-Security-Policy, nosniff, no referrer and
# an ETag; only GET and HEAD; nothing but the folder's own regular files
# of known types, whatever the path (daemon/console.c).
. "$top_srcdir/tests/lib.sh"

# A copy of the console with what must never be served beside it.
dir="$T_DIR/console"
mkdir -p "$dir/sub"
cp "$top_srcdir"/console/* "$dir/"
echo 'outside' >"$T_DIR/outside.js"
ln -s "$T_DIR/outside.js" "$dir/link.js"
echo 'hidden' >"$dir/.hidden.js"
echo 'nested' >"$dir/sub/nested.js"
echo 'notes' >"$dir/notes.md"

harness_db
daemon_start "console_dir = $dir"

csp="default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

s=$(http_status GET /console/)
is "GET /console/ is the index" "$s" 200
is "... as HTML" "$(http_header Content-Type)" "text/html; charset=utf-8"
ok "... its bytes" cmp "$T_DIR/body" "$top_srcdir/console/index.html"
is "... with the strict policy" "$(http_header Content-Security-Policy)" "$csp"
is "... nosniff" "$(http_header X-Content-Type-Options)" nosniff
is "... no referrer" "$(http_header Referrer-Policy)" no-referrer
is "... asked again before use" "$(http_header Cache-Control)" no-cache
etag=$(http_header ETag)
like "... an ETag" "$etag" '"'

rm -f "$T_DIR/body"
s=$(http_status GET /console/ -H "If-None-Match: W/\"0\", $etag")
is "If-None-Match with its ETag: 304" "$s" 304
is "... and no body" "$(cat "$T_DIR/body" 2>/dev/null)" ""
s=$(http_status GET /console/ -H 'If-None-Match: "0123"')
is "If-None-Match with another ETag: 200" "$s" 200

# HEAD: the head of the GET, its length too, and not a byte more.
reply=$(exec 3<>"/dev/tcp/127.0.0.1/$DAEMON_PORT"
	printf 'HEAD /console/index.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
	timeout 5 cat <&3 | od -An -c | tr -s ' \n' ' ')
like "HEAD /console/index.html: 200" "$reply" "2 0 0 O K"
like "... the same ETag" "$reply" "${etag//?/ &}"
like "... the length of the GET" "$reply" "$(printf 'Content-Length: %d' "$(wc -c <"$top_srcdir/console/index.html")" | sed 's/ //; s/./ &/g')"
like "... and no body after the head" "${reply% }" '\r \n \r \n'
case ${reply% } in *'\r \n \r \n') t_result ok "... the reply ends with its head" ;;
*) t_result fail "... the reply ends with its head: $reply" ;; esac

for f in "$top_srcdir"/console/*; do
	name=$(basename "$f")
	case $name in
	*.js) type="text/javascript; charset=utf-8" ;;
	*.css) type="text/css; charset=utf-8" ;;
	*.html) type="text/html; charset=utf-8" ;;
	*.svg) type="image/svg+xml" ;;
	*.png) type="image/png" ;;
	*) type="application/json" ;;
	esac
	s=$(http_status GET "/console/$name")
	if [ "$s" = 200 ] && [ "$(http_header Content-Type)" = "$type" ] &&
		cmp -s "$T_DIR/body" "$f"; then
		t_result ok "/console/$name: 200, $type, its bytes"
	else
		t_result fail "/console/$name: 200, $type, its bytes (got $s $(http_header Content-Type))"
	fi
done

# Never anything else: each of these is refused (400, 404, 405), none
# gets a file.
for path in /console /console/nothing.js /console/link.js \
	/console/.hidden.js /console/sub/nested.js /console/sub \
	/console/notes.md /console/../outside.js /console/..%2foutside.js \
	/console/%2e%2e/outside.js /console/%2e%2e%2foutside.js \
	/console/sub/../index.html /console/./index.html /console/.. \
	/console//index.html /console/index.html/ /console/index.html%00 \
	'/console/index.html?x=1/../../outside.js' /console/~ \
	/console/index.html%20 /Console/index.html; do
	s=$(curl -s --path-as-is -o "$T_DIR/body" -w '%{http_code}' "$DAEMON_URL$path")
	case $s in
	400|404) t_result ok "$path: $s" ;;
	200) if [ "$path" = '/console/index.html?x=1/../../outside.js' ] &&
		cmp -s "$T_DIR/body" "$top_srcdir/console/index.html"; then
			t_result ok "$path: the index (a query is no path)"
		else
			t_result fail "$path: 200"
		fi ;;
	*) t_result fail "$path: $s" ;;
	esac
	if grep -q -e outside -e hidden -e nested -e notes "$T_DIR/body"; then
		t_result fail "$path: a file outside the console was sent"
	fi
done

s=$(http_status POST /console/ --data x)
is "POST /console/: 405" "$s" 405
is "... Allow" "$(http_header Allow)" "GET, HEAD"
s=$(http_status PUT /console/index.html --data x)
is "PUT /console/index.html: 405" "$s" 405
s=$(http_status DELETE /console/index.html)
is "DELETE /console/index.html: 405" "$s" 405

# The signed routes are as they were.
s=$(http_status GET /v1/communities)
is "an unsigned API request is still refused" "$s" 401
s=$(http_status HEAD /v1/communities --head)
is "HEAD on a signed route: 405, not a file" "$s" 405

# SIGHUP reads the folder anew.
echo 'export const added = 1;' >"$dir/added.js"
s=$(http_status GET /console/added.js)
is "a file added: not yet served" "$s" 404
kill -HUP "$DAEMON_PID"
for _ in $(seq 1 50); do
	grep -q 'reload: configuration' "$DAEMON_LOG" && break
	sleep 0.1
done
s=$(http_status GET /console/added.js)
is "... served after SIGHUP" "$s" 200
is "... its bytes" "$(http_body)" 'export const added = 1;'

# The page's key is enrolled as a JWK; the client refuses what is not a
# public Ed25519 one, before sending anything (exit 65).
x=$("$VPOINTS" keygen --out "$T_DIR/k.key" >/dev/null && sed -n 's/^public //p' "$T_DIR/k.key.pub")
printf '{"kty":"OKP","crv":"Ed25519","x":"%s","d":"AAAA"}' "$x" >"$T_DIR/d.jwk"
printf '{"kty":"OKP","crv":"X25519","x":"%s"}' "$x" >"$T_DIR/x.jwk"
printf '{"kty":"OKP","crv":"Ed25519","x":"%s"}' "${x:0:20}" >"$T_DIR/short.jwk"
for f in d x short; do
	vp --key "$T_DIR/k.key" station add S9 --name S9 --community C9 --pubkey "$T_DIR/$f.jwk" 2>"$T_DIR/err"
	is "station add refuses $f.jwk (65)" "$?" 65
	like "... and says why" "$(cat "$T_DIR/err")" "$f.jwk: "
done
