#!/usr/bin/env bash
# vpointsd under systemd's Type=notify, without systemd: the test listens
# on a unix datagram socket named by NOTIFY_SOCKET, as systemd does, and
# checks READY=1 (only once /healthz answers 200), RELOADING=1 and READY=1
# around SIGHUP, and STOPPING=1 on SIGTERM, each sent by the daemon itself.

if [ "${have_libsystemd:-}" != yes ]; then
	echo "1..0 # SKIP vpointsd is built without libsystemd (libsystemd-dev)"
	exit 0
fi
. "$top_srcdir/tests/lib.sh"

# Each datagram becomes a line "pid=PID MESSAGE" (PID from the sender's
# credentials); on READY=1 the listener asks /healthz at once and adds
# "healthz=STATUS", so the line shows what a client saw at that moment.
listener='
import socket, struct, sys, urllib.error, urllib.request
path, out, conf = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
s.bind("\0" + path[1:] if path.startswith("@") else path)
open(out + ".up", "w").close()
while True:
    msg, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(12))
    pid = "?"
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
            pid = struct.unpack("iII", data[:12])[0]
    line = "pid=%s %s" % (pid, msg.decode().strip().replace("\n", " "))
    if msg.strip() == b"READY=1":
        listen = [l.split("=", 1)[1].strip() for l in open(conf)
                  if l.startswith("listen")][-1]
        try:
            status = urllib.request.urlopen("http://%s/healthz" % listen,
                                            timeout=5).status
        except urllib.error.HTTPError as e:
            status = e.code
        except OSError:
            status = "none"
        line += " healthz=%s" % status
    with open(out, "a") as f:
        f.write(line + "\n")
'

# Wait up to 5 s for the listener to have written $1 lines.
wait_lines() {
	local i
	for i in $(seq 1 50); do
		[ "$(wc -l <"$T_DIR/notify.log" 2>/dev/null || echo 0)" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
# Line $1 of what the listener heard.
heard() { sed -n "${1}p" "$T_DIR/notify.log"; }

harness_db
sock="$T_DIR/notify.sock"
# A unix socket path holds at most 107 bytes; else an abstract socket.
[ ${#sock} -gt 100 ] && sock="@vpoints-notify.$$"
/usr/bin/python3 -c "$listener" "$sock" "$T_DIR/notify.log" "$DAEMON_CONF" \
	2>"$T_DIR/listener.err" &
EXTRA_PIDS+=("$!")
for _ in $(seq 1 50); do
	[ -f "$T_DIR/notify.log.up" ] && break
	sleep 0.1
done
ok "the notification listener is up" test -f "$T_DIR/notify.log.up"

NOTIFY_SOCKET=$sock daemon_start
ok "a notification comes" wait_lines 1
is "READY=1 from the daemon, when /healthz answers 200" "$(heard 1)" \
	"pid=$DAEMON_PID READY=1 healthz=200"
like "the log says it is ready" "$(cat "$DAEMON_LOG")" "ready: listening on"

kill -HUP "$DAEMON_PID"
ok "SIGHUP brings two more" wait_lines 3
is "RELOADING=1 first" "$(heard 2)" "pid=$DAEMON_PID RELOADING=1"
is "then READY=1 again" "$(heard 3)" "pid=$DAEMON_PID READY=1 healthz=200"

pid=$DAEMON_PID
ok "SIGTERM exits 0" daemon_stop
ok "one more notification" wait_lines 4
is "STOPPING=1 on SIGTERM" "$(heard 4)" "pid=$pid STOPPING=1"
is "nothing else was sent" "$(wc -l <"$T_DIR/notify.log")" 4

# Without NOTIFY_SOCKET nothing is sent and nothing breaks.
daemon_start
ok "without NOTIFY_SOCKET the daemon serves" wait_health 5
ok "and stops with 0" daemon_stop
is "the listener heard nothing more" "$(wc -l <"$T_DIR/notify.log")" 4
