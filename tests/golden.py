#!/usr/bin/python3
"""The golden transcript of vpointsd's answers (tests/e2e/golden.sh).

Sends a fixed script of requests to a fresh vpointsd, covering every route
with successes and refusals, and writes a transcript: for each request the
name the script gives it, the request as the script writes it, the reply's
status, its Content-Type (and Allow, Cache-Control and Retry-After when
present) and its body. The test compares the transcript byte for byte with
tests/golden/answers.txt, captured from an earlier build.

Only what changes from run to run is normalised, in the body and in the
request shown:

- times near the base time (T_NOW, from tests/lib.sh): those the daemon
  stamps with its clock and those the script derives from T_NOW become
  <time+08:00>, or <time.f+08:00> with a fraction of a second (the form
  and the offset stay), and such dates <date>; the script's own times are
  fixed, in June 2024, and stay as they are;
- generated ids become a placeholder numbered by first appearance, one
  numbering per kind: row ids (<shift:1>, <transfer:3>; by the key that
  holds them), key ids and public keys, certificate numbers, and the
  receipt's id; a JWS is shown decoded, its parts normalised in the same
  way, its signature as <signature>;
- the server's clock in a refusal of a signature's time (server_time,
  Unix seconds) becomes <unix-time>;
- /metrics keeps its # HELP and # TYPE lines (the values count the
  harness's polls and time the requests).

Everything else, whitespace and key order included, is the daemon's reply
byte for byte. Requests are signed with tests/sigtool.py.
"""
import argparse
import base64
import http.client
import json
import os
import re
import socket
import sys
import time
import urllib.parse
from datetime import date, datetime, timedelta, timezone

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sigtool  # noqa: E402

T_NOW = int(os.environ.get("T_NOW") or time.time())

# -- normalising --------------------------------------------------------

TIME_RE = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(\.\d+)?)?"
                     r"(Z|[+-]\d\d:?\d\d)?")
DATE_RE = re.compile(r"(?<![\d-])\d{4}-\d\d-\d\d(?![\dT:])")
KEY43_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")
ADMIN_CODE_RE = re.compile(r"^admin-[A-Za-z0-9_-]{8}$")
CERT_RE = re.compile(r"^C-\d{4}-\d{6}$")
RECEIPT_RE = re.compile(r"^(R-.+-)(\d+)$")
JWS_RE = re.compile(r"^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$")
# A row id in a sentence (a problem's detail): its kind by the word before.
DETAIL_ID_RE = re.compile(r"\b(Shift|Redemption|Help request) (\d+)\b")
DETAIL_KINDS = {"Shift": "shift", "Redemption": "redemption",
                "Help request": "help"}
TOKEN_RE = re.compile(r'\s+|[{}\[\]:,]|"(?:[^"\\]|\\.)*"|'
                      r'-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null')

# Which kind of row an integer id names, by the key that holds it ("id":
# by the list it is in, or at the top by the route's first segment).
ID_KEYS = {"shift": "shift", "corrects": "shift", "corrected_by": "shift",
           "reversal_of": "transfer", "redemption": "redemption",
           "help_request": "help", "duplicate": "duplicate",
           "training": "training"}
ID_LISTS = {"shifts": "shift", "transfers": "transfer",
            "stations": "station", "communities": "community",
            "help_requests": "help", "items": "item",
            "volunteers": "volunteer", "redemptions": "redemption",
            "duplicates": "duplicate", "suspected_duplicates": "duplicate",
            "trainings": "training", "training": "training",
            "awards": "award", "evaluations": "evaluation",
            "qualifications": "grant"}
ID_ROUTES = {"shifts": "shift", "redemptions": "redemption",
             "help-requests": "help", "communities": "community",
             "stations": "station", "volunteers": "volunteer",
             "catalog": "item", "duplicates": "duplicate",
             "trainings": "training", "awards": "award",
             "evaluations": "evaluation", "qualifications": "grant"}


