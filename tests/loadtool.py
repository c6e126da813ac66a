#!/usr/bin/python3
"""Load and hostile-input drivers for tests/e2e/crash.sh, concurrency.sh
and abuse.sh.

Requests are signed independently of vpoints, with tests/sigtool.py's
sign_request (Python's standard library and the `cryptography` package).
Keys are vpoints key files (`vpoints keygen`) or OpenSSL PEM keys.

  lost      shift logs whose answer is lost, each then sent again
  race      send many signed requests at once over keep-alive connections
            to one or more daemons; print a JSON summary of the answers
  fields    hostile values in every text field of a volunteer registration
            and a shift log, wrong types, huge and negative numbers, bodies
            that are not JSON objects: TAP-like lines ("ok<TAB>desc",
            "fail<TAB>desc", "# comment") and a JSON summary file
  raw       hostile HTTP (headers, request lines, bodies, lengths) on raw
            sockets: TAP-like lines
  siege     idle and slow-loris connections while a signed request is
            made; the daemon's memory sampled; a JSON summary

Every Signature header value sent is appended to --sig-log when given, so
that a test can look for them in the daemon's log.
"""
import argparse
import base64
import http.client
import json
import os
import queue
import select
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sigtool  # noqa: E402

PROBLEM = "urn:vpoints:problem:"


def load_key(path):
    """A vpoints secret key file, or an OpenSSL PEM Ed25519 key."""
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(b"vpoints-secret-key-v1"):
        for line in data.decode().splitlines():
            if line.startswith("seed "):
                seed = line[5:].strip()
                seed += "=" * (-len(seed) % 4)
                return Ed25519PrivateKey.from_private_bytes(
                    base64.urlsafe_b64decode(seed))
        raise ValueError("%s: no seed line" % path)
    return sigtool.load_key(path)


class SigLog:
    """Signature header values sent, written out at the end."""

    def __init__(self, path):
        self.path, self.values, self.lock = path, [], threading.Lock()

    def add(self, headers):
        v = headers["Signature"]
        with self.lock:
            self.values.append(v[len("sig1=:"):-1])

    def close(self):
        if self.path:
            with open(self.path, "a") as f:
                for v in self.values:
                    f.write(v + "\n")


class Signer:
    def __init__(self, path, siglog):
        self.sk = load_key(path)
        self.keyid = sigtool.keyid_of(sigtool.public_raw(self.sk))
        self.siglog = siglog

    def headers(self, method, authority, path, query, data, idem):
        h = sigtool.sign_request(self.sk, method, authority, path, query,
                                 data, idem, keyid=self.keyid)
        self.siglog.add(h)
        return h


def encode(body):
    if body is None or isinstance(body, bytes):
        return body
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


class Conn:
    """One keep-alive connection to a daemon; every request signed anew.
    A connection the daemon closed is opened again (counted)."""

    def __init__(self, server, signer, timeout=30):
        url = urllib.parse.urlsplit(server)
        self.host, self.port = url.hostname, url.port or 80
        self.authority = url.netloc.lower()
        self.signer, self.timeout = signer, timeout
        self.conn = None
        self.reconnects = -1

    def _open(self):
        self.conn = http.client.HTTPConnection(self.host, self.port,
                                               timeout=self.timeout)
        self.reconnects += 1

    def call(self, method, path, body=None, idem=None, query="", write=None):
        """(status, raw body bytes, content type). Writes get a fresh
        Idempotency-Key unless one is given."""
        if write is None:
            write = method != "GET"
        if write and idem is None:
            idem = str(uuid.uuid4())
        data = encode(body)
        if write and data is None:
            data = b"{}"
        headers = self.signer.headers(method, self.authority, path, query,
                                      data, idem)
        target = path + ("?" + query if query else "")
        if self.conn is None:
            self._open()
        self.conn.request(method, target, body=data, headers=headers)
        resp = self.conn.getresponse()
        raw = resp.read()
        if resp.will_close:
            self.conn.close()
            self.conn = None
        return resp.status, raw, resp.getheader("Content-Type", "")

    def close(self):
        if self.conn is not None:
            self.conn.close()


def slug_of(raw):
    try:
        t = json.loads(raw).get("type", "")
    except (ValueError, AttributeError):
        return None
    return t[len(PROBLEM):] if t.startswith(PROBLEM) else t


# -- lost ---------------------------------------------------------------

