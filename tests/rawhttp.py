#!/usr/bin/python3
"""HTTP/1.1 on raw sockets against a real vpointsd, for what a well-behaved
client library will not send: ambiguous framing (request smuggling behind
a reverse proxy), bytes evhttp would cut or join, slow clients, more
connections than the daemon takes. Standard library only; requests are
signed with tests/sigtool.py. Each check prints "ok<TAB>description" or
"fail<TAB>description" and diagnostics as "#" lines, which the calling
tests/e2e/*.sh turns into TAP.
"""
import argparse
import json
import os
import socket
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sigtool  # noqa: E402

PROBLEM = "urn:vpoints:problem:"
failed = 0


def result(good, desc, diag=""):
    global failed
    print("%s\t%s" % ("ok" if good else "fail", desc))
    if not good:
        failed += 1
        for line in str(diag).splitlines():
            print("#   " + line)
    sys.stdout.flush()


def exchange(port, data, timeout=5.0):
    """Send data on a new connection; read until the daemon closes it or
    nothing comes for timeout seconds. Returns (bytes, closed, seconds)."""
    t0 = time.monotonic()
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    out, closed = b"", False
    try:
        try:
            s.sendall(data)
        except OSError:
            pass            # refused before it read everything
        while True:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            except OSError:
                closed = True
                break
            if not chunk:
                closed = True
                break
            out += chunk
    finally:
        s.close()
    return out, closed, time.monotonic() - t0


def responses(out):
    """The responses in out, in order: (status, headers, body) each."""
    found = []
    while out:
        head, sep, rest = out.partition(b"\r\n\r\n")
        if not sep:
            break
        lines = head.split(b"\r\n")
        try:
            status = int(lines[0].split()[1])
        except (IndexError, ValueError):
            break
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(b":")
            headers[k.strip().lower().decode()] = v.strip().decode("latin-1")
        n = int(headers.get("content-length", "0"))
        found.append((status, headers, rest[:n]))
        out = rest[n:]
    return found


def slug(body):
    try:
        t = json.loads(body).get("type", "")
    except ValueError:
        return None
    return t[len(PROBLEM):] if t.startswith(PROBLEM) else t


def expect_refusal(port, desc, data, status=400, kind="bad-request"):
    """One answer, status with problem type kind, then the connection
    closed: nothing after it was read as another request."""
    out, closed, secs = exchange(port, data)
    got = responses(out)
    diag = "got %r (%.1f s, %s)" % (out[:400], secs,
                                    "closed" if closed else "left open")
    good = (len(got) == 1 and got[0][0] == status and
            got[0][1].get("content-type") == "application/problem+json" and
            slug(got[0][2]) == kind and closed)
    result(good, "%s: one %d %s, then closed" % (desc, status, kind), diag)
    # The daemon still serves, at once.
    out, _, _ = exchange(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
                         b"Connection: close\r\n\r\n")
    if [r[0] for r in responses(out)] != [200]:
        result(False, "%s: still serving" % desc, "healthz: %r" % out[:200])


def signed(sk, authority, method, path, query="", body=None, idem=None):
    """A signed request's head lines (without the blank line) and body."""
    h = sigtool.sign_request(sk, method, authority, path, query, body, idem)
    if body is not None:
        h["Content-Length"] = str(len(body))
    target = path + ("?" + query if query else "")
    lines = ["%s %s HTTP/1.1" % (method, target)]
    lines += ["%s: %s" % kv for kv in h.items()]
    return [x.encode() for x in lines], body or b""


def wire(lines, body=b"", extra=()):
    return b"\r\n".join(list(lines) + list(extra)) + b"\r\n\r\n" + body