class Normaliser:
    def __init__(self):
        self.seen = {}          # kind -> {value: n}
        self.jws = []           # decoded JWS of the current reply

    def ph(self, kind, value):
        """The placeholder of a generated value: its kind, and its number
        among the values of that kind in the order they first appeared."""
        ids = self.seen.setdefault(kind, {})
        if value not in ids:
            ids[value] = len(ids) + 1
        return "<%s:%d>" % (kind, ids[value])

    def near_now(self, t):
        """Not one of the script's fixed times (June 2024)."""
        return t >= T_NOW - 2 * 86400

    def text(self, s):
        """Times and dates near the base time in free text."""
        def time_sub(m):
            text = m.group(0)
            try:
                t = datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                return text
            if t.tzinfo is None:
                t = t.replace(tzinfo=timezone.utc)
            if not self.near_now(t.timestamp()):
                return text
            # The form stays: whether it has a fraction of a second (its
            # length varies: PostgreSQL drops trailing zeros) and the offset.
            return "<time%s%s>" % (".f" if m.group(1) else "", m.group(2) or "")

        def date_sub(m):
            try:
                d = date.fromisoformat(m.group(0))
            except ValueError:
                return m.group(0)
            today = datetime.fromtimestamp(T_NOW, timezone.utc).date()
            return "<date>" if d >= today - timedelta(days=2) else m.group(0)
        return DATE_RE.sub(date_sub, TIME_RE.sub(time_sub, s))

    def string(self, path, token):
        """A JSON string token (quotes and escapes as sent)."""
        value = json.loads(token)
        key = path[-1] if path else None
        if key == "version":
            return '"<version>"'
        if JWS_RE.match(value):
            self.jws.append(value)
            return '"%s"' % self.ph("jws", value)
        if key == "token" and KEY43_RE.match(value):
            return '"%s"' % self.ph("token", value)
        m = re.fullmatch(r"(/[ps]/)([A-Za-z0-9_-]{43})(.*)", value)
        if key == "path" and m:
            return '"%s%s%s"' % (m.group(1), self.ph("token", m.group(2)),
                                 m.group(3))
        if key in ("x", "public_key", "public") and KEY43_RE.match(value):
            return '"%s"' % self.ph("public-key", value)
        if KEY43_RE.match(value):
            return '"%s"' % self.ph("keyid", value)
        if key in ("code", "enrolled_by") and ADMIN_CODE_RE.match(value):
            return '"%s"' % self.ph("admin-station", value)
        if CERT_RE.match(value):
            return '"%s"' % self.ph("certificate", value)
        m = RECEIPT_RE.match(value)
        if key == "receipt" and m:
            return '"%s%s"' % (m.group(1), self.ph("redemption", int(m.group(2))))
        if key == "sha256" and re.fullmatch(r"[0-9a-f]{64}", value):
            return '"%s"' % self.ph("sha256", value)
        if key == "detail":
            token = DETAIL_ID_RE.sub(lambda m: "%s %s" % (m.group(1), self.ph(
                DETAIL_KINDS[m.group(1)], int(m.group(2)))), token)
        return self.text(token)

    def number(self, path, route, token):
        """A JSON number token: row ids become placeholders."""
        key = path[-1] if path else None
        if not re.fullmatch(r"\d+", token):
            return token
        if key == "server_time":
            return "<unix-time>"
        kind = None
        if key == "id":
            holder = [k for k in path[:-1] if k != "[]"]
            if not holder or holder[-1] == "data":
                # The answer's own object, or a history row's copy of it.
                kind = ID_ROUTES.get(route)
            else:
                kind = ID_LISTS.get(holder[-1], holder[-1])
        elif key == "corrects" and (route == "awards" or "awards" in path):
            kind = "award"
        elif key in ID_KEYS:
            kind = ID_KEYS[key]
        elif key and key.endswith("_id"):
            kind = key[:-3]
        return self.ph(kind, int(token)) if kind else token

    def json(self, text, route):
        """The raw JSON text with only its values normalised, or None when
        it is not JSON."""
        out, stack, pos = [], [], 0   # stack: [kind, key, expecting key?]
        while pos < len(text):
            m = TOKEN_RE.match(text, pos)
            if m is None:
                return None
            tok = m.group(0)
            pos = m.end()
            top = stack[-1] if stack else None
            if tok[0] in " \t\r\n" or tok in (":",):
                out.append(tok)
                continue
            if tok in ("{", "["):
                stack.append(["obj" if tok == "{" else "arr", None, tok == "{"])
                out.append(tok)
                continue
            if tok in ("}", "]"):
                if not stack:
                    return None
                stack.pop()
                out.append(tok)
                continue
            if tok == ",":
                if top and top[0] == "obj":
                    top[2] = True
                out.append(tok)
                continue
            if top and top[0] == "obj" and top[2]:
                top[1] = json.loads(tok)
                top[2] = False
                out.append(tok)
                continue
            path = []
            for kind, key, _ in stack:
                path.append(key if kind == "obj" else "[]")
            if tok[0] == '"':
                out.append(self.string(path, tok))
            elif tok[0] in "-0123456789":
                out.append(self.number(path, route, tok))
            else:
                out.append(tok)
        return "".join(out)

    def body(self, raw, route, metrics=False):
        """The reply's body for the transcript, and the decoded JWS."""
        self.jws = []
        text = raw.decode("utf-8", "backslashreplace")
        if metrics:
            return "\n".join(line for line in text.split("\n")
                             if line.startswith("# ")) + "\n"
        norm = self.json(text, route) if text.lstrip()[:1] in "{[" else None
        if norm is None:
            norm = self.text(text)
        lines = [norm]
        for jws in self.jws:
            lines.append(self.jws_lines(jws, route))
        return "\n".join(lines)

    def jws_lines(self, jws, route):
        """A JWS decoded: its header and payload, normalised."""
        header, payload, _ = jws.split(".")
        name = self.ph("jws", jws)

        def part(p):
            raw = base64.urlsafe_b64decode(p + "=" * (-len(p) % 4))
            text = raw.decode("utf-8", "backslashreplace")
            saved = self.jws
            norm = self.json(text, route)
            self.jws = saved
            return norm if norm is not None else self.text(text)
        return "%s header: %s\n%s payload: %s\n%s signature: <signature>" % (
            name, part(header), name, part(payload), name)


# -- the connection -------------------------------------------------------

class Client:
    def __init__(self, server):
        url = urllib.parse.urlsplit(server)
        self.host, self.port = url.hostname, url.port or 80
        self.authority = url.netloc.lower()
        self.conn = None

    def send(self, method, target, body, headers):
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port,
                                                       timeout=30)
            try:
                self.conn.request(method, target, body=body, headers=headers)
                resp = self.conn.getresponse()
                raw = resp.read()
                break
            except (ConnectionError, http.client.HTTPException):
                # Only a connection the daemon closed before the request
                # was read is tried again (same bytes: nothing was read).
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        hdrs = {k: resp.getheader(k) for k in
                ("Content-Type", "Allow", "Cache-Control", "Retry-After")
                if resp.getheader(k) is not None}
        if resp.will_close:
            self.conn.close()
            self.conn = None
        return resp.status, hdrs, raw

    def raw(self, data):
        """Send bytes on a new connection; read the reply to its end."""
        with socket.create_connection((self.host, self.port), timeout=10) as s:
            s.sendall(data)
            chunks = []
            while True:
                try:
                    c = s.recv(65536)
                except ConnectionResetError:
                    break
                if not c:
                    break
                chunks.append(c)
        reply = b"".join(chunks)
        head, _, body = reply.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        hdrs = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            for name in ("Content-Type", "Allow", "Cache-Control",
                         "Retry-After"):
                if k.strip().lower() == name.lower():
                    hdrs[name] = v.strip()
        return status, hdrs, body


# -- the script -----------------------------------------------------------

def t(day, hm):
    """One of the script's fixed times: a day of June 2024, Beijing time."""
    return "2024-06-%02dT%s:00+08:00" % (day, hm)


def iso(ts):
    return datetime.fromtimestamp(ts, timezone(timedelta(hours=8))).isoformat()