def cmd_lost(a):
    """--count shift logs of --volunteer, each sent and hung up on at once
    (FIN, or RST every other one); once its effect shows (the shift is
    listed: it committed with nobody to answer), the same write is sent
    again with its Idempotency-Key and a fresh signature, again while 409
    (in flight). Writes a JSON line per write: key, start, committed, and
    the retry's status and body."""
    siglog = SigLog(a.sig_log)
    signer = Signer(a.key, siglog)
    url = urllib.parse.urlsplit(a.server)
    fmt = lambda t: time.strftime("%Y-%m-%dT%H:%M:00+00:00", time.gmtime(t))
    reader = Conn(a.server, signer)
    out = open(a.out, "w")
    for i in range(1, a.count + 1):
        start = a.base - i * 900
        key = "%s-%d" % (a.prefix, i)
        body = json.dumps({"volunteer": a.volunteer, "activity": a.activity,
                           "started_at": fmt(start), "ended_at": fmt(start + 600)},
                          separators=(",", ":"))
        h = signer.headers("POST", url.netloc.lower(), "/v1/shifts", "",
                           body.encode(), key)
        h["Content-Length"] = str(len(body))
        req = "POST /v1/shifts HTTP/1.1\r\n" + "".join(
            "%s: %s\r\n" % kv for kv in h.items()) + "\r\n" + body
        sock = socket.create_connection((url.hostname, url.port), timeout=5)
        if i % 2 == 0:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                            b"\x01\x00\x00\x00\x00\x00\x00\x00")
        sock.sendall(req.encode())
        sock.close()
        committed = False
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not committed:
            st, raw, _ = reader.call("GET", "/v1/shifts",
                                     query="volunteer=%s&limit=1000" % a.volunteer)
            committed = st == 200 and any(
                unix_time(x["started_at"]) == start
                for x in json.loads(raw)["shifts"])
            if not committed:
                time.sleep(0.02)
        retry = Conn(a.server, signer)
        for _ in range(100):
            st, raw, _ = retry.call("POST", "/v1/shifts", body.encode(), idem=key)
            if st != 409:
                break
            time.sleep(0.05)
        retry.close()
        out.write(json.dumps({"key": key, "start": start, "committed": committed,
                              "status": st, "body": raw.decode()}) + "\n")
    out.close()
    siglog.close()
    return 0


def unix_time(text):
    """Unix seconds of an RFC 3339 time."""
    from datetime import datetime
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


# -- race ---------------------------------------------------------------