def cmd_framing(a):
    url = urllib.parse.urlsplit(a.server)
    port, auth = url.port, url.netloc
    sk = sigtool.load_key(a.key)
    healthz = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"

    # A well-formed exchange works, signed, and two pipelined requests on
    # one connection get their two answers (each head screened).
    lines, body = signed(sk, auth, "GET", "/v1/communities")
    out, _, _ = exchange(port, wire(lines + [b"Connection: close"]))
    result([r[0] for r in responses(out)] == [200],
           "a signed GET passes the screen: 200", repr(out[:300]))
    out, _, _ = exchange(port, healthz + healthz.replace(
        b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"))
    result([r[0] for r in responses(out)] == [200, 200],
           "two pipelined requests: 200 and 200", repr(out[:400]))
    out, closed, _ = exchange(port, healthz + b"GET /healthz HTTP/1.1\r\n"
                              b"Host: a\r\nHost: b\r\n\r\n" + healthz)
    got = responses(out)
    result([r[0] for r in got] == [200, 400] and closed and
           slug(got[1][2]) == "bad-request",
           "a bad second request on a kept-alive connection: 200, 400, "
           "closed; the third never read", repr(out[:500]))

    # Framing two parsers could read two ways.
    expect_refusal(port, "two Content-Length headers that differ (2, 40)",
                   b"POST /v1/communities HTTP/1.1\r\nHost: x\r\n"
                   b"Content-Length: 2\r\nContent-Length: 40\r\n\r\n{}"
                   + healthz)
    expect_refusal(port, "two Content-Length headers that differ (40, 2)",
                   b"POST /v1/communities HTTP/1.1\r\nHost: x\r\n"
                   b"Content-Length: 40\r\nContent-Length: 2\r\n\r\n{}")
    expect_refusal(port, "Content-Length with Transfer-Encoding",
                   b"POST /v1/communities HTTP/1.1\r\nHost: x\r\n"
                   b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                   b"0\r\n\r\n" + healthz)
    expect_refusal(port, "Transfer-Encoding: gzip, chunked",
                   b"POST /v1/communities HTTP/1.1\r\nHost: x\r\n"
                   b"Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"
                   + healthz, 501, "http-error")
    expect_refusal(port, "Transfer-Encoding: chunked, identity",
                   b"POST /v1/communities HTTP/1.1\r\nHost: x\r\n"
                   b"Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"
                   + healthz)
    expect_refusal(port, "Content-Length: +2",
                   b"POST /v1/communities HTTP/1.1\r\nHost: x\r\n"
                   b"Content-Length: +2\r\n\r\n{}" + healthz)
    expect_refusal(port, "a HEAD with a body",
                   b"HEAD /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: "
                   b"%d\r\n\r\n" % len(healthz) + healthz)
    expect_refusal(port, "two Host headers",
                   b"GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")
    expect_refusal(port, "no Host header in HTTP/1.1",
                   b"GET /healthz HTTP/1.1\r\n\r\n")
    expect_refusal(port, "an absolute-form target",
                   b"GET http://evil.example/healthz HTTP/1.1\r\n"
                   b"Host: x\r\n\r\n")
    expect_refusal(port, "a NUL byte in a header value",
                   b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n")
    expect_refusal(port, "obs-fold (a header line starting with a space)",
                   b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n")
    expect_refusal(port, "white space before a header's colon",
                   b"GET /healthz HTTP/1.1\r\nHost : x\r\n\r\n")
    expect_refusal(port, "lines ending in LF alone",
                   b"GET /healthz HTTP/1.1\nHost: x\n\n")
    expect_refusal(port, "a control character in a header value",
                   b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: \x1b[2J\r\n\r\n")

    # %00 in the path and in a write's query, signed.
    lines, body = signed(sk, auth, "GET", "/v1/volunteers/V%00")
    expect_refusal(port, "a signed GET with %00 in the path", wire(lines))
    b = b'{"code":"N0","name":"Nul","population":1}'
    lines, body = signed(sk, auth, "POST", "/v1/communities", "x=%00", b,
                         "nul-query-1")
    expect_refusal(port, "a signed write with %00 in its query",
                   wire(lines, body))

    # Repeated lines of what the signature reads: refused, whichever
    # line is the genuine one.
    for name, bogus in (("Signature", b"Signature: sig1=:%s:" %
                         b"A" * 88),
                        ("Signature-Input", b'Signature-Input: sig1=("@method")'
                         b';created=1;keyid="x";alg="ed25519"'),
                        ("Content-Digest", b"Content-Digest: sha-256=:%s:" %
                         b"B" * 44),
                        ("Idempotency-Key", b"Idempotency-Key: other-key")):
        for where in ("after", "before"):
            b = b'{"code":"D%d","name":"Dup","population":1}' % len(where)
            lines, body = signed(sk, auth, "POST", "/v1/communities", "", b,
                                 "dup-%s-%s" % (name, where))
            if where == "after":
                data = wire(lines + [bogus], body)
            else:
                data = wire(lines[:1] + [bogus] + lines[1:], body)
            expect_refusal(port, "a second %s line %s the signed one" %
                           (name, where), data)
    lines, _ = signed(sk, auth, "GET", "/v1/communities")
    expect_refusal(port, "a second Content-Type line",
                   wire(lines + [b"Content-Type: a/b", b"Content-Type: c/d"]))
    return 1 if failed else 0


def trickle(port, first, step, every, total):
    """Send first, then step every `every` s until total s have passed or
    the daemon closes. Returns (answer bytes, seconds until closed or
    None)."""
    s = socket.create_connection(("127.0.0.1", port))
    s.setblocking(False)
    t0 = time.monotonic()
    out = b""
    try:
        s.sendall(first)
        while time.monotonic() - t0 < total:
            time.sleep(every)
            try:
                chunk = s.recv(65536)
                if not chunk:
                    return out, time.monotonic() - t0
                out += chunk
            except BlockingIOError:
                pass
            except OSError:
                return out, time.monotonic() - t0
            try:
                s.send(step)
            except BlockingIOError:
                pass
            except OSError:
                pass
        return out, None
    finally:
        s.close()


def cmd_timeout(a):
    port, limit = a.port, a.request_timeout
    total = limit * 5 + 5
    bound = limit * 3 + 3

    def check(desc, first, step):
        out, when = trickle(port, first, step, 0.25, total)
        got = responses(out)
        good = (when is not None and when <= bound and len(got) == 1 and
                got[0][0] == 408 and slug(got[0][2]) == "request-timeout")
        result(good, "%s: answered 408 request-timeout and closed before "
               "the trickle ended" % desc,
               "closed after %s s (of %d s); got %r" % (
                   None if when is None else round(when, 1), total, out[:300]))

    check("a header byte every 0.25 s",
          b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ", b"z")
    check("a body byte every 0.25 s",
          b"POST /v1/communities HTTP/1.1\r\nHost: x\r\nContent-Length: "
          b"10000\r\n\r\n", b"z")
    check("nothing at all", b"", b"")
    # The clock is per request: a kept-alive connection that waits longer
    # than request_timeout between two quick requests is served twice.
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        first = s.recv(65536)
        time.sleep(limit + 1)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
                  b"Connection: close\r\n\r\n")
        second = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            second += chunk
    except OSError as e:
        second = repr(e).encode()
    finally:
        s.close()
    got = [r[0] for r in responses(first) + responses(second)]
    result(got == [200, 200], "a keep-alive connection idle longer than "
           "request_timeout between requests: both served", repr(got))
    return 1 if failed else 0


def cmd_limit(a):
    port, most = a.port, a.max_connections
    held = []
    for _ in range(most):
        held.append(socket.create_connection(("127.0.0.1", port), timeout=10))
    # One more: accepted after the others (the backlog is in order), so
    # it is over the limit however fast the daemon took them.
    out, closed, secs = exchange(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
                                 b"\r\n", timeout=10)
    got = responses(out)
    result(len(got) == 1 and got[0][0] == 503 and
           slug(got[0][2]) == "overloaded" and
           got[0][1].get("retry-after") == "1" and closed,
           "connection %d of max_connections %d: answered 503 overloaded "
           "and closed" % (most + 1, most),
           "got %r, %s" % (out[:300], "closed" if closed else "open"))
    out, closed, _ = exchange(port, b"", timeout=10)
    result(closed and [r[0] for r in responses(out)] == [503],
           "... also one that sends nothing", repr(out[:300]))
    # The held ones are served meanwhile.
    s = held[0]
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    first = s.recv(65536)
    result(responses(first)[:1] and responses(first)[0][0] == 200,
           "a connection within the limit is served", repr(first[:200]))
    # Room again once some close.
    for s in held[:5]:
        s.close()
    deadline, status = time.monotonic() + 10, None
    while time.monotonic() < deadline:
        out, _, _ = exchange(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
                             b"Connection: close\r\n\r\n")
        got = responses(out)
        status = got[0][0] if got else None
        if status == 200:
            break
        time.sleep(0.2)
    result(status == 200, "once connections close, new ones are served",
           "last status %r" % status)
    for s in held[5:]:
        s.close()
    return 1 if failed else 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("framing")
    f.add_argument("--server", required=True)
    f.add_argument("--key", required=True, help="an enrolled PEM key")
    t = sub.add_parser("timeout")
    t.add_argument("--port", type=int, required=True)
    t.add_argument("--request-timeout", type=int, required=True)
    m = sub.add_parser("limit")
    m.add_argument("--port", type=int, required=True)
    m.add_argument("--max-connections", type=int, required=True)
    a = p.parse_args()
    return {"framing": cmd_framing, "timeout": cmd_timeout,
            "limit": cmd_limit}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