class Script:
    def __init__(self, a):
        self.client = Client(a.server)
        self.norm = Normaliser()
        self.keys = {"admin": sigtool.load_key(a.admin_key)}
        for name in ("S01", "S01b", "S01c", "S02", "stranger", "O01"):
            self.keys[name] = Ed25519PrivateKey.generate()
        self.vars = {}
        self.n = 0
        self.out = open(a.out, "w", encoding="utf-8")
        self.raw_out = open(a.raw_out, "wb") if a.raw_out else None

    def pub(self, name):
        return sigtool.b64url(sigtool.public_raw(self.keys[name]))

    def fill(self, s):
        return re.sub(r"\{(\w+)\}", lambda m: str(self.vars[m.group(1)]), s)

    def record(self, title, who, method, shown, body_shown, status, hdrs,
               raw, route, metrics=False):
        self.n += 1
        w = self.out.write
        if self.raw_out:
            self.raw_out.write(b"== %03d\n%s\n\n" % (self.n, raw))
        w("== %03d %s: %s\n" % (self.n, who, title))
        w("%s %s\n" % (method, shown))
        if body_shown is not None:
            w("%s\n" % self.norm.text(self.norm.json(body_shown, route)
                                      or body_shown))
        w("-> %d\n" % status)
        for k in ("Content-Type", "Allow", "Cache-Control", "Retry-After"):
            if k in hdrs:
                w("-> %s: %s\n" % (k, hdrs[k]))
        w(self.norm.body(raw, route, metrics))
        w("\n\n")

    def req(self, title, who, method, path, body=None, query="", idem=True,
            save=None, accept=None, sign=None, text=None, metrics=False):
        """One request. who: a key name, or None for no signature. path may
        name earlier answers' values as {name}; save: {name: key} to keep
        from the answer. idem: True for a key made from the step number, a
        string for that key, None for none. sign: sigtool arguments."""
        target_path = self.fill(path)
        data = None
        if text is not None:
            data = text.encode()
        elif body is not None:
            data = json.dumps(body, ensure_ascii=False,
                              separators=(",", ":")).encode()
        key = None
        if method != "GET" and idem is not None and who is not None:
            key = "golden-%03d" % (self.n + 1) if idem is True else idem
        if who is not None:
            args = dict(sign or {})
            authority = args.pop("authority", self.client.authority)
            headers = sigtool.sign_request(self.keys[who], method,
                                           authority, target_path,
                                           query, data, key, **args)
        else:
            headers = {"Host": self.client.authority}
            if data is not None:
                headers["Content-Type"] = "application/json"
        if accept:
            headers["Accept"] = accept
        target = target_path + ("?" + query if query else "")
        status, hdrs, raw = self.client.send(method, target, data, headers)
        route = path.split("/")[2] if path.startswith("/v1/") else path
        shown = path + ("?" + query if query else "")
        self.record(title, who or "anyone", method, shown,
                    data.decode() if data is not None else None, status, hdrs,
                    raw, route, metrics)
        if save:
            answer = json.loads(raw)
            for name, field in save.items():
                self.vars[name] = answer[field]
        return headers, data, target

    def again(self, title, who, method, path, sent):
        """Send the very same signed request again (a replay)."""
        headers, data, target = sent
        status, hdrs, raw = self.client.send(method, target, data, headers)
        self.record(title, who, method, path,
                    data.decode() if data is not None else None, status, hdrs,
                    raw, path.split("/")[2])

    def raw(self, title, shown, data):
        status, hdrs, raw = self.client.raw(data)
        self.record(title, "anyone", "RAW", shown, None, status, hdrs, raw,
                    "raw")

    def run(self):
        A, S1, S2 = "admin", "S01", "S02"
        r = self.req
        # Open routes and refusals before any route's code runs.
        r("health", None, "GET", "/healthz")
        r("metrics: the families", None, "GET", "/metrics", metrics=True)
        r("the daemon's public key", None, "GET", "/v1/public-key")
        r("the settings clients read", None, "GET", "/v1/settings")
        r("the daemon's signing keys, a JWK Set", None, "GET",
          "/v1/public-keys")
        r("no such route", None, "GET", "/no/such/route")
        r("a GET route posted to", None, "POST", "/healthz")
        r("PATCH on a GET and POST route", None, "PATCH", "/v1/communities")
        r("no signature", None, "GET", "/v1/communities")
        self.raw("a malformed request line", "NONSENSE",
                 b"NONSENSE\r\n\r\n")
        # Only the head: the daemon refuses by the length, and a body it
        # never reads would make its close a reset that may lose the reply.
        self.raw("a body over max_body_size", "POST /v1/communities "
                 "(Content-Length: 100000)",
                 b"POST /v1/communities HTTP/1.1\r\nHost: x\r\n"
                 b"Content-Length: 100000\r\n\r\n")
        self.raw("an unknown method", "BREW /healthz",
                 b"BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n")

        # Communities.
        c01 = {"code": "C01", "name": "东城社区", "population": 12000}
        r("community C01", A, "POST", "/v1/communities", c01, idem="c01")
        r("community C01 again, same key: the stored answer", A, "POST",
          "/v1/communities", c01, idem="c01")
        r("the same key for another body", A, "POST", "/v1/communities",
          {"code": "C09", "name": "x", "population": 1}, idem="c01")
        r("community C02", A, "POST", "/v1/communities",
          {"code": "C02", "name": "West", "population": 8000})
        r("community C01 once more", A, "POST", "/v1/communities", c01)
        r("a negative population", A, "POST", "/v1/communities",
          {"code": "C03", "name": "x", "population": -5})
        r("a body that is not JSON", A, "POST", "/v1/communities",
          text="not json")
        r("a write without Idempotency-Key", A, "POST", "/v1/communities",
          {"code": "C04", "name": "x", "population": 1}, idem=None)
        r("the communities", A, "GET", "/v1/communities")

        # Stations.
        r("station S01 of C01", A, "POST", "/v1/stations",
          {"code": "S01", "name": "East station", "community": "C01",
           "public_key": self.pub(S1)})
        r("station S02 of C02", A, "POST", "/v1/stations",
          {"code": "S02", "name": "West station", "community": "C02",
           "public_key": self.pub(S2)})
        r("a station of an unknown community", A, "POST", "/v1/stations",
          {"code": "S03", "name": "x", "community": "C99",
           "public_key": self.pub("stranger")})
        r("a second station for one key", A, "POST", "/v1/stations",
          {"code": "S04", "name": "x", "community": "C01",
           "public_key": self.pub(S1)})
        r("a second key for S01 (rotation)", A, "POST",
          "/v1/stations/S01/keys", {"public_key": self.pub("S01b")})
        r("a third key for S01, as a JWK", A, "POST", "/v1/stations/S01/keys",
          {"public_key": {"kty": "OKP", "crv": "Ed25519",
                          "x": self.pub("S01c")}})
        r("a key for another station, asked by a station", S1, "POST",
          "/v1/stations/S02/keys", {"public_key": self.pub("S01c")})
        r("a key for a station that is not there", A, "POST",
          "/v1/stations/S99/keys", {"public_key": self.pub("S01c")})
        r("S01's second key signs", "S01b", "GET", "/v1/communities")
        r("the stations", A, "GET", "/v1/stations")
        r("the stations, asked by a station", S1, "GET", "/v1/stations")
        r("a community added by a station", S1, "POST", "/v1/communities",
          {"code": "C05", "name": "x", "population": 1})

        # Activities and teams.
        r("activity clean, 10 points an hour", A, "POST", "/v1/activities",
          {"code": "clean", "name": "Street cleaning", "points_per_hour": 10})
        r("activity night: capped, doubled 22:00-06:00", A, "POST",
          "/v1/activities",
          {"code": "night", "name": "Night watch", "points_per_hour": 10,
           "daily_cap": 25, "multipliers": [{"name": "night", "from": "22:00",
                                             "to": "06:00", "percent": 200}]})
        r("activity clean again", A, "POST", "/v1/activities",
          {"code": "clean", "name": "x", "points_per_hour": 1})
        r("the activities", S1, "GET", "/v1/activities")
        r("standing team env", A, "POST", "/v1/teams",
          {"code": "env", "name": "Environment", "kind": "standing"})
        r("specialty team youth of C01", A, "POST", "/v1/teams",
          {"code": "youth", "name": "Youth", "kind": "specialty",
           "community": "C01"})
        r("the teams", S1, "GET", "/v1/teams")

        # Volunteers.
        v001 = {"number": "V-001", "name": "张三", "consent": True,
                "gender": "female", "phone": "13800000000",
                "id_number": "110101199003077777", "teams": ["env"],
                "registered_on": "2024-01-15"}
        r("V-001 with consent, ID number and a team", S1, "POST",
          "/v1/volunteers", v001, idem="v001")
        r("V-002", S1, "POST", "/v1/volunteers",
          {"number": "V-002", "name": "Li Si", "registered_on": "2024-02-01"})
        r("V-003 of C02", S2, "POST", "/v1/volunteers",
          {"number": "V-003", "name": "Wang Wu", "registered_on": "2024-03-01"})
        r("V-004 registered today", S1, "POST", "/v1/volunteers",
          {"number": "V-004", "name": "Zhao Liu"})
        r("personal fields without consent", S1, "POST", "/v1/volunteers",
          {"number": "V-005", "name": "x", "phone": "123"})
        r("V-001 again", S1, "POST", "/v1/volunteers",
          {"number": "V-001", "name": "x"})
        r("V-005 with V-001's ID number: a suspected duplicate", S1, "POST",
          "/v1/volunteers", {"number": "V-005", "name": "x",
                             "id_number": "110101199003077777"})
        r("V-001 joins youth", S1, "POST", "/v1/teams/youth/join",
          {"volunteer": "V-001"})
        r("V-003 joins a team of another community", S2, "POST",
          "/v1/teams/youth/join", {"volunteer": "V-003"})
        r("joining a team that is not there", S1, "POST",
          "/v1/teams/nosuch/join", {"volunteer": "V-001"})
        r("V-001 leaves youth", S1, "POST", "/v1/teams/youth/leave",
          {"volunteer": "V-001"})
        r("the volunteers", S1, "GET", "/v1/volunteers")
        r("V-001", S1, "GET", "/v1/volunteers/V-001")
        r("V-001 with its history", S1, "GET", "/v1/volunteers/V-001",
          query="history=1")
        r("a volunteer who is not there", S1, "GET", "/v1/volunteers/V-999")
        r("V-002 renamed", S1, "PATCH", "/v1/volunteers/V-002",
          {"name": "Li Si (东)"})
        r("V-003 changed by another community's station", S1, "PATCH",
          "/v1/volunteers/V-003", {"name": "x"})
        r("V-004 suspended", S1, "PATCH", "/v1/volunteers/V-004",
          {"status": "suspended", "reason": "moved away for a year"})
        r("V-002 given an ID number", S1, "PATCH", "/v1/volunteers/V-002",
          {"id_number": "110101199505050011"})
        r("V-002's ID number changed by a station", S1, "PATCH",
          "/v1/volunteers/V-002", {"id_number": "110101199505050022"})
        r("the suspected duplicates", A, "GET", "/v1/duplicates")
        r("the suspected duplicates, asked by a station", S1, "GET",
          "/v1/duplicates")
        r("resolve suspected duplicate 1", A, "POST",
          "/v1/duplicates/1/resolve", {"note": "same person; the desk knows"})
        r("resolve one that is not there", A, "POST",
          "/v1/duplicates/999/resolve", {"note": "x"})
        r("every suspected duplicate", A, "GET", "/v1/duplicates",
          query="all=1")

        # Shifts.
        r("a paper record of 60 minutes", S1, "POST", "/v1/shifts",
          {"volunteer": "V-001", "activity": "clean",
           "started_at": t(10, "09:00"), "ended_at": t(10, "10:00"),
           "place": "Main St"})
        r("an overlapping shift", S1, "POST", "/v1/shifts",
          {"volunteer": "V-001", "activity": "clean",
           "started_at": t(10, "09:30"), "ended_at": t(10, "11:00")})
        r("an end before the start", S1, "POST", "/v1/shifts",
          {"volunteer": "V-001", "activity": "clean",
           "started_at": t(10, "15:00"), "ended_at": t(10, "14:00")})
        r("over 24 hours", S1, "POST", "/v1/shifts",
          {"volunteer": "V-001", "activity": "clean",
           "started_at": t(12, "09:00"), "ended_at": t(13, "10:00")})
        r("a start in the future", S1, "POST", "/v1/shifts",
          {"volunteer": "V-001", "activity": "clean",
           "started_at": iso(T_NOW + 7200), "ended_at": iso(T_NOW + 10800)})
        r("an unknown activity", S1, "POST", "/v1/shifts",
          {"volunteer": "V-001", "activity": "nosuch",
           "started_at": t(14, "09:00"), "ended_at": t(14, "10:00")})
        r("a volunteer of another community", S1, "POST", "/v1/shifts",
          {"volunteer": "V-003", "activity": "clean",
           "started_at": t(14, "09:00"), "ended_at": t(14, "10:00")})
        r("a suspended volunteer's shift", S1, "POST", "/v1/shifts",
          {"volunteer": "V-004", "activity": "clean",
           "started_at": t(14, "09:00"), "ended_at": t(14, "10:00")})
        r("a volunteer who is not there", S1, "POST", "/v1/shifts",
          {"volunteer": "V-999", "activity": "clean",
           "started_at": t(14, "09:00"), "ended_at": t(14, "10:00")})
        r("59 minutes earn 9 points", S1, "POST", "/v1/shifts",
          {"volunteer": "V-001", "activity": "clean",
           "started_at": t(11, "09:00"), "ended_at": t(11, "09:59")},
          save={"log2": "id"})
        r("the night, capped: 21:00-02:00", S1, "POST", "/v1/shifts",
          {"volunteer": "V-002", "activity": "night",
           "started_at": t(15, "21:00"), "ended_at": t(16, "02:00")},
          save={"night": "id"})
        r("a check-in", S1, "POST", "/v1/shifts/checkin",
          {"volunteer": "V-002", "activity": "clean",
           "started_at": t(25, "08:00")}, save={"checkin": "id"})
        r("a check-in with an admin key", A, "POST", "/v1/shifts/checkin",
          {"volunteer": "V-002", "activity": "clean"})
        r("the check-out", S1, "POST", "/v1/shifts/{checkin}/checkout",
          {"ended_at": t(25, "10:30")})
        r("the check-out again", S1, "POST", "/v1/shifts/{checkin}/checkout",
          {"ended_at": t(25, "10:45")})
        r("a check-out of no shift", S1, "POST", "/v1/shifts/999999/checkout",
          {})
        r("a correction: it ended at half past", S1, "POST",
          "/v1/shifts/{log2}/corrections",
          {"reason": "ended at half past", "ended_at": t(11, "09:30")})
        r("correcting a corrected record", S1, "POST",
          "/v1/shifts/{log2}/corrections", {"reason": "again"})
        r("V-001's shifts", S1, "GET", "/v1/shifts", query="volunteer=V-001")
        r("V-001's ledger", S1, "GET", "/v1/volunteers/V-001/ledger")
        r("V-001's ledger, asked by another community", S2, "GET",
          "/v1/volunteers/V-001/ledger")

        # The catalogue and redemptions.
        r("a lamp for 5 points, 2 in stock", S1, "POST", "/v1/catalog",
          {"code": "lamp", "name": "Lamp", "category": "gift", "price": 5,
           "stock": 2})
        r("a book for 100 points", S1, "POST", "/v1/catalog",
          {"code": "book", "name": "Book", "category": "book", "price": 100,
           "stock": 5})
        r("the lamp again", S1, "POST", "/v1/catalog",
          {"code": "lamp", "name": "x", "category": "gift", "price": 1,
           "stock": 0})
        r("restock the lamp", S1, "POST", "/v1/catalog/lamp/restock",
          {"quantity": 1, "note": "gift of the library"})
        r("restock an unknown item", S1, "POST", "/v1/catalog/nosuch/restock",
          {"quantity": 1})
        r("the catalogue", S1, "GET", "/v1/catalog")
        r("V-001 redeems a lamp", S1, "POST", "/v1/redemptions",
          {"volunteer": "V-001", "item": "lamp"}, save={"r1": "id"})
        r("V-001 redeems a book it cannot pay", S1, "POST", "/v1/redemptions",
          {"volunteer": "V-001", "item": "book"})
        r("V-002 redeems more lamps than in stock", S1, "POST",
          "/v1/redemptions", {"volunteer": "V-002", "item": "lamp",
                              "quantity": 3})
        r("void the redemption", S1, "POST", "/v1/redemptions/{r1}/void",
          {"reason": "wrong item"})
        r("void it again", S1, "POST", "/v1/redemptions/{r1}/void",
          {"reason": "again"})
        r("deactivate the lamp", S1, "POST", "/v1/catalog/lamp/deactivate",
          {})
        r("redeem the inactive lamp", S1, "POST", "/v1/redemptions",
          {"volunteer": "V-001", "item": "lamp"})
        r("the whole catalogue", S1, "GET", "/v1/catalog", query="all=1")

        # Points for help.
        r("V-001 offers 5 points for a ride", S1, "POST", "/v1/help-requests",
          {"requester": "V-001", "points": 5, "description": "a ride",
           "deadline": iso(T_NOW + 86400)}, save={"h1": "id"})
        r("V-001 helps itself", S1, "POST", "/v1/help-requests/{h1}/accept",
          {"helper": "V-001"})
        r("V-002 accepts", S1, "POST", "/v1/help-requests/{h1}/accept",
          {"helper": "V-002"})
        r("completed with 45 minutes", S1, "POST",
          "/v1/help-requests/{h1}/complete", {"minutes": 45})
        r("cancelling a completed request", S1, "POST",
          "/v1/help-requests/{h1}/cancel", {"reason": "late"})
        r("V-002 offers 3 points", S1, "POST", "/v1/help-requests",
          {"requester": "V-002", "points": 3, "description": "shopping"},
          save={"h2": "id"})
        r("cancelled", S1, "POST", "/v1/help-requests/{h2}/cancel",
          {"reason": "no longer needed"})
        r("the help requests", S1, "GET", "/v1/help-requests")

        # Audit, reports, star levels.
        r("the audit", A, "GET", "/v1/audit")
        r("the audit, asked by a station", S1, "GET", "/v1/audit")
        r("June 2024 by community", A, "GET", "/v1/reports/monthly",
          query="month=2024-06&level=community")
        r("June 2024 by volunteer, as CSV", A, "GET", "/v1/reports/monthly",
          query="month=2024-06&level=volunteer", accept="text/csv")
        r("June 2024 by station, asked by S01", S1, "GET",
          "/v1/reports/monthly", query="month=2024-06&level=station")
        r("a month 13", A, "GET", "/v1/reports/monthly",
          query="month=2024-13&level=community")
        r("2024 by team", A, "GET", "/v1/reports/annual",
          query="year=2024&level=team")
        r("2024 by volunteer", S1, "GET", "/v1/reports/annual",
          query="year=2024&level=volunteer")
        r("June 2024 by volunteer, a page of one", A, "GET",
          "/v1/reports/monthly", query="month=2024-06&level=volunteer&limit=1")
        r("... the page after the first volunteer, as CSV", A, "GET",
          "/v1/reports/monthly",
          query="month=2024-06&level=volunteer&limit=1&after=V-001",
          accept="text/csv")
        r("... its totals and new star levels (limit 0)", A, "GET",
          "/v1/reports/monthly", query="month=2024-06&level=volunteer&limit=0")
        r("a page of the community level", A, "GET", "/v1/reports/monthly",
          query="month=2024-06&level=community&limit=10")
        r("after without a limit", A, "GET", "/v1/reports/monthly",
          query="month=2024-06&level=volunteer&after=V-001")
        r("a limit of 10001", A, "GET", "/v1/reports/monthly",
          query="month=2024-06&level=volunteer&limit=10001")
        r("the star levels", S1, "GET", "/v1/star-levels")
        r("new star levels", A, "POST", "/v1/star-levels",
          {"levels": [1, 3, 600, 1000, 1500]})
        r("star levels that fall", A, "POST", "/v1/star-levels",
          {"levels": [5, 3, 1, 0, 0]})

        # The rest of the record: training, qualifications, awards,
        # evaluations; party membership and recruiters.
        r("a first-aid training of 2.5 hours", S1, "POST", "/v1/trainings",
          {"course": "First aid", "held_on": "2024-06-18", "hours": "2.5",
           "trainer": "Dr Wang", "place": "Hall", "qualification": "first-aid",
           "valid_months": 24}, save={"tr1": "id"})
        r("a training of 25 hours", S1, "POST", "/v1/trainings",
          {"course": "Long", "held_on": "2024-06-18", "hours": 25})
        r("a training for another community", S1, "POST", "/v1/trainings",
          {"course": "Long", "held_on": "2024-06-18", "hours": 1,
           "community": "C02"})
        r("V-001 attended it", S1, "POST", "/v1/trainings/{tr1}/attend",
          {"volunteer": "V-001"})
        r("V-001 attended it again", S1, "POST", "/v1/trainings/{tr1}/attend",
          {"volunteer": "V-001"})
        r("S02 records attendance at S01's training", S2, "POST",
          "/v1/trainings/{tr1}/attend", {"volunteer": "V-003"})
        r("the trainings", S1, "GET", "/v1/trainings")
        r("V-001's trainings", S1, "GET", "/v1/trainings",
          query="volunteer=V-001")
        r("V-002 may drive until 2025", S1, "POST", "/v1/qualifications",
          {"volunteer": "V-002", "qualification": "driving",
           "issued_on": "2020-01-01", "expires_on": "2025-01-01"})
        r("a qualification of no code", S1, "POST", "/v1/qualifications",
          {"volunteer": "V-002", "qualification": "Driving Licence",
           "issued_on": "2020-01-01"})
        r("V-001's qualifications", S1, "GET", "/v1/qualifications",
          query="volunteer=V-001")
        r("qualifications expiring within 30 days", S1, "GET",
          "/v1/qualifications", query="expiring_within=30")
        r("an award for V-001", S1, "POST", "/v1/awards",
          {"volunteer": "V-001", "title": "优秀志愿者", "level": "district",
           "awarded_on": "2024-06-20", "issuer": "区文明办",
           "reason": "防汛"}, save={"aw1": "id"})
        r("an award of no known level", S1, "POST", "/v1/awards",
          {"volunteer": "V-001", "title": "x", "level": "galaxy",
           "awarded_on": "2024-06-20", "issuer": "y"})
        r("the award corrected: a city award", S1, "POST",
          "/v1/awards/{aw1}/corrections",
          {"correction": "the city gave it", "level": "city"})
        r("the award corrected again, the old record", S1, "POST",
          "/v1/awards/{aw1}/corrections", {"correction": "again"})
        r("V-001's awards", S1, "GET", "/v1/awards", query="volunteer=V-001")
        r("V-001's award records", S1, "GET", "/v1/awards",
          query="volunteer=V-001&all=1")
        r("the resident evaluates V-002's night shift", S1, "POST",
          "/v1/evaluations", {"shift": self.vars["night"], "role": "resident",
                              "score": 5,
                              "comment": "准时"}, save={"ev1": "id"})
        r("the resident again", S1, "POST", "/v1/evaluations",
          {"shift": self.vars["night"], "role": "resident", "score": 1})
        r("a score of 0", S1, "POST", "/v1/evaluations",
          {"shift": self.vars["night"], "role": "lead", "score": 0})
        r("an evaluation of the help request", S1, "POST", "/v1/evaluations",
          {"help_request": self.vars["h1"], "role": "resident",
           "score": 4})
        r("the resident's evaluation reversed", S1, "POST",
          "/v1/evaluations/{ev1}/reverse", {"reason": "wrong shift"})
        r("V-002's evaluations", S1, "GET", "/v1/evaluations",
          query="volunteer=V-002")
        r("V-002 is a party member", S1, "PATCH", "/v1/volunteers/V-002",
          {"consent": True, "party_member": True})
        r("V-001 was brought by V-002", S1, "PATCH", "/v1/volunteers/V-001",
          {"recruited_by": "V-002"})
        r("V-002 brought by V-001: a cycle", S1, "PATCH",
          "/v1/volunteers/V-002", {"recruited_by": "V-001"})
        r("V-002 brought by V-002", S1, "PATCH", "/v1/volunteers/V-002",
          {"recruited_by": "V-002"})
        r("June 2024's training", A, "GET", "/v1/reports/monthly",
          query="month=2024-06&level=training")
        r("June 2024's approval", A, "GET", "/v1/reports/monthly",
          query="month=2024-06&level=approval")
        r("June 2024's recruitment", A, "GET", "/v1/reports/monthly",
          query="month=2024-06&level=recruitment")
        r("a level that is not there", A, "GET", "/v1/reports/monthly",
          query="month=2024-06&level=planet")
        # Events to sign up for, sign-ups, the no-show block, links.
        day = T_NOW + 3 * 86400
        ev = {"activity": "clean", "title": "交通引导", "place": "人民路口",
              "starts_at": iso(day), "ends_at": iso(day + 7200),
              "places": 1, "lead": "Zhou"}
        r("S01 publishes an event of one place", S1, "POST", "/v1/events",
          ev, save={"ev": "events"})
        self.vars["e1"] = self.vars["ev"][0]["id"]
        r("a series every day for three days", S1, "POST", "/v1/events",
          dict(ev, title="Daily", starts_at=iso(day + 86400),
               ends_at=iso(day + 86400 + 3600),
               every="day", until=datetime.fromtimestamp(
                   day + 3 * 86400, timezone(timedelta(hours=8))
               ).date().isoformat()))
        r("an event ending before it starts", S1, "POST", "/v1/events",
          dict(ev, ends_at=iso(day - 60)))
        r("the events", S1, "GET", "/v1/events")
        r("V-002 signs up: the place", S1, "POST", "/v1/signups",
          {"volunteer": "V-002", "event": "{e1}".format(**self.vars)},
          save={"su1": "id"})
        r("V-001 signs up: the waiting list", S1, "POST", "/v1/signups",
          {"volunteer": "V-001", "event": "{e1}".format(**self.vars)})
        r("V-002 again", S1, "POST", "/v1/signups",
          {"volunteer": "V-002", "event": "{e1}".format(**self.vars)})
        r("the event and its sign-ups", S1, "GET", "/v1/events/{e1}")
        r("V-002 cancels: V-001 moves up", S1, "POST",
          "/v1/signups/{su1}/cancel", {})
        r("the event's sign-ups", S1, "GET", "/v1/signups",
          query="event=%d" % self.vars["e1"])
        r("V-001's sign-ups", S1, "GET", "/v1/signups", query="volunteer=V-001")
        r("lifting a block that is not there", S1, "POST",
          "/v1/volunteers/V-001/unblock", {"reason": "none"})
        r("a link to V-001's page", S1, "POST", "/v1/volunteers/V-001/link",
          {})
        r("a link to S01's calendar", S1, "POST", "/v1/stations/S01/link", {})
        r("a page with a token that is not one", None, "GET",
          "/p/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        r("a calendar with a token that is not one", None, "GET",
          "/p/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/calendar.ics")
        r("a sign-up through a page with a token that is not one", None,
          "POST", "/p/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/signup",
          text="event=1")
        r("a cancellation through a page with a short token", None,
          "POST", "/p/short/cancel", text="signup=1")
        r("an evaluation through a page with a token that is not one", None,
          "POST", "/p/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/evaluate",
          text="help_request=1&score=5")
        r("a station calendar with a token that is not one", None, "GET",
          "/s/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/calendar.ics")
        r("S01 cancels the event", S1, "POST", "/v1/events/{e1}/cancel",
          {"reason": "rain"})
        # A fixed month: the answer may not depend on the day it runs.
        r("the report of places of June 2024", S1, "GET",
          "/v1/reports/events", query="month=2024-06")

        # Certificates and closing a month.
        r("a certificate of 2024 for V-001", S1, "POST", "/v1/certificates",
          {"volunteer": "V-001", "year": "2024"}, save={"c1": "number"})
        r("the certificate", S1, "GET", "/v1/certificates/{c1}")
        r("a certificate that is not there", S1, "GET",
          "/v1/certificates/C-2000-000999")
        r("revoke it", S1, "POST", "/v1/certificates/{c1}/revoke",
          {"reason": "信息有误"})
        r("close June 2024", A, "POST", "/v1/months/2024-06/close", {})
        r("close June 2024 again", A, "POST", "/v1/months/2024-06/close", {})
        r("a shift in the closed month", S1, "POST", "/v1/shifts",
          {"volunteer": "V-002", "activity": "clean",
           "started_at": t(20, "09:00"), "ended_at": t(20, "10:00")})
        r("the closed months", A, "GET", "/v1/months")

        # Everything held about a volunteer; consent withdrawn, leaving.
        r("V-001's export", S1, "GET", "/v1/volunteers/V-001/export")
        r("V-001's export, asked by another community", S2, "GET",
          "/v1/volunteers/V-001/export")
        r("V-001 withdraws consent", S1, "PATCH", "/v1/volunteers/V-001",
          {"consent": False, "reason": "withdrew consent"})
        r("V-001's history, the personal fields erased", S1, "GET",
          "/v1/volunteers/V-001", query="history=1")
        r("V-001's registration retried: its stored answer, erased", S1,
          "POST", "/v1/volunteers", v001, idem="v001")
        r("V-004 leaves", S1, "PATCH", "/v1/volunteers/V-004",
          {"status": "left", "reason": "moved away"})

        # Bringing records in (vpoints import) and out (export national).
        k = lambda n: "%032x" % n
        r("import two volunteers; one has a phone without consent", S1,
          "POST", "/v1/import/volunteers",
          {"rows": [{"row": 2, "key": k(1), "number": "V-020",
                     "name": "Import One", "consent": True,
                     "phone": "13800000020", "platform_number": "P-20",
                     "registered_on": "2024-07-01"},
                    {"row": 3, "key": k(2), "number": "V-021",
                     "name": "Import Two", "phone": "13800000021",
                     "registered_on": "2024-07-01"},
                    {"row": 4, "key": k(3), "number": "V-022",
                     "name": "Import Three", "id_number": "12",
                     "registered_on": "2024-07-01"}]})
        r("the same rows again: imported before", S1, "POST",
          "/v1/import/volunteers",
          {"rows": [{"row": 2, "key": k(1), "number": "V-020",
                     "name": "Import One", "consent": True,
                     "phone": "13800000020", "platform_number": "P-20",
                     "registered_on": "2024-07-01"}]})
        r("a dry run of a new volunteer", S1, "POST",
          "/v1/import/volunteers", {"dry_run": True,
          "rows": [{"row": 2, "key": k(4), "number": "V-023",
                    "name": "Dry", "registered_on": "2024-07-01"}]})
        r("the dry run's volunteer is not there", S1, "GET",
          "/v1/volunteers/V-023")
        r("paper records: one in the closed month, one overlapping", S1,
          "POST", "/v1/import/shifts",
          {"rows": [{"row": 2, "key": k(5), "volunteer": "V-020",
                     "activity": "clean", "started_at": "2024-07-05T09:00:00+08:00",
                     "ended_at": "2024-07-05T11:00:00+08:00", "place": "park"},
                    {"row": 3, "key": k(6), "volunteer": "V-020",
                     "activity": "clean", "started_at": t(20, "09:00"),
                     "ended_at": t(20, "10:00")},
                    {"row": 4, "key": k(7), "volunteer": "V-020",
                     "activity": "clean", "started_at": "2024-07-05T10:00:00+08:00",
                     "ended_at": "2024-07-05T12:00:00+08:00"}]})
        r("rows that are not a list", S1, "POST", "/v1/import/shifts",
          {"rows": {"row": 2}})
        r("a row without its key", S1, "POST", "/v1/import/shifts",
          {"rows": [{"row": 2, "volunteer": "V-020"}]})
        r("the national export of July 2024", S1, "GET",
          "/v1/exports/national", query="from=2024-07-01&to=2024-07-31")
        r("the national export of another community", S1, "GET",
          "/v1/exports/national",
          query="from=2024-07-01&to=2024-07-31&community=C02")
        r("a national export without its period", A, "GET",
          "/v1/exports/national", query="from=2024-07-01")

        # Keys: revocation and the signature's refusals.
        r("revoke S01's second key", A, "POST", "/v1/stations/S01/revoke",
          {"keyid": sigtool.keyid_of(sigtool.public_raw(self.keys["S01b"]))})
        r("S01's revoked second key", "S01b", "GET", "/v1/communities")
        r("S01's first key after that", S1, "GET", "/v1/communities")
        r("revoke a key S01 does not have", A, "POST",
          "/v1/stations/S01/revoke", {"keyid": "no-such-key"})
        r("revoke S02", A, "POST", "/v1/stations/S02/revoke", {})
        r("S02 after its revocation", S2, "GET", "/v1/communities")
        r("revoke a station that is not there", A, "POST",
          "/v1/stations/S99/revoke", {})
        r("a key nobody enrolled", "stranger", "GET", "/v1/communities")
        r("a signature 1000 s old", A, "GET", "/v1/communities",
          sign={"created": T_NOW - 1000})
        r("a signature an hour ahead", A, "GET", "/v1/communities",
          sign={"created": T_NOW + 3600})
        r("a wrong signature", A, "GET", "/v1/communities",
          sign={"bad_signature": True})
        r("another algorithm", A, "GET", "/v1/communities",
          sign={"alg": "rsa-pss-sha512"})
        sent = r("a signed request", A, "GET", "/v1/communities")
        self.again("... sent again: a replay", A, "GET", "/v1/communities",
                   sent)
        r("signed for another server", A, "GET", "/v1/communities",
          sign={"authority": "points.example.org"})
        self.raw("two Content-Length headers that differ",
                 "POST /v1/communities (Content-Length: 2, 40)",
                 b"POST /v1/communities HTTP/1.1\r\nHost: x\r\n"
                 b"Content-Length: 2\r\nContent-Length: 40\r\n\r\n{}")
        # The browser console's files: unsigned, the same for everyone.
        r("the console's index", None, "GET", "/console/")
        r("the console's index, its head", None, "HEAD", "/console/")
        r("a file of the console, its head", None, "HEAD",
          "/console/index.html")
        r("a file the console does not have", None, "GET",
          "/console/nothing.js")
        # The check-in board: the open check-ins of a community.
        r("the open check-ins of the station's community", S1, "GET",
          "/v1/checkins")
        r("the open check-ins of C01, asked by the admin", A, "GET",
          "/v1/checkins", query="community=C01")
        r("the open check-ins of another community", S1, "GET",
          "/v1/checkins", query="community=C02")

        # Regions and an office key.
        r("the levels of the regions", A, "POST", "/v1/region-levels",
          {"levels": ["district", "street"]})
        r("district D1", A, "POST", "/v1/regions",
          {"code": "D1", "name": "东城区", "level": "district"})
        r("district D2", A, "POST", "/v1/regions",
          {"code": "D2", "name": "西城区", "level": "district"})
        r("street T1 of D1", A, "POST", "/v1/regions",
          {"code": "T1", "name": "和平里街道", "level": "street",
           "parent": "D1"})
        r("a street without its district", A, "POST", "/v1/regions",
          {"code": "T2", "name": "x", "level": "street"})
        r("a street under a street", A, "POST", "/v1/regions",
          {"code": "T2", "name": "x", "level": "street", "parent": "T1"})
        r("district D1 again", A, "POST", "/v1/regions",
          {"code": "D1", "name": "x", "level": "district"})
        r("the levels once regions exist", A, "POST", "/v1/region-levels",
          {"levels": ["county"]})
        r("C01 placed in T1", A, "POST", "/v1/communities/C01/place",
          {"region": "T1"})
        r("C02 placed in a district", A, "POST",
          "/v1/communities/C02/place", {"region": "D1"})
        r("C02 placed in a region that is not there", A, "POST",
          "/v1/communities/C02/place", {"region": "T9"})
        r("the regions", A, "GET", "/v1/regions")
        r("the office of T1", A, "POST", "/v1/stations",
          {"code": "O01", "name": "和平里街道办", "role": "office",
           "region": "T1", "public_key": self.pub("O01")})
        r("an office without its region", A, "POST", "/v1/stations",
          {"code": "O02", "name": "x", "role": "office",
           "public_key": self.pub("stranger")})
        r("the office's regions", "O01", "GET", "/v1/regions")
        r("the office's volunteers", "O01", "GET", "/v1/volunteers")
        r("C02's volunteers, asked by the office", "O01", "GET",
          "/v1/volunteers", query="community=C02")
        r("an activity added by the office", "O01", "POST",
          "/v1/activities", {"code": "x", "name": "x", "points_per_hour": 1})
        r("its own street renamed by the office", "O01", "POST",
          "/v1/regions/T1/rename", {"name": "x"})
        r("June 2024 by street, asked by the office", "O01", "GET",
          "/v1/reports/monthly", query="month=2024-06&level=street")
        r("June 2024 by district, asked by the office", "O01", "GET",
          "/v1/reports/monthly", query="month=2024-06&level=district")
        r("T1 renamed", A, "POST", "/v1/regions/T1/rename",
          {"name": "和平里"})
        r("T1 moved to D2", A, "POST", "/v1/regions/T1/move",
          {"parent": "D2"})
        r("a district moved", A, "POST", "/v1/regions/D1/move",
          {"parent": "D2"})
        r("2024 by district: no region was there yet", A, "GET",
          "/v1/reports/annual", query="year=2024&level=district")
        r("2024 by street, region D2", A, "GET", "/v1/reports/annual",
          query="year=2024&level=street&region=D2")
        # A volunteer who moves to another community.
        r("a station moving its volunteer to another community", S1, "POST",
          "/v1/volunteers/V-001/move", {"community": "C02",
                                        "reason": "moved house"})
        r("V-002 offers a point", S1, "POST", "/v1/help-requests",
          {"requester": "V-002", "points": 1, "description": "a lift"},
          save={"h3": "id"})
        r("moving V-002, whose help request is open", A, "POST",
          "/v1/volunteers/V-002/move", {"community": "C02",
                                        "reason": "moved house"})
        r("the help request cancelled", S1, "POST",
          "/v1/help-requests/{h3}/cancel", {"reason": "moving"})
        r("V-002 moves to C02", A, "POST",
          "/v1/volunteers/V-002/move", {"community": "C02",
                                        "reason": "moved house"})
        r("V-002's shift of June 2024, logged after the move", A, "POST",
          "/v1/shifts", {"volunteer": "V-002", "activity": "clean",
                         "started_at": "2024-06-20T09:00:00+08:00",
                         "ended_at": "2024-06-20T10:00:00+08:00"})
        r("V-001 moves to C02", A, "POST", "/v1/volunteers/V-001/move",
          {"community": "C02", "reason": "moved house"})
        r("V-001 moves to C02 again", A, "POST", "/v1/volunteers/V-001/move",
          {"community": "C02", "reason": "moved house"})
        r("moving a volunteer who is not there", A, "POST",
          "/v1/volunteers/V-999/move", {"community": "C02", "reason": "x"})
        r("moving to a community that is not there", A, "POST",
          "/v1/volunteers/V-001/move", {"community": "C99", "reason": "x"})
        r("V-001's ledger after the move", A, "GET",
          "/v1/volunteers/V-001/ledger", query="limit=3")
        r("the audit after the move", A, "GET", "/v1/audit")
        self.out.close()
        return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--server", required=True)
    p.add_argument("--admin-key", required=True, help="PEM, enrolled admin")
    p.add_argument("--out", required=True)
    p.add_argument("--raw-out", help="also write the bodies as they came")
    a = p.parse_args()
    return Script(a).run()


if __name__ == "__main__":
    sys.exit(main())