def cmd_race(a):
    """Jobs (JSON lines: method, path, body) sent by --connections threads,
    each with a keep-alive connection to one of the servers in turn, all
    starting together. Prints a JSON summary."""
    siglog = SigLog(a.sig_log)
    signer = Signer(a.key, siglog)
    jobs = queue.Queue()
    n = 0
    with open(a.jobs) as f:
        for line in f:
            if line.strip():
                jobs.put(json.loads(line))
                n += 1
    nthreads = min(a.connections, n) or 1
    barrier = threading.Barrier(nthreads)
    lock = threading.Lock()
    status, slugs, bad = {}, {}, []
    stats = {"reconnects": 0, "errors": 0}

    def worker(i):
        conn = Conn(a.server[i % len(a.server)], signer)
        barrier.wait()
        while True:
            try:
                job = jobs.get_nowait()
            except queue.Empty:
                break
            try:
                st, raw, ctype = conn.call(job.get("method", "POST"),
                                           job["path"], job.get("body"),
                                           query=job.get("query", ""))
            except (OSError, http.client.HTTPException) as e:
                with lock:
                    stats["errors"] += 1
                    if len(bad) < 10:
                        bad.append("no answer: %r" % e)
                conn.close()
                conn = Conn(a.server[i % len(a.server)], signer)
                continue
            slug = slug_of(raw) if st >= 400 else None
            with lock:
                status[str(st)] = status.get(str(st), 0) + 1
                if slug is not None:
                    slugs[slug] = slugs.get(slug, 0) + 1
                if st >= 500 and len(bad) < 10:
                    bad.append("%d %s" % (st, raw[:300].decode("utf-8", "replace")))
        with lock:
            stats["reconnects"] += max(conn.reconnects, 0)
        conn.close()

    t0 = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(nthreads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    summary = {"requests": n, "connections": nthreads, "status": status,
               "slugs": slugs, "bad": bad,
               "seconds": round(time.monotonic() - t0, 2), **stats}
    siglog.close()
    print(json.dumps(summary, sort_keys=True))
    return 0


# -- fields -------------------------------------------------------------

# Valid Unicode text: stored as given, read back exactly.
TEXTS = [
    ("SQL quote", "Robert'); DROP TABLE volunteers;--"),
    ("SQL or", "' OR '1'='1' --"),
    ("SQL metacharacters", "%_\\;$1 \"q\" `x` /* */ E'\\x00'"),
    ("RTL marks", "\u202eabc\u202c \u200f\u05e9\u05dc\u05d5\u05dd\u200f"),
    ("zero-width joiners", "\U0001f469\u200d\U0001f469\u200d\U0001f467"),
    ("emoji", "\U0001f642\U0001f680\U0001d11e"),
    ("BOM and zero widths", "\ufeffa\u200bb\u2060c"),
    ("combining marks", "e\u0301\u0301\u0301"),
    ("control characters", "a\tb\nc\u0007\u001b[31m"),
    ("line separators", "x\u2028y\u2029z"),
    ("CJK", "\u5f20\u4e09 \u674e\u56db"),
]
# Raw JSON tokens: the expected value, or None when the JSON is invalid.
TOKENS = [
    ("an escaped surrogate pair", b'"\\ud83d\\ude00"', "\U0001f600"),
    ("a lone surrogate \\ud800", b'"a\\ud800b"', None),
    ("a lone low surrogate \\udc00", b'"\\udc00"', None),
    ("NUL escaped \\u0000", b'"a\\u0000b"', None),
    ("raw invalid UTF-8", b'"\xff\xfe"', None),
    ("overlong UTF-8", b'"\xc0\xaf"', None),
    ("a raw NUL byte", b'"a\x00b"', None),
    ("a raw control character", b'"a\x01b"', None),
]


class Fields:
    def __init__(self, a):
        self.a = a
        self.siglog = SigLog(a.sig_log)
        self.station = Conn(a.server, Signer(a.station_key, self.siglog))
        self.admin = Conn(a.server, Signer(a.admin_key, self.siglog))
        self.n = 0
        self.failed = 0
        self.made = {}
        self.slot = 0
        # The test's base time (tests/lib.sh's T_NOW), to the minute.
        self.now = int(os.environ.get("T_NOW") or time.time()) // 60 * 60

    def result(self, good, desc, diag=None):
        print("%s\t%s" % ("ok" if good else "fail", desc))
        if not good:
            self.failed += 1
            for line in (diag or "").splitlines():
                print("#   " + line)
        sys.stdout.flush()

    def expect(self, desc, got, want_status, want_slug=None, todo=None):
        """want_status: an int or a set; want_slug None: any. todo: the
        reason the answer is known to be wrong (a TAP TODO)."""
        st, raw, ctype = got
        ok_status = st in want_status if isinstance(want_status, set) else st == want_status
        good = ok_status
        diag = "got %d %s" % (st, raw[:300].decode("utf-8", "replace"))
        if good and st >= 400:
            good = ctype == "application/problem+json" and (
                want_slug is None or slug_of(raw) == want_slug)
            diag += " (%s)" % ctype
        self.result(good, desc + " -> %s%s%s" % (
            want_status if isinstance(want_status, int) else "/".join(map(str, sorted(want_status))),
            " " + want_slug if want_slug else "",
            " # TODO " + todo if todo else ""), diag)
        return good

    TABLES = {"/v1/volunteers": "volunteers", "/v1/shifts": "shifts",
              "/v1/shifts/checkin": "checkins", "/v1/communities": "communities",
              "/v1/activities": "activities", "/v1/catalog": "catalog_items",
              "/v1/redemptions": "redemptions",
              "/v1/help-requests": "help_requests"}

    def stored(self, path):
        """Count a write the daemon took, by the table it adds a row to."""
        table = self.TABLES.get(path, "catalog_restocks" if path.endswith(
            "/restock") else path)
        self.made[table] = self.made.get(table, 0) + 1

    def number(self):
        self.n += 1
        return "%s-%d" % (self.a.tag, self.n)

    def times(self):
        """A fresh 10-minute slot in the past, clear of the others."""
        self.slot += 1
        start = self.now - (self.slot + 2) * 20 * 60
        fmt = lambda t: time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(t))
        return fmt(start), fmt(start + 600)

    # A registration with every field, valid.
    def volunteer_body(self, number):
        return {"number": number, "name": "Base name", "consent": True,
                "gender": "female", "birth_month": "1990-03",
                "phone": "13800000000", "skills": ["first aid"],
                "teams": [self.a.team], "registered_on": time.strftime("%Y-%m-%d", time.localtime(self.now)),
                "community": self.a.community}

    def shift_body(self):
        s, e = self.times()
        return {"volunteer": self.a.volunteer, "activity": self.a.activity,
                "started_at": s, "ended_at": e, "activity_name": "Base",
                "place": "Main St", "served": "Neighbours", "content": "Work",
                "lead": "Lead"}

    @staticmethod
    def with_token(body, field, token, in_list):
        """The body's JSON bytes with field's value replaced by a raw
        JSON token (as a list's only element when in_list)."""
        body = dict(body)
        body[field] = ["\x01MARK"] if in_list else "\x01MARK"
        text = encode(body)
        mark = encode("\x01MARK")
        assert text.count(mark) == 1
        return text.replace(mark, token)

    def readback_volunteer(self, number, field, want):
        st, raw, _ = self.station.call("GET", "/v1/volunteers/" +
                                       urllib.parse.quote(number, safe=""))
        if st != 200:
            return "GET the volunteer: %d %s" % (st, raw[:200])
        got = json.loads(raw).get(field)
        return None if got == want else "read back %r, sent %r" % (got, want)

    def readback_shift(self, sid, field, want):
        st, raw, _ = self.station.call("GET", "/v1/shifts",
                                       query="volunteer=%s&limit=1000" %
                                       urllib.parse.quote(self.a.volunteer))
        if st != 200:
            return "GET the shifts: %d %s" % (st, raw[:200])
        for s in json.loads(raw)["shifts"]:
            if s["id"] == sid:
                got = s.get(field)
                return None if got == want else "read back %r, sent %r" % (got, want)
        return "shift %s not listed" % sid

    def text_case(self, kind, field, desc, value, token, body, status, slug,
                  in_list=False):
        """One hostile value in one field: status (and slug) expected; a
        2xx must give the value back, in the answer and on reading."""
        data = self.with_token(body, field, token, in_list) if token is not None \
            else encode(dict(body, **{field: [value] if in_list else value}))
        conn = self.station
        path = "/v1/volunteers" if kind == "volunteer" else "/v1/shifts"
        got = conn.call("POST", path, data)
        what = "%s %s: %s" % (kind, field, desc)
        if not self.expect(what, got, status, slug) or got[0] >= 300:
            return
        self.stored(path)
        want = [value] if in_list else value
        answer = json.loads(got[1])
        err = None if answer.get(field) == want else \
            "the answer has %r, sent %r" % (answer.get(field), want)
        if err is None:
            err = self.readback_volunteer(body["number"], field, want) \
                if kind == "volunteer" else \
                self.readback_shift(answer["id"], field, want)
        self.result(err is None, what + ": reads back exactly", err)

    def volunteer_fields(self):
        # field: (max length of a stored value, or None when the field
        # only takes a known form; the refusal's status; as a list?)
        fields = [
            ("name", 100, None, False), ("phone", 32, None, False),
            ("skills", 50, None, True),
            ("number", None, 422, False), ("community", None, 422, False),
            ("gender", None, 422, False), ("birth_month", None, 422, False),
            ("registered_on", None, 422, False),
            ("id_number", None, 422, False),
            # doc/api.md says 422 unknown-team for a registration, 404 for
            # a team join: the daemon answers 404 to both.
            ("teams", None, {404, 422}, True)]
        for field, maxlen, refusal, in_list in fields:
            for desc, value in TEXTS:
                body = self.volunteer_body(self.number())
                if maxlen is not None:
                    fits = 0 < len(value.strip(" ")) <= maxlen
                    status = 201 if fits else 422
                else:
                    status = refusal
                self.text_case("volunteer", field, desc, value, None, body,
                               status, None, in_list)
            for desc, token, value in TOKENS:
                body = self.volunteer_body(self.number())
                if value is None:
                    status, slug = 400, "invalid-json"
                else:
                    status, slug = (201, None) if maxlen is not None else (refusal, None)
                self.text_case("volunteer", field, desc, value, token, body,
                               status, slug, in_list)

    def shift_fields(self):
        fields = [
            ("activity_name", 200), ("place", 200), ("served", 200),
            ("content", 2000), ("lead", 100),
            ("volunteer", None), ("activity", None), ("started_at", None),
            ("ended_at", None)]
        for field, maxlen in fields:
            for desc, value in TEXTS:
                body = self.shift_body()
                if maxlen is not None:
                    status = 201 if 0 < len(value.strip(" ")) <= maxlen else 422
                elif field == "volunteer" and len(value.strip(" ")) <= 32:
                    status = 404        # unknown-volunteer
                else:
                    status = 422
                self.text_case("shift", field, desc, value, None, body,
                               status, None)
            for desc, token, value in TOKENS:
                body = self.shift_body()
                if value is None:
                    status, slug = 400, "invalid-json"
                elif maxlen is not None:
                    status, slug = 201, None
                else:
                    status, slug = (404 if field == "volunteer" else 422), None
                self.text_case("shift", field, desc, value, token, body,
                               status, slug)

    def types(self):
        """Wrong types, huge and negative numbers, bodies that are not JSON
        objects: refused, nothing stored."""
        st = self.station
        ad = self.admin
        vol = lambda **kw: dict(self.volunteer_body(self.number()), **kw)
        cases = [
            # (description, connection, path, body, status, slug)
            ("name a number", st, "/v1/volunteers", vol(name=123), 422, "invalid-field"),
            ("name a list", st, "/v1/volunteers", vol(name=["a"]), 422, "invalid-field"),
            ("name an object", st, "/v1/volunteers", vol(name={"a": "b"}), 422, "invalid-field"),
            ("name true", st, "/v1/volunteers", vol(name=True), 422, "invalid-field"),
            ("name null", st, "/v1/volunteers", vol(name=None), 422, "invalid-field"),
            ("name empty", st, "/v1/volunteers", vol(name=""), 422, "invalid-field"),
            ("name blank", st, "/v1/volunteers", vol(name="   "), 422, "invalid-field"),
            ("name of 101 characters", st, "/v1/volunteers", vol(name="x" * 101), 422, "invalid-field"),
            ("name of 60,000 characters", st, "/v1/volunteers", vol(name="\u5f20" * 20000), 422, "invalid-field"),
            ("number a number", st, "/v1/volunteers", vol(number=12345), 422, "invalid-field"),
            ("phone a number", st, "/v1/volunteers", vol(phone=13800000000), 422, "invalid-field"),
            ("skills a string", st, "/v1/volunteers", vol(skills="first aid"), 422, "invalid-field"),
            ("skills [1]", st, "/v1/volunteers", vol(skills=[1]), 422, "invalid-field"),
            ("skills [[...]]", st, "/v1/volunteers", vol(skills=[["x"]]), 422, "invalid-field"),
            ("teams a string", st, "/v1/volunteers", vol(teams=self.a.team), 422, "invalid-field"),
            ("teams [{...}]", st, "/v1/volunteers", vol(teams=[{"code": self.a.team}]),
             {404, 422}, "unknown-team"),
            ("consent \"yes\"", st, "/v1/volunteers", vol(consent="yes"), 422, "invalid-field"),
            ("consent 1", st, "/v1/volunteers", vol(consent=1), 422, "invalid-field"),
            ("consent an object", st, "/v1/volunteers", vol(consent={}), 422, None),
            ("id_number a number", st, "/v1/volunteers", vol(id_number=110101199003077777), 422, "invalid-field"),
            ("id_number of 33 digits", st, "/v1/volunteers", vol(id_number="1" * 33), 422, "invalid-field"),
            ("birth_month a number", st, "/v1/volunteers", vol(birth_month=199003), 422, "invalid-field"),
            ("birth_month 1990-13", st, "/v1/volunteers", vol(birth_month="1990-13"), 422, "invalid-field"),
            ("registered_on a number", st, "/v1/volunteers", vol(registered_on=20260101), 422, "invalid-field"),
            ("registered_on 2026-02-30", st, "/v1/volunteers", vol(registered_on="2026-02-30"), 422, "invalid-field"),
            ("registered_on 99999-01-01", st, "/v1/volunteers", vol(registered_on="99999-01-01"), 422, "invalid-field"),
        ]
        shift = lambda **kw: dict(self.shift_body(), **kw)
        cases += [
            ("started_at a number", st, "/v1/shifts", shift(started_at=1700000000), 422, "invalid-field"),
            ("started_at 2026-02-30", st, "/v1/shifts", shift(started_at="2026-02-30T10:00:00+08:00"), 422, "invalid-field"),
            ("started_at with offset +99:99", st, "/v1/shifts", shift(started_at="2026-01-01T10:00:00+99:99"),
             422, "invalid-field"),
            ("started_at with offset +24:00", st, "/v1/shifts", shift(started_at="2026-01-01T10:00:00+24:00"),
             422, "invalid-field"),
            ("started_at year 275760", st, "/v1/shifts", shift(started_at="275760-09-13T00:00:00Z"), 422, "invalid-field"),
            ("ended_at before started_at", st, "/v1/shifts",
             shift(ended_at="2000-01-01T00:00:00Z"), 422, "end-before-start"),
            ("place a number", st, "/v1/shifts", shift(place=12), 422, "invalid-field"),
            ("content an object", st, "/v1/shifts", shift(content={"x": 1}), 422, "invalid-field"),
            ("lead a list", st, "/v1/shifts", shift(lead=["x"]), 422, "invalid-field"),
            ("volunteer a list", st, "/v1/shifts", shift(volunteer=[self.a.volunteer]), 422, "invalid-field"),
            ("content of 2,001 characters", st, "/v1/shifts", shift(content="y" * 2001), 422, "invalid-field"),
        ]
        comm = lambda pop: {"code": "X" + self.number().replace("-", ""),
                            "name": "Hostile", "population": pop}
        for desc, pop, status, slug in [
                ("-1", -1, 422, "invalid-field"), ("0", 0, 422, "invalid-field"),
                ("100000001", 100000001, 422, "invalid-field"),
                ("1.5", 1.5, 422, "invalid-field"), ("\"12\"", "12", 422, "invalid-field"),
                ("1e30", 1e30, 422, "invalid-field"), ("true", True, 422, "invalid-field"),
                ("null", None, 422, "invalid-field"),
                ("-9223372036854775808", -9223372036854775808, 422, "invalid-field"),
                ("9223372036854775807", 9223372036854775807, 422, "invalid-field")]:
            cases.append(("community population " + desc, ad, "/v1/communities",
                          comm(pop), status, slug))
        for desc, raw in [("1e400", b"1e400"),
                          ("123456789012345678901234567890",
                           b"123456789012345678901234567890"),
                          ("-123456789012345678901234567890",
                           b"-123456789012345678901234567890")]:
            cases.append(("community population " + desc + " (not a JSON number "
                          "jansson takes)", ad, "/v1/communities",
                          self.with_token(comm(1), "population", raw, False),
                          400, "invalid-json"))
        cases += [
            ("community code with SQL", ad, "/v1/communities",
             {"code": "C'; DROP TABLE communities;--", "name": "x", "population": 5}, 422, "invalid-field"),
            ("activity points_per_hour -1", ad, "/v1/activities",
             {"code": "h" + self.number(), "name": "x", "points_per_hour": -1}, 422, "invalid-field"),
            ("activity points_per_hour 10001", ad, "/v1/activities",
             {"code": "h" + self.number(), "name": "x", "points_per_hour": 10001}, 422, "invalid-field"),
            ("activity daily_cap -5", ad, "/v1/activities",
             {"code": "h" + self.number(), "name": "x", "points_per_hour": 1, "daily_cap": -5}, 422, "invalid-field"),
            ("catalog price 0", st, "/v1/catalog",
             {"code": "c" + self.number(), "name": "x", "category": "gift", "price": 0, "stock": 1}, 422, "invalid-field"),
            ("catalog price -1", st, "/v1/catalog",
             {"code": "c" + self.number(), "name": "x", "category": "gift", "price": -1, "stock": 1}, 422, "invalid-field"),
            ("catalog price 1e12", st, "/v1/catalog",
             {"code": "c" + self.number(), "name": "x", "category": "gift", "price": 10 ** 12, "stock": 1}, 422, "invalid-field"),
            ("catalog stock -1", st, "/v1/catalog",
             {"code": "c" + self.number(), "name": "x", "category": "gift", "price": 1, "stock": -1}, 422, "invalid-field"),
            ("restock quantity -5", st, "/v1/catalog/%s/restock" % self.a.item,
             {"quantity": -5}, 422, "invalid-field"),
            ("restock quantity 0", st, "/v1/catalog/%s/restock" % self.a.item,
             {"quantity": 0}, 422, "invalid-field"),
            ("restock quantity 2^63-1", st, "/v1/catalog/%s/restock" % self.a.item,
             {"quantity": 2 ** 63 - 1}, 422, "invalid-field"),
            ("redeem quantity -1", st, "/v1/redemptions",
             {"volunteer": self.a.volunteer, "item": self.a.item, "quantity": -1}, 422, "invalid-field"),
            ("redeem quantity 0", st, "/v1/redemptions",
             {"volunteer": self.a.volunteer, "item": self.a.item, "quantity": 0}, 422, "invalid-field"),
            ("redeem quantity 2.5", st, "/v1/redemptions",
             {"volunteer": self.a.volunteer, "item": self.a.item, "quantity": 2.5}, 422, "invalid-field"),
            ("redeem quantity 1001", st, "/v1/redemptions",
             {"volunteer": self.a.volunteer, "item": self.a.item, "quantity": 1001}, 422, "invalid-field"),
            ("redeem quantity \"1\"", st, "/v1/redemptions",
             {"volunteer": self.a.volunteer, "item": self.a.item, "quantity": "1"}, 422, "invalid-field"),
            ("help points -10", st, "/v1/help-requests",
             {"requester": self.a.volunteer, "points": -10, "description": "x"}, 422, "invalid-field"),
            ("help points 1e7", st, "/v1/help-requests",
             {"requester": self.a.volunteer, "points": 10 ** 7, "description": "x"}, 422, "invalid-field"),
            ("help deadline with offset +99:99", st, "/v1/help-requests",
             {"requester": self.a.volunteer, "points": 1, "description": "x",
              "deadline": "2030-01-01T10:00:00+99:99"}, 422, "invalid-field"),
        ]
        # Check-ins keep their descriptive fields until the check-out: each
        # case has a volunteer of its own (a check-in taken stays open).
        for desc, extra in [
                ("place an object", {"place": {"a": 1}}),
                ("lead a number", {"lead": 12}),
                ("content of 2,001 characters", {"content": "y" * 2001}),
                ("started_at with offset +99:99",
                 {"started_at": "2026-01-01T10:00:00+99:99"})]:
            number = self.number()
            body = self.volunteer_body(number)
            self.expect("a volunteer for a check-in", st.call("POST",
                        "/v1/volunteers", body), 201)
            self.stored("/v1/volunteers")
            cases.append(("check-in " + desc, st, "/v1/shifts/checkin",
                          dict({"volunteer": number, "activity": self.a.activity},
                               **extra), 422, "invalid-field"))
        deep = b'{"number":' + b"[" * 5000 + b"]" * 5000 + b"}"
        for desc, raw in [("a list", b"[]"), ("a string", b'"x"'),
                          ("a number", b"1"), ("null", b"null"),
                          ("true", b"true"),
                          ("duplicate keys", b'{"name":"a","name":"b"}'),
                          ("trailing garbage", b'{"name":"a"} x'),
                          ("a byte-order mark first", b'\xef\xbb\xbf{"name":"a"}'),
                          ("an unterminated object", b'{"name":"a"'),
                          ("5,000 nested lists", deep),
                          ("a NUL byte after the object", b'{"name":"a"}\x00'),
                          ("invalid UTF-8 in a key", b'{"\xff":"a"}'),
                          ("an escaped NUL in a key", b'{"a\\u0000b":"a"}')]:
            cases.append(("body " + desc, st, "/v1/volunteers", raw, 400, "invalid-json"))
        cases.append(("an empty body", st, "/v1/volunteers", b"", 422, "invalid-field"))
        for desc, conn, path, body, status, slug, *todo in cases:
            got = conn.call("POST", path, body)
            self.expect("refused: " + desc, got, status, slug, *todo)
            if got[0] < 300:
                self.stored(path)

    def paths(self):
        """Hostile route parameters: a 4xx, never a 5xx."""
        st = self.station
        for desc, method, path, body in [
                ("a volunteer number with SQL", "GET",
                 "/v1/volunteers/V'%20OR%20'1'='1", None),
                ("a volunteer number %00", "GET", "/v1/volunteers/%00", None),
                ("a volunteer number of RTL marks", "GET",
                 "/v1/volunteers/%E2%80%AE%E2%80%8F", None),
                ("a volunteer number of invalid UTF-8", "GET",
                 "/v1/volunteers/%FF%FE", None),
                ("a shift id of 30 digits", "POST",
                 "/v1/shifts/123456789012345678901234567890/checkout", {}),
                ("a shift id -1", "POST", "/v1/shifts/-1/checkout", {}),
                ("a shift id 1e3", "POST", "/v1/shifts/1e3/checkout", {}),
                ("a shift id with SQL", "POST",
                 "/v1/shifts/1;DROP%20TABLE%20shifts/checkout", {}),
                ("a catalog code with a NUL", "POST", "/v1/catalog/a%00b/restock",
                 {"quantity": 1}),
                ("a month 2026-13", "POST", "/v1/months/2026-13/close", {}),
                ("a query repeating a parameter", "GET", "/v1/volunteers?limit=1&limit=2", None),
                ("a limit of 10^30", "GET", "/v1/volunteers?limit=1000000000000000000000000000000", None),
                ("a limit -1", "GET", "/v1/volunteers?limit=-1", None)]:
            path, _, query = path.partition("?")
            got = st.call(method, path, body, query=query)
            self.expect("route " + desc, got, {400, 403, 404, 409, 422})

    def run(self):
        try:
            self.volunteer_fields()
            self.shift_fields()
            self.types()
            self.paths()
        finally:
            self.siglog.close()
            with open(self.a.summary, "w") as f:
                json.dump(self.made, f)
        return 0


