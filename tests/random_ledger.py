#!/usr/bin/python3
"""A seeded randomized end-to-end test of the vpoints ledger.

It drives a running vpointsd through the signed HTTP API (one keep-alive
connection, requests signed by tests/sigtool.py's sign_request): sets up
communities, activities, stations and volunteers, then runs --ops random
operations (completed shifts, valid and invalid; corrections; check-ins
and check-outs; suspensions and reactivations; retries of writes with the
same Idempotency-Key; ledger reads). A small model of the ledger predicts
every answer: status, problem slug, and the minutes and points of every
recorded shift (doc/api.md, "The points rule"). Every 200 operations and
at the end the model is compared with every volunteer's ledger and shift
list, and --db-check (a shell command that must print 0) is run.

The first divergence ends the run: it prints the seed, the operation's
number and the operation, and exits 1. The last line is a summary.

Python's standard library and the `cryptography` package only. Needs a
database of its own (the codes it makes carry a per-run tag).
"""
import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import time
import traceback
import urllib.parse
from datetime import date, datetime, timedelta, timezone

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sigtool  # noqa: E402

# Times are integers: microseconds since the epoch (UTC).
US = 1000000
SEC = US
MIN = 60 * US
HOUR = 60 * MIN
DAY = 24 * HOUR
# The daemon's time zone, Asia/Shanghai: UTC+8 all year (no DST since 1991).
LOCAL = 8 * HOUR
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
PROBLEM = "urn:vpoints:problem:"
CHECK_EVERY = 200
STAR_HOURS = [(5, 1500), (4, 1000), (3, 600), (2, 300), (1, 100)]


class Divergence(Exception):
    pass


def now_us():
    return time.time_ns() // 1000


def local_day(t):
    """The Asia/Shanghai day (days since the epoch) of time t."""
    return (t + LOCAL) // DAY


def day_text(day):
    return (date(1970, 1, 1) + timedelta(days=day)).isoformat()


def parse_time(text):
    dt = datetime.fromisoformat(text.replace("z", "Z"))
    if dt.tzinfo is None:
        raise ValueError("no offset: " + text)
    return (dt - EPOCH) // timedelta(microseconds=1)


def minutes_of(start, end):
    """Whole minutes: end and start truncated to the minute."""
    return end // MIN - start // MIN