def cmd_fields(a):
    return Fields(a).run()


# -- raw ----------------------------------------------------------------

def raw_exchange(port, data, timeout=5, pause=None):
    """Send bytes on a fresh connection (in two parts around pause seconds
    when pause is given as (bytes, seconds)) and read until the daemon
    closes or the timeout. Returns the bytes read and the seconds taken."""
    t0 = time.monotonic()
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    out = b""
    try:
        try:
            s.sendall(data)
        except OSError:
            pass        # the daemon may refuse before reading it all
        s.settimeout(timeout)
        while True:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            except OSError:
                break
            if not chunk:
                break
            out += chunk
            if b"\r\n\r\n" in out and b"Content-Length:" in out:
                head, _, rest = out.partition(b"\r\n\r\n")
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        if len(rest) >= int(line.split(b":")[1]):
                            return out, time.monotonic() - t0
    finally:
        s.close()
    return out, time.monotonic() - t0


def parse_reply(out):
    head, _, body = out.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    try:
        status = int(lines[0].split()[1])
    except (IndexError, ValueError):
        return None, {}, body
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        headers[k.strip().lower().decode()] = v.strip().decode("latin-1")
    return status, headers, body


def cmd_raw(a):
    port = a.port
    failed = 0

    def result(good, desc, diag=""):
        nonlocal failed
        print("%s\t%s" % ("ok" if good else "fail", desc))
        if not good:
            failed += 1
            for line in diag.splitlines():
                print("#   " + line)
        sys.stdout.flush()

    big = b"x" * 70000
    many = b"".join(b"X-H%d: v\r\n" % i for i in range(2000))
    req = lambda line, headers=b"", body=b"": line + b"\r\nHost: 127.0.0.1\r\n" + headers + b"\r\n" + body
    cases = [
        # (description, bytes, allowed statuses, the problem's slug)
        ("a 60 KB header on a write", req(b"POST /v1/volunteers HTTP/1.1",
         b"X-Pad: " + b"p" * 60000 + b"\r\nContent-Length: 2\r\n", b"{}"), {400}, "bad-request"),
        ("2,000 headers", req(b"GET /v1/communities HTTP/1.1", many), {400}, "bad-request"),
        ("a 100 KB request line", req(b"GET /" + b"a" * 100000 + b" HTTP/1.1"), {400}, "bad-request"),
        ("a 70 KB body on a signed route", req(b"POST /v1/volunteers HTTP/1.1",
         b"Content-Type: application/json\r\nContent-Length: %d\r\n" % len(big), big), {413}, "body-too-large"),
        ("Content-Length of 10 GB, no body sent", req(b"POST /v1/volunteers HTTP/1.1",
         b"Content-Length: 10000000000\r\n"), {413}, "body-too-large"),
        ("Content-Length -5", req(b"POST /v1/volunteers HTTP/1.1",
         b"Content-Length: -5\r\n"), {400}, "bad-request"),
        ("Content-Length abc", req(b"POST /v1/volunteers HTTP/1.1",
         b"Content-Length: abc\r\n"), {400}, "bad-request"),
        ("a chunk size of 2^64-1", req(b"POST /v1/volunteers HTTP/1.1",
         b"Transfer-Encoding: chunked\r\n", b"ffffffffffffffff\r\nabc\r\n"), {400, 413}, None),
        # libevent 2.1 answers a corrupt chunk as a body too large.
        ("a chunk size that is not hex", req(b"POST /v1/volunteers HTTP/1.1",
         b"Transfer-Encoding: chunked\r\n", b"zz\r\nabc\r\n0\r\n\r\n"), {400, 413}, None),
        ("1,000 chunks over the body limit", req(b"POST /v1/volunteers HTTP/1.1",
         b"Transfer-Encoding: chunked\r\n", (b"%x\r\n" % 100 + b"c" * 100 + b"\r\n") * 1000 + b"0\r\n\r\n"),
         {413}, "body-too-large"),
        ("a request line without a version", b"GET /healthz\r\n\r\n", {400}, "bad-request"),
        ("an unknown method", req(b"BREW /healthz HTTP/1.1"), {400, 405, 501}, None),
        ("HTTP/9.9", req(b"GET /healthz HTTP/9.9"), {400, 505}, None),
        ("a NUL byte in the request line", req(b"GET /heal\x00thz HTTP/1.1"), {400, 404}, None),
        ("a header without a colon", req(b"GET /healthz HTTP/1.1", b"NoColonHere\r\n"), {400}, "bad-request"),
        ("a header name of spaces", req(b"GET /v1/communities HTTP/1.1", b"   : x\r\n"), {400, 401}, None),
        ("binary garbage", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + os.urandom(200) + b"\r\n\r\n", {400}, "bad-request"),
    ]
    for desc, data, allowed, slug in cases:
        out, secs = raw_exchange(port, data)
        status, headers, body = parse_reply(out)
        ctype = headers.get("content-type", "")
        diag = "got %r (%.1f s)" % (out[:300], secs)
        good = status in allowed and ctype == "application/problem+json"
        if good:
            try:
                p = json.loads(body)
                good = p.get("status") == status and (
                    slug is None or p.get("type") == PROBLEM + slug)
            except ValueError:
                good = False
        result(good, "%s: %s problem+json" % (desc, "/".join(map(str, sorted(allowed)))), diag)
        # The daemon still serves, at once.
        out, _ = raw_exchange(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        if parse_reply(out)[0] != 200:
            result(False, "%s: still serving" % desc, "healthz: %r" % out[:200])
    return 0


# -- siege --------------------------------------------------------------

def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def nfds(pid):
    try:
        return len(os.listdir("/proc/%d/fd" % pid))
    except OSError:
        return -1


def cmd_siege(a):
    """--idle connections that send nothing and --slow ones that send a
    header byte a second; meanwhile a signed request and --during. The
    daemon's memory (VmRSS) and open files are sampled every 0.1 s."""
    siglog = SigLog(a.sig_log)
    signer = Signer(a.key, siglog)
    pid, port = a.pid, a.port
    out = {"rss_before_kb": rss_kb(pid), "fds_before": nfds(pid)}
    peak = {"rss": out["rss_before_kb"], "fds": out["fds_before"]}
    stop = threading.Event()

    def sampler():
        while not stop.is_set():
            try:
                peak["rss"] = max(peak["rss"], rss_kb(pid))
                peak["fds"] = max(peak["fds"], nfds(pid))
            except OSError:
                pass
            time.sleep(0.1)

    th = threading.Thread(target=sampler)
    th.start()

    def connect():
        s = socket.socket()
        s.connect(("127.0.0.1", port))
        s.setblocking(False)
        return s

    slow = []
    for i in range(a.slow):
        s = connect()
        s.send(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow-%d: " % i)
        slow.append(s)
    # A header byte a second on each slow connection, from a thread of
    # its own; a connection the daemon closed is counted and dropped.
    slow_closed = [0]

    def loris():
        while not stop.wait(1):
            for s in slow:
                if s.fileno() < 0:
                    continue
                try:
                    s.send(b"z")
                except OSError:
                    slow_closed[0] += 1
                    s.close()

    lt = threading.Thread(target=loris)
    lt.start()
    # The idle ones: watched for the daemon closing them from the start.
    idle, closed_at, opened_at, by_fd = [], {}, {}, {}
    poller = select.poll()
    most = [0]

    def watch(ms):
        for fd, _ in poller.poll(ms):
            try:
                data = by_fd[fd].recv(4096)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                closed_at[fd] = time.monotonic() - opened_at[fd]
                poller.unregister(fd)
        most[0] = max(most[0], len(idle) - len(closed_at))

    t_open = time.monotonic()
    for i in range(a.idle):
        s = connect()
        idle.append(s)
        by_fd[s.fileno()] = s
        opened_at[s.fileno()] = time.monotonic()
        poller.register(s, select.POLLIN)
        if i % 20 == 19:
            watch(0)
    out["opened_s"] = round(time.monotonic() - t_open, 2)
    # Every connection is open: a signed request, and the test's command.
    conn = Conn("http://127.0.0.1:%d" % port, signer, timeout=10)
    t0 = time.monotonic()
    try:
        out["signed_status"] = conn.call("GET", "/v1/communities")[0]
    except (OSError, http.client.HTTPException) as e:
        out["signed_status"] = repr(e)
    out["signed_ms"] = round((time.monotonic() - t0) * 1000, 1)
    conn.close()
    watch(0)
    if a.during:
        out["during_rc"] = subprocess.call(a.during, shell=True,
                                           stdout=subprocess.DEVNULL,
                                           stderr=subprocess.DEVNULL)
    out["rss_all_open_kb"] = rss_kb(pid)
    out["fds_all_open"] = nfds(pid)
    deadline = time.monotonic() + a.duration
    while time.monotonic() < deadline:
        if len(closed_at) < len(idle):
            watch(50)
        else:
            time.sleep(0.05)
    out["idle_open_at_most"] = most[0]
    stop.set()
    lt.join()
    out["idle_closed"] = len(closed_at)
    out["idle_close_max_s"] = round(max(closed_at.values()), 2) if closed_at else None
    out["idle_close_min_s"] = round(min(closed_at.values()), 2) if closed_at else None
    # A slow connection the daemon closed shows as readable EOF, or a send error.
    for s in slow:
        if s.fileno() < 0:
            continue
        try:
            if s.recv(4096) == b"":
                slow_closed[0] += 1
        except BlockingIOError:
            pass
        except OSError:
            slow_closed[0] += 1
    out["slow_open_at_end"] = a.slow - slow_closed[0]
    out["rss_peak_kb"] = peak["rss"]
    out["fds_peak"] = peak["fds"]
    for s in idle + slow:
        s.close()
    time.sleep(1)
    out["rss_after_kb"] = rss_kb(pid)
    out["fds_after"] = nfds(pid)
    th.join()
    siglog.close()
    print(json.dumps(out, sort_keys=True))
    return 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)

    lo = sub.add_parser("lost")
    lo.add_argument("--server", required=True)
    lo.add_argument("--key", required=True)
    lo.add_argument("--volunteer", required=True)
    lo.add_argument("--activity", required=True)
    lo.add_argument("--count", type=int, default=20)
    lo.add_argument("--base", type=int, required=True)
    lo.add_argument("--prefix", default="lost")
    lo.add_argument("--out", required=True)
    lo.add_argument("--sig-log")

    r = sub.add_parser("race")
    r.add_argument("--server", action="append", required=True)
    r.add_argument("--key", required=True)
    r.add_argument("--jobs", required=True)
    r.add_argument("--connections", type=int, default=20)
    r.add_argument("--sig-log")

    f = sub.add_parser("fields")
    f.add_argument("--server", required=True)
    f.add_argument("--station-key", required=True)
    f.add_argument("--admin-key", required=True)
    f.add_argument("--community", required=True)
    f.add_argument("--team", required=True)
    f.add_argument("--activity", required=True)
    f.add_argument("--volunteer", required=True)
    f.add_argument("--item", required=True)
    f.add_argument("--tag", default="H")
    f.add_argument("--summary", required=True)
    f.add_argument("--sig-log")

    w = sub.add_parser("raw")
    w.add_argument("--port", type=int, required=True)

    s = sub.add_parser("siege")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--pid", type=int, required=True)
    s.add_argument("--key", required=True)
    s.add_argument("--idle", type=int, default=1000)
    s.add_argument("--slow", type=int, default=100)
    s.add_argument("--duration", type=float, default=8)
    s.add_argument("--during")
    s.add_argument("--sig-log")

    a = p.parse_args()
    return {"lost": cmd_lost, "race": cmd_race, "fields": cmd_fields,
            "raw": cmd_raw, "siege": cmd_siege}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