def fmt_time(t, rng):
    """RFC 3339 with an offset, in one of several equivalent spellings."""
    off = rng.choice([480, 480, 480, 480, 0, -300, 330, 540])
    dt = datetime(1970, 1, 1) + timedelta(microseconds=t + off * MIN)
    text = dt.strftime("%Y-%m-%dT%H:%M")
    if dt.second or dt.microsecond or rng.random() < 0.7:
        text += ":%02d" % dt.second
        if dt.microsecond:
            text += (".%06d" % dt.microsecond).rstrip("0")
    if off == 0 and rng.random() < 0.5:
        return text + "Z"
    sign = "+" if off >= 0 else "-"
    return text + "%s%02d:%02d" % (sign, abs(off) // 60, abs(off) % 60)


class Activity:
    def __init__(self, code, pph, cap=None, multipliers=()):
        self.code, self.pph, self.cap = code, pph, cap
        self.multipliers = list(multipliers)

    def body(self):
        b = {"code": self.code, "name": "Activity " + self.code,
             "points_per_hour": self.pph}
        if self.cap is not None:
            b["daily_cap"] = self.cap
        if self.multipliers:
            b["multipliers"] = self.multipliers
        return b

    def weight(self, m):
        """The weight of the minute starting at m: the highest percent of
        the windows it falls in, 100 outside any."""
        local = m + LOCAL
        tod = (local % DAY) // MIN
        best = None
        for w in self.multipliers:
            if "dates" in w:
                hit = day_text(local // DAY) in w["dates"]
            else:
                f = int(w["from"][:2]) * 60 + int(w["from"][3:])
                to = int(w["to"][:2]) * 60 + int(w["to"][3:])
                hit = f <= tod < to if f < to else (tod >= f or tod < to)
            if hit and (best is None or w["percent"] > best):
                best = w["percent"]
        return 100 if best is None else best

    def rule_points(self, start, end):
        """The points rule, before the daily cap."""
        if not self.multipliers:
            return minutes_of(start, end) * self.pph // 60
        total = sum(self.weight(m) for m in
                    range(start // MIN * MIN, end // MIN * MIN, MIN))
        return total * self.pph // 6000


class Key:
    def __init__(self, name, sk, role, community, station):
        self.name, self.sk, self.role = name, sk, role
        self.community, self.station = community, station
        self.keyid = sigtool.keyid_of(sigtool.public_raw(sk))

    def __repr__(self):
        return self.name


class Volunteer:
    def __init__(self, number, community):
        self.number, self.community = number, community
        self.status = "active"
        self.balance = 0
        self.current = set()     # ids of current (not corrected) shifts
        self.all = set()         # ids of every shift record
        self.open = set()        # ids of open check-ins
        self.transfers = []      # (amount, cause, shift id, memo), oldest first

    def minutes(self, model):
        return sum(model.shifts[i].minutes for i in self.current)


class Shift:
    def __init__(self, sid, vol, act, start, end, minutes, points, source,
                 corrects=None, reason=None):
        self.id, self.vol, self.act = sid, vol, act
        self.start, self.end = start, end
        self.minutes, self.points = minutes, points
        self.source, self.corrects, self.reason = source, corrects, reason
        self.corrected = False


class Checkin:
    def __init__(self, cid, vol, act, start):
        self.id, self.vol, self.act, self.start = cid, vol, act, start
        self.closed = False


class Expect:
    """What the model predicts for one request."""

    def __init__(self, status, slug=None, check=None, apply=None):
        self.status, self.slug = status, slug
        self.check = check       # f(body) on success: raise Divergence
        self.apply = apply       # f(body) on success: update the model


class Refused(Exception):
    """The model's refusal, raised while predicting."""

    def __init__(self, status, slug):
        super().__init__(slug)
        self.status, self.slug = status, slug


class Client:
    """One keep-alive connection; every request signed anew."""

    def __init__(self, server):
        url = urllib.parse.urlsplit(server)
        self.authority = url.netloc.lower()
        self.conn = http.client.HTTPConnection(url.hostname, url.port or 80,
                                               timeout=30)
        self.requests = 0

    def call(self, key, method, path, query="", body=None, idem=None):
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(
                body, ensure_ascii=False, separators=(",", ":")).encode()
        headers = sigtool.sign_request(key.sk, method, self.authority, path,
                                       query, data, idem, keyid=key.keyid)
        target = path + ("?" + query if query else "")
        try:
            self.conn.request(method, target, body=data, headers=headers)
            resp = self.conn.getresponse()
            raw = resp.read()
        except (OSError, http.client.HTTPException) as e:
            raise Divergence("no answer on the keep-alive connection: %r" % e)
        self.requests += 1
        if resp.will_close:
            raise Divergence("the daemon closed the keep-alive connection "
                             "(status %d, body %s)" % (resp.status, raw[:300]))
        return resp.status, raw, data


class Run:
    def __init__(self, args):
        self.args = args
        self.seed = args.seed
        self.rng = random.Random(args.seed)
        self.client = Client(args.server)
        self.admin = Key("admin", sigtool.load_key(args.admin_key), "admin",
                         None, None)
        self.tag = "%04X" % (int(time.time() * 1000) % 0x10000)
        self.communities = []
        self.stations = {}       # community -> Key
        self.acts = {}           # code -> Activity
        self.vols = {}           # number -> Volunteer
        self.numbers = []        # volunteer numbers, in order
        self.shifts = {}         # id -> Shift (every record)
        self.checkins = {}       # id -> Checkin (open and closed)
        self.cap_used = {}       # (number, activity, day) -> points of current shifts
        self.max_id = 0
        self.writes = []         # (key, idem, method, path, body, status, raw)
        self.idem_count = 0
        self.used_idem = set()   # (keyid, Idempotency-Key) of stored writes
        self.op_no = 0
        self.op_desc = "setup"
        self.stats = {}
        self.checks = 0
        self.hot_days = []

    # -- helpers --------------------------------------------------------

    def idem(self):
        self.idem_count += 1
        return "%032x-%d" % (self.rng.getrandbits(128), self.idem_count)

    def fail(self, what):
        raise Divergence(what)

    def count(self, name):
        self.stats[name] = self.stats.get(name, 0) + 1

    def new_id(self, body):
        sid = body.get("id")
        if not isinstance(sid, int) or sid <= self.max_id:
            self.fail("a new record's id %r is not above every earlier id "
                      "(%d)" % (sid, self.max_id))
        self.max_id = sid
        return sid

    def send(self, key, method, path, expect, body=None, query="",
             write=None, idem=None):
        """Send one request, compare the answer with the prediction."""
        if write is None:
            write = method != "GET"
        if write and idem is None:
            idem = self.idem()
            if self.writes and self.rng.random() < 0.05:
                # Another key's Idempotency-Key: records are per key, so
                # this is a new request.
                w = self.rng.choice(self.writes)
                if (key.keyid, w[1]) not in self.used_idem:
                    idem = w[1]
                    self.count("cover idem of another key")
        self.op_desc += " [%s %s%s%s by %s%s]" % (
            method, path, "?" + query if query else "",
            " " + json.dumps(body, ensure_ascii=False) if body is not None else "",
            key, " idem " + idem if idem else "")
        status, raw, data = self.client.call(key, method, path, query, body, idem)
        self.count("%d %s" % (status, expect.slug or "ok"))
        got = raw.decode("utf-8", "replace")
        if status != expect.status:
            self.fail("expected status %d%s, got %d: %s" % (
                expect.status, " " + expect.slug if expect.slug else "",
                status, got[:600]))
        try:
            parsed = json.loads(raw)
        except ValueError:
            self.fail("the answer is not JSON: %s" % got[:600])
        if expect.slug is not None:
            if parsed.get("type") != PROBLEM + expect.slug:
                self.fail("expected problem %s, got %s" % (expect.slug, got[:600]))
        else:
            if expect.check:
                expect.check(parsed)
            if expect.apply:
                expect.apply(parsed)
        if write:
            self.writes.append((key, idem, method, path, data, status, raw))
            self.used_idem.add((key.keyid, idem))
        return parsed

    def expect_fields(self, body, **want):
        for k, v in want.items():
            got = body.get(k)
            if k in ("started_at", "ended_at"):
                if not isinstance(got, str) or not got.endswith("+08:00"):
                    self.fail("%s %r is not in the daemon's time zone "
                              "(Asia/Shanghai, +08:00)" % (k, got))
                try:
                    got = parse_time(got)
                except (TypeError, ValueError):
                    self.fail("%s: not an RFC 3339 time: %r" % (k, got))
            if got != v:
                self.fail("field %s: expected %r, got %r (answer %s)" % (
                    k, v, got, json.dumps(body, ensure_ascii=False)[:600]))

    def key_for(self, vol, own=0.8, foreign=0.08):
        """A key to act on a volunteer: mostly its community's station."""
        r = self.rng.random()
        if r < own:
            return self.stations[vol.community]
        if r < own + foreign and len(self.communities) > 1:
            other = self.rng.choice([c for c in self.communities
                                     if c != vol.community])
            return self.stations[other]
        return self.admin

    # -- the model's rules ---------------------------------------------

    def volunteer_get(self, key, number):
        vol = self.vols.get(number)
        if vol is None:
            raise Refused(404, "unknown-volunteer")
        if key.role != "admin" and key.community != vol.community:
            raise Refused(403, "outside-community")
        return vol

    def activity_get(self, code):
        act = self.acts.get(code)
        if act is None:
            raise Refused(422, "unknown-activity")
        return act

    def shift_check(self, vol, start, end, now, except_id=None):
        """vp_shift_check: end None for an open check-in."""
        if vol.status != "active":
            raise Refused(409, "volunteer-suspended")
        if start > now + 60 * SEC:
            raise Refused(422, "start-in-future")
        if end is not None:
            if end <= start:
                raise Refused(422, "end-before-start")
            if end > now + 60 * SEC:
                raise Refused(422, "end-in-future")
            if end - start > DAY:
                raise Refused(422, "shift-too-long")
            if minutes_of(start, end) < 1:
                raise Refused(422, "shift-too-short")
        for sid in vol.current:
            s = self.shifts[sid]
            if sid != except_id and (end is None or s.start < end) and s.end > start:
                raise Refused(409, "shift-overlap")
        for cid in vol.open:
            k = self.checkins[cid]
            if cid != except_id and (end is None or k.start < end):
                raise Refused(409, "shift-overlap")

    def shift_points(self, vol, act, start, end, except_id=None):
        points = act.rule_points(start, end)
        if act.cap is None:
            return points
        taken = self.cap_used.get((vol.number, act.code, local_day(start)), 0)
        if except_id is not None:
            old = self.shifts[except_id]
            if old.act == act.code and local_day(old.start) == local_day(start):
                taken -= old.points
        return max(0, min(points, act.cap - taken))

    def record(self, sid, vol, act, start, end, points, source, corrects=None,
               reason=None):
        s = Shift(sid, vol.number, act.code, start, end, minutes_of(start, end),
                  points, source, corrects, reason)
        rule = act.rule_points(start, end)
        if points < rule:
            self.count("cover capped")
        if rule != s.minutes * act.pph // 60:
            self.count("cover multiplied")
        if points == 0:
            self.count("cover no points")
        if end - start == DAY:
            self.count("cover 24 h")
        if start % MIN or end % MIN:
            self.count("cover seconds")
        if any(self.shifts[i].end in (start, end) or self.shifts[i].start in
               (start, end) for i in vol.current):
            self.count("cover adjacent")
        self.shifts[sid] = s
        vol.current.add(sid)
        vol.all.add(sid)
        vol.balance += points
        if points > 0:
            vol.transfers.append((points, "shift", sid, None))
        if act.cap is not None:
            k = (vol.number, act.code, local_day(start))
            self.cap_used[k] = self.cap_used.get(k, 0) + points
        return s

    def shift_checker(self, vol, act, start, end, minutes, points, source,
                      key, sid=None, corrects=None, reason=None):
        def check(body):
            self.expect_fields(body, volunteer=vol.number, activity=act.code,
                               started_at=start, ended_at=end, minutes=minutes,
                               points=points, status="recorded", source=source,
                               station=key.station, recorder=key.keyid,
                               corrects=corrects, reason=reason)
            if sid is not None:
                self.expect_fields(body, id=sid)
        return check

    # -- setup ----------------------------------------------------------

    def setup(self):
        rng, now = self.rng, now_us()
        today = local_day(now)
        self.hot_days = rng.sample(range(1, 29), 4)
        for i in range(rng.choice([2, 3])):
            code = "R%s-%s" % (self.tag, "ABC"[i])
            self.op_desc = "setup: community " + code
            self.send(self.admin, "POST", "/v1/communities", Expect(201),
                      {"code": code, "name": "随机社区 " + code,
                       "population": rng.randint(1000, 90000)})
            self.communities.append(code)
        holidays = sorted(day_text(today - d) for d in rng.sample(range(1, 30), 3))
        for act in [
                Activity("walk" + self.tag, 10),
                Activity("care" + self.tag, 15, cap=40),
                Activity("odd" + self.tag, 7),
                Activity("free" + self.tag, 0),
                Activity("night" + self.tag, 12, cap=60, multipliers=[
                    {"name": "night", "from": "22:00", "to": "06:00",
                     "percent": 150}]),
                Activity("fest" + self.tag, 20, multipliers=[
                    {"name": "holiday", "dates": holidays, "percent": 200},
                    {"name": "evening", "from": "18:00", "to": "21:30",
                     "percent": 125}])]:
            self.op_desc = "setup: activity " + act.code
            body = act.body()

            def check(b, act=act):
                self.expect_fields(b, code=act.code, points_per_hour=act.pph,
                                   daily_cap=act.cap, multipliers=act.multipliers)
            self.send(self.admin, "POST", "/v1/activities",
                      Expect(201, check=check), body)
            self.acts[act.code] = act
        for c in self.communities:
            sk = Ed25519PrivateKey.generate()
            code = "S" + c
            key = Key("station " + code, sk, "station", c, code)
            pem = sk.public_key().public_bytes(
                serialization.Encoding.PEM,
                serialization.PublicFormat.SubjectPublicKeyInfo).decode()
            self.op_desc = "setup: station " + code

            def check(b, key=key):
                if b.get("keyid") != key.keyid:
                    self.fail("station keyid %r, expected %s (RFC 7638)" % (
                        b.get("keyid"), key.keyid))
            self.send(self.admin, "POST", "/v1/stations", Expect(201, check=check),
                      {"code": code, "name": "Station " + c, "community": c,
                       "public_key": pem, "role": "station"})
            self.stations[c] = key
        admin_station = None
        for n in range(rng.randint(20, 50)):
            number = "%s-%d" % (self.tag, n + 1)
            c = rng.choice(self.communities)
            self.op_desc = "setup: volunteer " + number
            body = {"number": number, "name": "志愿者 %d" % (n + 1)}
            if rng.random() < 0.3:
                key = self.admin
                body["community"] = c
            else:
                key = self.stations[c]

            def check(b, number=number, c=c):
                self.expect_fields(b, number=number, community=c,
                                   status="active", points=0, minutes=0)
            self.send(key, "POST", "/v1/volunteers", Expect(201, check=check), body)
            self.vols[number] = Volunteer(number, c)
            self.numbers.append(number)
        # Two refusals of registration.
        self.op_desc = "setup: a volunteer number taken"
        number = self.numbers[0]
        self.send(self.admin, "POST", "/v1/volunteers",
                  Expect(409, "volunteer-exists"),
                  {"number": number, "name": "x",
                   "community": self.vols[number].community})
        if len(self.communities) > 1:
            self.op_desc = "setup: a station registers into another community"
            self.send(self.stations[self.communities[0]], "POST", "/v1/volunteers",
                      Expect(403, "outside-community"),
                      {"number": self.tag + "-X", "name": "x",
                       "community": self.communities[1]})
        # The admin key's own station code, for the shifts it records.
        self.op_desc = "setup: the admin key's station"
        listing = self.send(self.admin, "GET", "/v1/stations", Expect(200))
        for st in listing.get("stations", []):
            if any(k.get("keyid") == self.admin.keyid for k in st.get("keys", [])):
                admin_station = st.get("code")
        if admin_station is None:
            self.fail("GET /v1/stations does not list the admin key")
        self.admin.station = admin_station

    # -- random times ---------------------------------------------------

    def rand_instant(self, t):
        """t at a whole minute, or with seconds, or with a fraction."""
        r = self.rng.random()
        t = t // MIN * MIN
        if r < 0.5:
            return t
        if r < 0.85:
            return t + self.rng.randint(0, 59) * SEC
        return t + self.rng.randint(0, 60 * US - 1)

    def rand_start(self, now):
        """A start in the last 30 days, often on one of a few busy days."""
        if self.rng.random() < 0.5:
            day = local_day(now) - self.rng.choice(self.hot_days)
            t = day * DAY - LOCAL + self.rng.randint(0, DAY // MIN - 1) * MIN
        else:
            t = now - self.rng.randint(1 * HOUR // MIN, 30 * DAY // MIN) * MIN
        return self.rand_instant(t)

    def rand_length(self):
        r = self.rng.random()
        if r < 0.70:
            return self.rng.randint(5, 240) * MIN + self.rng.randint(0, 59) * SEC
        if r < 0.85:
            return self.rng.randint(240, 720) * MIN
        if r < 0.90:
            return DAY                         # exactly 24 hours: allowed
        if r < 0.95:
            return self.rng.randint(1, 4) * MIN + self.rng.randint(0, 59) * SEC
        return self.rng.randint(0, 120) * SEC  # maybe under a whole minute

    def pick_act(self):
        codes = sorted(self.acts)
        care = "care" + self.tag
        if self.rng.random() < 0.3:
            return care
        return self.rng.choice(codes)

    def pick_vol(self):
        return self.vols[self.rng.choice(self.numbers)]

    # -- operations -----------------------------------------------------

    def op_log(self, bad=None):
        rng, now = self.rng, now_us()
        vol = self.pick_vol()
        act_code = self.pick_act()
        number = vol.number
        key = None
        start = self.rand_start(now)
        end = start + self.rand_length()
        if end > now - 5 * MIN:               # keep clear of "now"
            back = (end - (now - 5 * MIN)) // MIN * MIN + MIN * rng.randint(1, 600)
            start, end = start - back, end - back
        if bad == "overlap":
            target = [self.shifts[i] for i in vol.current] + \
                     [self.checkins[i] for i in vol.open]
            if target:
                s = rng.choice(target)
                start = s.start + rng.randint(-90, 90) * MIN + rng.randint(0, 59) * SEC
                end = start + rng.randint(1, 180) * MIN
                end = min(end, now - 5 * MIN)
        elif bad == "adjacent":
            target = [self.shifts[i] for i in vol.current]
            if target:
                s = rng.choice(target)
                if rng.random() < 0.5:          # starts as the other ends
                    start = s.end
                    end = start + rng.randint(1, 120) * MIN
                else:                           # ends as the other starts
                    end = s.start
                    start = end - rng.randint(1, 120) * MIN
                end = min(end, now - 5 * MIN)
        elif bad == "end-before-start":
            end = start - rng.choice([0, SEC, 5 * MIN, 3 * HOUR])
        elif bad == "too-long":
            start = min(start, now - 40 * HOUR)
            end = start + DAY + rng.choice([SEC, 1, MIN, 5 * HOUR])
        elif bad == "future-start":
            start = now + rng.randint(10, 3 * 24 * 60) * MIN
            end = start + rng.randint(10, 300) * MIN
        elif bad == "future-end":
            start = now - rng.randint(10, 120) * MIN
            end = now + rng.randint(10, 300) * MIN
        elif bad == "too-short":
            start = start // MIN * MIN + rng.randint(0, 29) * SEC
            end = start + rng.randint(1, 29) * SEC
        elif bad == "unknown-volunteer":
            number = "%s-NOPE%d" % (self.tag, rng.randint(1, 999))
        elif bad == "unknown-activity":
            act_code = "nope" + self.tag
        elif bad == "foreign":
            key = self.key_for(vol, own=0, foreign=1)
        elif bad == "suspended":
            idle = [v for v in self.vols.values() if v.status != "active"]
            if idle:
                vol = rng.choice(idle)
                number = vol.number
        if key is None:
            key = self.key_for(vol) if vol.number == number else \
                rng.choice([self.admin] + list(self.stations.values()))
        body = {"volunteer": number, "activity": act_code,
                "started_at": fmt_time(start, rng)}
        if bad == "bad-time":
            body["ended_at"] = "2026-13-45T10:00:00+08:00"
        elif bad != "missing-end":
            body["ended_at"] = fmt_time(end, rng)
        if rng.random() < 0.2:
            body["place"] = rng.choice(["社区中心", "Park", "Library"])
        self.op_desc = "log shift%s" % (" (" + bad + ")" if bad else "")
        try:
            v = self.volunteer_get(key, number)
            act = self.activity_get(act_code)
            if "ended_at" not in body or bad == "bad-time":
                raise Refused(422, "invalid-field")
            self.shift_check(v, start, end, now)
        except Refused as r:
            return self.send(key, "POST", "/v1/shifts", Expect(r.status, r.slug), body)
        points = self.shift_points(v, act, start, end)
        minutes = minutes_of(start, end)
        exp = Expect(201, check=self.shift_checker(v, act, start, end, minutes,
                                                   points, "log", key))
        exp.apply = lambda b: self.record(self.new_id(b), v, act, start, end,
                                          points, "log")
        self.send(key, "POST", "/v1/shifts", exp, body)

    def op_correct(self):
        rng, now = self.rng, now_us()
        r = rng.random()
        current = [s for s in self.shifts.values() if not s.corrected]
        corrected = [s for s in self.shifts.values() if s.corrected]
        open_ = [k for k in self.checkins.values() if not k.closed]
        if r < 0.10 and corrected:
            sid = rng.choice(corrected).id
        elif r < 0.18 and open_:
            sid = rng.choice(open_).id
        elif r < 0.22 or not current:
            sid = self.max_id + rng.randint(1000, 9999)
        else:
            sid = rng.choice(current).id
        body = {"reason": rng.choice(["typo", "wrong hours", "记录有误"])}
        if rng.random() < 0.03:
            del body["reason"]
        old = self.shifts.get(sid)
        new_start = new_end = None
        new_act = None
        if old is not None:
            choice = rng.random()
            if choice < 0.35:
                new_end = old.end + rng.randint(-90, 90) * MIN + rng.randint(-30, 30) * SEC
            elif choice < 0.55:
                new_start = old.start + rng.randint(-60, 60) * MIN
            elif choice < 0.70:
                new_start = self.rand_instant(old.start + rng.randint(-30, 30) * MIN)
                new_end = new_start + self.rand_length()
            elif choice < 0.75:
                new_end = old.start - rng.choice([0, MIN])   # ends before it starts
            if rng.random() < 0.2:
                new_act = self.pick_act()
            elif rng.random() < 0.03:
                new_act = "nope" + self.tag
            if new_start is not None:
                body["started_at"] = fmt_time(new_start, rng)
            if new_end is not None:
                body["ended_at"] = fmt_time(new_end, rng)
            if new_act is not None:
                body["activity"] = new_act
            vol = self.vols[old.vol]
        elif sid in self.checkins:
            vol = self.vols[self.checkins[sid].vol]
        else:
            vol = self.pick_vol()
        key = self.key_for(vol, own=0.8, foreign=0.07)
        self.op_desc = "correct shift %d" % sid
        path = "/v1/shifts/%d/corrections" % sid
        try:
            if "reason" not in body:
                raise Refused(422, "invalid-field")
            if old is None:
                if sid in self.checkins:
                    raise Refused(409, "shift-not-open")
                raise Refused(404, "unknown-shift")
            v = self.volunteer_get(key, old.vol)
            if old.corrected:
                raise Refused(409, "already-corrected")
            act = self.activity_get(new_act) if new_act is not None \
                else self.acts[old.act]
            start = new_start if new_start is not None else old.start
            end = new_end if new_end is not None else old.end
            self.shift_check(v, start, end, now, except_id=old.id)
            points = self.shift_points(v, act, start, end, except_id=old.id)
            if v.balance + points < old.points:
                raise Refused(409, "points-already-spent")
        except Refused as r:
            return self.send(key, "POST", path, Expect(r.status, r.slug), body)
        minutes = minutes_of(start, end)

        def apply(b):
            nid = self.new_id(b)
            old.corrected = True
            v.current.discard(old.id)
            v.balance -= old.points
            oact = self.acts[old.act]
            if oact.cap is not None:
                self.cap_used[(v.number, oact.code, local_day(old.start))] -= old.points
            self.record(nid, v, act, start, end, points, "correction",
                        old.id, body["reason"])
            if old.points > 0:
                v.transfers.append((-old.points, "reversal", old.id, body["reason"]))
        exp = Expect(201, check=self.shift_checker(
            v, act, start, end, minutes, points, "correction", key,
            corrects=old.id, reason=body["reason"]), apply=apply)
        self.send(key, "POST", path, exp, body)

    def op_checkin(self):
        rng, now = self.rng, now_us()
        vol = self.pick_vol()
        act_code = self.pick_act()
        r = rng.random()
        start = None                          # now, the server's clock
        if r < 0.75:
            start = self.rand_instant(now - rng.randint(10, 20 * 60) * MIN)
        elif r < 0.80:
            start = self.rand_instant(now - rng.randint(25 * 60, 30 * 60) * MIN)
        elif r < 0.83:
            start = self.rand_instant(now + rng.randint(10, 600) * MIN)
        key = self.key_for(vol, own=0.85, foreign=0.07)
        body = {"volunteer": vol.number, "activity": act_code}
        if start is not None:
            body["started_at"] = fmt_time(start, rng)
        self.op_desc = "check in"
        try:
            v = self.volunteer_get(key, vol.number)
            act = self.activity_get(act_code)
            if key.role == "admin":
                raise Refused(403, "station-only")
            self.shift_check(v, start if start is not None else now, None, now)
        except Refused as r:
            return self.send(key, "POST", "/v1/shifts/checkin",
                             Expect(r.status, r.slug), body)

        def check(b):
            self.expect_fields(b, volunteer=v.number, activity=act.code,
                               status="open", station=key.station)
            t = parse_time(b.get("started_at"))
            if start is not None and t != start:
                self.fail("started_at %s, expected %s" % (b.get("started_at"),
                                                          body["started_at"]))
            if start is None and abs(t - now_us()) > 10 * SEC:
                self.fail("a check-in without started_at starts at %s, not now"
                          % b.get("started_at"))

        def apply(b):
            cid = self.new_id(b)
            self.checkins[cid] = Checkin(cid, v.number, act.code,
                                         parse_time(b["started_at"]))
            v.open.add(cid)
        self.send(key, "POST", "/v1/shifts/checkin", Expect(201, check=check,
                                                            apply=apply), body)

    def op_checkout(self):
        rng, now = self.rng, now_us()
        r = rng.random()
        open_ = [k for k in self.checkins.values() if not k.closed]
        closed = [k for k in self.checkins.values() if k.closed]
        logged = [s for s in self.shifts.values() if s.id not in self.checkins]
        k = None
        if r < 0.75 and open_:
            k = rng.choice(open_)
            sid = k.id
        elif r < 0.85 and closed:
            sid = rng.choice(closed).id
        elif r < 0.93 and logged:
            sid = rng.choice(logged).id
        else:
            sid = self.max_id + rng.randint(1000, 9999)
        body = {}
        end = None                            # now, the server's clock
        if k is not None:
            age = now - k.start
            r = rng.random()
            if r < 0.05:
                end = k.start - rng.choice([0, MIN, HOUR])
            elif r < 0.08:
                end = now + rng.randint(10, 120) * MIN
            elif age > 5 * MIN and r < 0.33:
                end = None
            elif age > 5 * MIN:
                end = k.start + rng.randint(60, max(61, min(age - 2 * MIN, 10 * HOUR) // SEC)) * SEC
                end = self.rand_instant(end) if end // MIN * MIN > k.start else end
            else:
                end = k.start + rng.randint(0, 40) * SEC
            if end is not None:
                body["ended_at"] = fmt_time(end, rng)
        owner = self.vols[self.checkins[sid].vol] if sid in self.checkins else \
            self.vols[self.shifts[sid].vol] if sid in self.shifts else self.pick_vol()
        key = self.key_for(owner, own=0.8, foreign=0.07)
        self.op_desc = "check out %d" % sid
        path = "/v1/shifts/%d/checkout" % sid
        try:
            if sid not in self.checkins:
                if sid in self.shifts:
                    raise Refused(409, "shift-not-open")
                raise Refused(404, "unknown-shift")
            kk = self.checkins[sid]
            v = self.volunteer_get(key, kk.vol)
            if kk.closed:
                raise Refused(409, "shift-not-open")
            self.shift_check(v, kk.start, end if end is not None else now, now,
                             except_id=kk.id)
        except Refused as r:
            return self.send(key, "POST", path, Expect(r.status, r.slug), body)
        act = self.acts[k.act]
        box = {}

        def check(b):
            e = end
            if e is None:
                try:
                    e = parse_time(b.get("ended_at"))
                except (TypeError, ValueError):
                    self.fail("ended_at is not a time: %r" % b.get("ended_at"))
                if abs(e - now_us()) > 10 * SEC:
                    self.fail("a check-out without ended_at ends at %s, not now"
                              % b.get("ended_at"))
            box["end"] = e
            box["points"] = self.shift_points(v, act, k.start, e)
            self.shift_checker(v, act, k.start, e, minutes_of(k.start, e),
                               box["points"], "checkout", key, sid=k.id)(b)

        def apply(b):
            k.closed = True
            v.open.discard(k.id)
            self.record(k.id, v, act, k.start, box["end"], box["points"],
                        "checkout")
        self.send(key, "POST", path, Expect(201, check=check, apply=apply), body)

    def op_status(self):
        rng = self.rng
        vol = self.pick_vol()
        number = vol.number
        if rng.random() < 0.04:
            number = "%s-NOPE%d" % (self.tag, rng.randint(1, 999))
        idle = sum(1 for v in self.vols.values() if v.status != "active")
        if vol.status == "active":
            new = "suspended" if rng.random() < 0.8 else "left"
            if idle > len(self.vols) // 6:
                new = "active"
        else:
            new = "active" if rng.random() < 0.9 else \
                rng.choice(["suspended", "left"])
        if rng.random() < 0.04:
            new = "retired"
        key = self.key_for(vol, own=0.7, foreign=0.1)
        body = {"status": new, "reason": "random test: " + new}
        self.op_desc = "set status %s" % new
        path = "/v1/volunteers/%s" % number
        try:
            v = self.volunteer_get(key, number)
            if new not in ("active", "suspended", "left"):
                raise Refused(422, "invalid-field")
        except Refused as r:
            return self.send(key, "PATCH", path, Expect(r.status, r.slug), body)

        def check(b):
            self.expect_fields(b, number=v.number, status=new, points=v.balance,
                               minutes=v.minutes(self), community=v.community)

        def apply(b):
            v.status = new
        self.send(key, "PATCH", path, Expect(200, check=check, apply=apply), body)

    def op_ledger(self, vol=None, key=None, full=False):
        rng = self.rng
        number = None
        if vol is None:
            vol = self.pick_vol()
            number = vol.number
            if rng.random() < 0.03:
                number = "%s-NOPE%d" % (self.tag, rng.randint(1, 999))
            key = self.key_for(vol, own=0.5, foreign=0.15)
        number = number or vol.number
        limit = 1000 if full else 20
        query = "limit=1000" if full else ""
        self.op_desc = "ledger of %s" % number
        try:
            v = self.volunteer_get(key, number)
        except Refused as r:
            return self.send(key, "GET", "/v1/volunteers/%s/ledger" % number,
                             Expect(r.status, r.slug), query=query)

        def check(b):
            self.expect_fields(b, volunteer=v.number, points=v.balance,
                               minutes=v.minutes(self))
            want = list(reversed(v.transfers))[:limit]
            got = b.get("transfers")
            if not isinstance(got, list):
                self.fail("no transfers list: %s" % json.dumps(b)[:600])
            got_t = [(t.get("amount"), t.get("cause"), t.get("shift"), t.get("memo"))
                     for t in got]
            if got_t != want:
                self.fail("transfers (newest first, amount cause shift memo): "
                          "expected %s, got %s" % (want[:8], got_t[:8]))
            by_id = {t.get("id"): t for t in got}
            for t in got:
                if (t.get("cause") == "reversal") != (t.get("reversal_of") is not None):
                    self.fail("transfer %s: reversal_of %r with cause %s" % (
                        t.get("id"), t.get("reversal_of"), t.get("cause")))
                if full and t.get("cause") == "reversal":
                    o = by_id.get(t["reversal_of"])
                    if o is None or o.get("cause") != "shift" or \
                            o.get("shift") != t.get("shift") or \
                            o.get("amount") != -t.get("amount"):
                        self.fail("transfer %s reverses %r, which is not the "
                                  "award of shift %s" % (t.get("id"), o, t.get("shift")))
        self.send(key, "GET", "/v1/volunteers/%s/ledger" % number,
                  Expect(200, check=check), query=query)

    def op_retry(self):
        key, idem, method, path, data, status, raw = self.rng.choice(self.writes)
        self.op_desc = "retry %s %s (first answered %d)" % (method, path, status)
        self.op_desc += " [by %s idem %s]" % (key, idem)
        got_status, got_raw, _ = self.client.call(key, method, path, "", data, idem)
        self.count("retry")
        if got_status != status or got_raw != raw:
            self.fail("a retry with the same Idempotency-Key: expected the stored "
                      "answer %d %s, got %d %s" % (status, raw[:400], got_status,
                                                   got_raw[:400]))

    def op_reuse(self):
        key, idem, method, path, data, status, raw = self.rng.choice(self.writes)
        other = json.loads(data) if data else {}
        other["memo_" + self.tag] = "another request"
        self.op_desc = "reuse the Idempotency-Key of %s %s for another body" % (
            method, path)
        self.send(key, method, path, Expect(422, "idempotency-key-reused"), other,
                  idem=idem, write=False)

    # -- whole-ledger checks --------------------------------------------

    def checkpoint(self, final=False):
        self.checks += 1
        desc = self.op_desc
        for number in self.numbers:
            v = self.vols[number]
            self.op_ledger(v, self.admin, full=True)
            self.op_desc = "checkpoint: shifts of %s" % number

            def check(b, v=v):
                got = {s.get("id"): s for s in b.get("shifts", [])}
                if set(got) != v.all:
                    self.fail("shift ids: expected %s, got %s" % (
                        sorted(v.all), sorted(got)))
                for sid, s in got.items():
                    m = self.shifts[sid]
                    self.expect_fields(s, minutes=m.minutes, points=m.points,
                                       activity=m.act, started_at=m.start,
                                       ended_at=m.end, source=m.source,
                                       corrects=m.corrects,
                                       status="corrected" if m.corrected else "recorded")
                opened = sorted(k.get("id") for k in b.get("open", []))
                if opened != sorted(v.open):
                    self.fail("open check-ins: expected %s, got %s" % (
                        sorted(v.open), opened))
            self.send(self.admin, "GET", "/v1/shifts", Expect(200, check=check),
                      query="volunteer=%s&limit=1000" % number)
            if final:
                self.op_desc = "final: volunteer %s" % number

                def check(b, v=v):
                    minutes = v.minutes(self)
                    star = next((s for s, h in STAR_HOURS if minutes >= h * 60), 0)
                    self.expect_fields(b, status=v.status, points=v.balance,
                                       minutes=minutes, star=star)
                self.send(self.admin, "GET", "/v1/volunteers/%s" % number,
                          Expect(200, check=check))
        if self.args.db_check:
            self.op_desc = "checkpoint: --db-check"
            p = subprocess.run(self.args.db_check, shell=True,
                               capture_output=True, text=True)
            if p.returncode != 0 or p.stdout.strip() != "0":
                self.fail("--db-check printed %r (exit %d, stderr %r), expected 0"
                          % (p.stdout.strip(), p.returncode, p.stderr.strip()[:300]))
        self.op_desc = desc

    # -- the run --------------------------------------------------------

    OPS = [("log", 30), ("log_bad", 12), ("correct", 11), ("checkin", 7),
           ("checkout", 8), ("status", 6), ("retry", 8), ("reuse", 1),
           ("ledger", 10)]
    BAD = ["overlap", "overlap", "overlap", "adjacent", "adjacent", "end-before-start", "too-long",
           "future-start", "future-end", "too-short", "unknown-volunteer",
           "unknown-activity", "foreign", "foreign", "suspended", "suspended",
           "missing-end", "bad-time"]

    def run(self):
        t0 = time.time()
        self.setup()
        names = [n for n, _ in self.OPS]
        weights = [w for _, w in self.OPS]
        for i in range(1, self.args.ops + 1):
            self.op_no = i
            kind = self.rng.choices(names, weights)[0]
            if kind in ("retry", "reuse") and not self.writes:
                kind = "ledger"
            self.count("op " + kind)
            if kind == "log":
                self.op_log()
            elif kind == "log_bad":
                self.op_log(self.rng.choice(self.BAD))
            else:
                getattr(self, "op_" + kind)()
            if self.args.verbose:
                print("%d: %s" % (i, self.op_desc))
            if i % CHECK_EVERY == 0:
                self.checkpoint()
        self.op_no = "end"
        self.op_desc = "final check"
        self.checkpoint(final=True)
        return time.time() - t0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--server", required=True, help="http://127.0.0.1:PORT")
    p.add_argument("--admin-key", required=True,
                   help="PEM Ed25519 private key enrolled as admin")
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--ops", type=int, default=3000)
    p.add_argument("--db-check", help="shell command that must print 0 "
                   "(the sum of all balances)")
    p.add_argument("--verbose", action="store_true", help="print every operation")
    a = p.parse_args()
    run = Run(a)
    try:
        took = run.run()
    except Divergence as e:
        print("random_ledger: DIVERGENCE with --seed %d at operation %s of %d:"
              % (a.seed, run.op_no, a.ops))
        print("  operation: %s" % run.op_desc)
        print("  %s" % e)
        print("  replay: VPOINTS_SEED=%d (tests/e2e/random.sh)" % a.seed)
        print("not ok - random ledger, seed %d: diverged at operation %s"
              % (a.seed, run.op_no))
        return 1
    except Exception:
        print("random_ledger: the test itself failed with --seed %d at "
              "operation %s of %d:" % (a.seed, run.op_no, a.ops))
        print("  operation: %s" % run.op_desc)
        traceback.print_exc(file=sys.stdout)
        print("not ok - random ledger, seed %d: error at operation %s"
              % (a.seed, run.op_no))
        return 1
    st = run.stats
    refusals = sorted((k, n) for k, n in st.items() if k[0] in "45")
    print("# %d requests in %.1f s; operations: %s" % (
        run.client.requests, took, ", ".join(
            "%s %d" % (k[3:], n) for k, n in sorted(st.items()) if k.startswith("op "))))
    print("# coverage: %s" % ", ".join(
        "%s %d" % (k[6:], n) for k, n in sorted(st.items()) if k.startswith("cover ")))
    print("# shifts recorded %d (corrected %d), check-ins %d; refusals: %s" % (
        len(run.shifts), sum(1 for s in run.shifts.values() if s.corrected),
        len(run.checkins), ", ".join("%s %d" % kn for kn in refusals)))
    print("ok - random ledger, seed %d: %d operations, %d checkpoints, every "
          "answer as predicted" % (a.seed, a.ops, run.checks))
    return 0


if __name__ == "__main__":
    sys.exit(main())
