#!/usr/bin/python3
"""Reports, certificates of service and month closes, end to end.

Builds a seeded data set through the signed HTTP API of a running
vpointsd (communities, stations with keys of their own, teams, volunteers
with registration dates, shifts over the past months, one from 23:30 on
the last day of a month to after midnight, corrections, a check-in and
check-out, a catalogue with redemptions and a void, points for help), keeps
it in Python, and computes from it, without the daemon's SQL, what the
reports must say (doc/api.md, "Reports"): the monthly report at all four
levels for three months (the month with the 23:30 edge, the next one and
the current one) and the annual report, each field of each row, the
totals, the new star levels, and the same rows as CSV; residents' and
leads' evaluations (some reversed) and party members with the volunteers
they brought, and from them the approval and recruitment reports of the
three months, city-wide and per community. Then it issues a
certificate and checks its JWS with the `cryptography` package, closes a
month and checks its digest and JWS, that the closed month refuses
shifts, and the reports of the months after it, which read the year up
to it from what its close stored.

Python's standard library and `cryptography` only; requests are signed by
tests/sigtool.py. Needs a database of its own (it checks that there is no
community yet). Every check prints a TAP line; each mismatch says what
differed, what was expected and what came. Exits 1 on any mismatch, with
the seed; the last line is a summary.
"""
import argparse
import base64
import csv
import hashlib
import http.client
import io
import json
import os
import random
import re
import shlex
import subprocess
import sys
import time
import traceback
import urllib.parse
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey, Ed25519PublicKey)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sigtool  # noqa: E402
from sigtool import Abort, Api  # noqa: E402

# The volunteer with service in the year before the closed month's.
VETERAN = "V008"

# The daemon's time zone, Asia/Shanghai: UTC+8 all year (no DST since 1991).
TZ = timezone(timedelta(hours=8), "Asia/Shanghai")
TZ_NAME = "Asia/Shanghai"
PROBLEM = "urn:vpoints:problem:"
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

COLUMNS = {
    "volunteer": ["number", "name", "community", "minutes", "hours",
                  "minutes_ytd", "hours_ytd", "progress", "shifts",
                  "points_earned", "points_spent", "balance", "stars"],
    "community": ["code", "name", "population", "registered",
                  "registration_share", "share_target_met", "active",
                  "minutes", "hours", "average_hours", "on_track",
                  "points_issued", "points_redeemed", "gifts",
                  "help_completed"],
    "team": ["code", "name", "kind", "community", "volunteers", "shifts",
             "minutes", "hours"],
    "station": ["code", "name", "community", "volunteers", "shifts",
                "minutes", "hours", "redemptions", "points_redeemed",
                "stock"],
}
# The columns whose sums make the totals ("the numeric columns that add up").
SUMMED = {
    "volunteer": ["minutes", "hours", "minutes_ytd", "hours_ytd", "shifts",
                  "points_earned", "points_spent", "balance"],
    "community": ["population", "registered", "active", "minutes", "hours",
                  "on_track", "points_issued", "points_redeemed", "gifts",
                  "help_completed"],
    "team": ["volunteers", "shifts", "minutes", "hours"],
    "station": ["volunteers", "shifts", "minutes", "hours", "redemptions",
                "points_redeemed", "stock"],
}
KEY_FIELD = {"volunteer": "number", "community": "code", "team": "code",
             "station": "code"}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["小明", "秀英", "建国", "丽娟", "志强", "海燕", "伟", "芳", "军",
         "静", "磊", "洋", "艳", "勇", "娜", "杰", "涛", "明辉", "晓东", "桂兰"]


# -- time and numbers ---------------------------------------------------

def add_month(ym, k):
    t = ym[0] * 12 + ym[1] - 1 + k
    return (t // 12, t % 12 + 1)


def month_text(ym):
    return "%04d-%02d" % ym


def month_start(ym):
    return datetime(ym[0], ym[1], 1, tzinfo=TZ)


def ym_of(t):
    t = t.astimezone(TZ)
    return (t.year, t.month)


def fmt_time(t):
    return t.astimezone(TZ).strftime("%Y-%m-%dT%H:%M:%S+08:00")


def fmt_day_start(t):
    return t.astimezone(TZ).strftime("%Y-%m-%dT%H:%M:%S+08:00")


def parse_time(text):
    t = datetime.fromisoformat(text)
    if t.tzinfo is None:
        raise ValueError("no offset: %r" % text)
    return t


def minutes_of(start, end):
    """Whole minutes: the seconds of start and end are dropped."""
    return int(end.timestamp() // 60) - int(start.timestamp() // 60)


def round_half_up(x, places):
    """PostgreSQL's round(numeric, places) of a non-negative rational."""
    q = Fraction(x) * 10 ** places
    n = (q.numerator * 2 + q.denominator) // (2 * q.denominator)
    return Decimal(n).scaleb(-places)


def hours(minutes):
    return round_half_up(Fraction(minutes, 60), 2)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_strict(text):
    """base64url without padding, canonical only (as RFC 7515 wants)."""
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text) or len(text) % 4 == 1:
        raise ValueError("not base64url")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64url(data) != text:
        raise ValueError("not canonical base64url")
    return data


def thumbprint(x):
    """RFC 7638 thumbprint of an Ed25519 JWK with x (base64url)."""
    jwk = '{"crv":"Ed25519","kty":"OKP","x":"%s"}' % x
    return b64url(hashlib.sha256(jwk.encode()).digest())


def jws_verify(jws, public_key, kid):
    """Verify a compact JWS (alg EdDSA, kid): the header and the payload
    bytes, or ValueError / InvalidSignature."""
    parts = jws.split(".")
    if len(parts) != 3:
        raise ValueError("not three parts")
    header = json.loads(b64url_strict(parts[0]))
    if not isinstance(header, dict) or header.get("alg") != "EdDSA" or \
            header.get("kid") != kid or set(header) != {"alg", "kid"}:
        raise ValueError("header %r" % header)
    sig = b64url_strict(parts[2])
    if len(sig) != 64:
        raise ValueError("signature of %d bytes" % len(sig))
    public_key.verify(sig, (parts[0] + "." + parts[1]).encode())
    return header, b64url_strict(parts[1])


def same(a, b):
    """JSON values equal: numbers by value, booleans apart from numbers."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, Decimal)) and isinstance(b, (int, Decimal)):
        return Decimal(a) == Decimal(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


def show(v):
    if isinstance(v, Decimal):
        return str(v)
    return json.dumps(v, ensure_ascii=False, default=str)


# -- the API ------------------------------------------------------------

class Key:
    def __init__(self, name, sk, role, community=None, station=None):
        self.name, self.sk, self.role = name, sk, role
        self.community, self.station = community, station
        self.keyid = sigtool.keyid_of(sigtool.public_raw(sk))

    def pem(self):
        return self.sk.public_key().public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo).decode()


# -- the model ----------------------------------------------------------

class Vol:
    def __init__(self, number, name, community, registered_on):
        self.number, self.name, self.community = number, name, community
        self.registered_on = registered_on
        self.status = "active"
        self.left_at = None      # when the status became "left"
        self.teams = set()
        self.balance = 0


class Shift:
    def __init__(self, sid, vol, act, start, end, station, points,
                 recorded_at, corrects=None):
        self.id, self.vol, self.act = sid, vol, act
        self.start, self.end = start, end
        self.minutes = minutes_of(start, end)
        self.station, self.points = station, points
        self.recorded_at, self.corrects = recorded_at, corrects
        self.current = True


class Transfer:
    """Accounts are ("vol", number), ("iss", community), ("st", station,
    community), ("esc", community)."""

    def __init__(self, at, frm, to, amount, cause, value=None):
        self.at, self.frm, self.to = at, frm, to
        self.amount, self.cause = amount, cause
        # When it counts in reports: a shift's points and their reversal
        # at the shift's start, the others when made.
        self.value = value if value is not None else at


class Model:
    def __init__(self):
        self.communities = {}    # code -> (name, population)
        self.stations = {}       # code -> (name, community or None)
        self.teams = {}          # code -> (name, kind, community or None)
        self.acts = {}           # code -> points per hour
        self.vols = {}           # number -> Vol
        self.shifts = {}         # id -> Shift (every record)
        self.transfers = []
        self.items = {}          # (station, code) -> dict
        self.redemptions = []    # dicts
        self.helps = []          # dicts
        self.levels = [100, 300, 600, 1000, 1500]

    def stars(self, minutes):
        return max([i + 1 for i, h in enumerate(self.levels)
                    if h * 60 <= minutes] or [0])

    def current(self, vol=None):
        return [s for s in self.shifts.values() if s.current
                and (vol is None or s.vol == vol)]

    def busy(self, vol, start, end):
        return any(s.start < end and s.end > start for s in self.current(vol))

    # -- points in the month of the service, the rest on the ledger's clock --

    def vol_points(self, n, pf, pt):
        me = ("vol", n)
        earned = spent = balance = 0
        for t in self.transfers:
            if t.value >= pt:
                continue
            if t.to == me:
                balance += t.amount
            elif t.frm == me:
                balance -= t.amount
            if t.value < pf:
                continue
            rev = t.cause == "reversal"
            if t.to == me and not rev:
                earned += t.amount
            elif t.frm == me and rev:
                earned -= t.amount
            elif t.frm == me and not rev:
                spent += t.amount
            elif t.to == me and rev:
                spent -= t.amount
        return earned, spent, balance

    def community_points(self, c, pf, pt):
        issued = redeemed = 0
        for t in self.transfers:
            if not pf <= t.value < pt:
                continue
            if t.frm == ("iss", c):
                issued += t.amount
            elif t.to == ("iss", c):
                issued -= t.amount
            if t.to[0] == "st" and t.to[2] == c:
                redeemed += t.amount
            elif t.frm[0] == "st" and t.frm[2] == c:
                redeemed -= t.amount
        return issued, redeemed

    # -- the report rows (doc/api.md, "Reports") --

    def in_scope(self, v, pt, scope):
        """A volunteer of the report: of the scope, registered by the
        period's end (registered_on before the day the period ends)."""
        return (scope is None or v.community == scope) and \
            v.registered_on < pt.astimezone(TZ).date()

    def volunteer_rows(self, pf, pt, scope):
        ys = datetime(pf.astimezone(TZ).year, 1, 1, tzinfo=TZ)
        rows = []
        for n in sorted(self.vols):
            v = self.vols[n]
            if not self.in_scope(v, pt, scope):
                continue
            cur = [s for s in self.current(n) if s.start < pt]
            per = [s for s in cur if s.start >= pf]
            minutes = sum(s.minutes for s in per)
            ytd = sum(s.minutes for s in cur if s.start >= ys)
            earned, spent, balance = self.vol_points(n, pf, pt)
            rows.append({
                "number": n, "name": v.name, "community": v.community,
                "minutes": minutes, "hours": hours(minutes),
                "minutes_ytd": ytd, "hours_ytd": hours(ytd),
                "progress": round_half_up(Fraction(ytd, 12), 2),
                "shifts": len(per), "points_earned": earned,
                "points_spent": spent, "balance": balance,
                "stars": self.stars(sum(s.minutes for s in cur))})
        return rows

    def new_star_levels(self, pf, pt, scope):
        out = []
        for n in sorted(self.vols):
            v = self.vols[n]
            if not self.in_scope(v, pt, scope):
                continue
            cur = self.current(n)
            by_end = sum(s.minutes for s in cur if s.start < pt)
            before = sum(s.minutes for s in cur if s.start < pf)
            if self.stars(by_end) > self.stars(before):
                # "hours": the cumulative hours that crossed the level, at
                # the period's end (what the report is about: a report of
                # a past month must not change with later shifts).
                out.append({"volunteer": n, "name": v.name,
                            "community": v.community,
                            "stars": self.stars(by_end),
                            "hours": hours(by_end)})
        return out

    def community_rows(self, pf, pt, scope):
        ys = datetime(pf.astimezone(TZ).year, 1, 1, tzinfo=TZ)
        share = Fraction(int((pt - ys).total_seconds()),
                         int((datetime(ys.year + 1, 1, 1, tzinfo=TZ)
                              - ys).total_seconds()))
        vrows = {r["number"]: r for r in self.volunteer_rows(pf, pt, scope)}
        rows = []
        for c in sorted(self.communities):
            if scope is not None and c != scope:
                continue
            name, population = self.communities[c]
            mine = [r for r in vrows.values() if r["community"] == c]
            # Registered by the period's end and had not left by then.
            stay = [r for r in mine if self.vols[r["number"]].left_at is None
                    or self.vols[r["number"]].left_at >= pt]
            registered = len(stay)
            minutes = sum(r["minutes"] for r in mine)
            issued, redeemed = self.community_points(c, pf, pt)
            rows.append({
                "code": c, "name": name, "population": population,
                "registered": registered,
                "registration_share": round_half_up(
                    Fraction(100 * registered, population), 2),
                "share_target_met": 100 * registered >= 13 * population,
                "active": sum(1 for r in mine if r["shifts"] > 0),
                "minutes": minutes, "hours": hours(minutes),
                "average_hours": round_half_up(
                    Fraction(minutes, 60 * registered), 2) if registered
                else Decimal(0),
                "on_track": sum(1 for r in stay
                                if r["minutes_ytd"] >= 1200 * share),
                "points_issued": issued, "points_redeemed": redeemed,
                "gifts": sum(d["quantity"] for d in self.redemptions
                             if d["community"] == c and pf <= d["at"] < pt
                             and not d["voided"]),
                "help_completed": sum(1 for h in self.helps
                                      if h["community"] == c
                                      and h["status"] == "completed"
                                      and pf <= h["resolved_at"] < pt)})
        return rows

    def period_shifts(self, pf, pt, scope):
        return [s for s in self.current() if pf <= s.start < pt and
                (scope is None or self.vols[s.vol].community == scope)]

    def team_rows(self, pf, pt, scope):
        shifts = self.period_shifts(pf, pt, scope)
        rows = []
        for code in sorted(self.teams):
            name, kind, c = self.teams[code]
            if scope is not None and c is not None and c != scope:
                continue
            mine = [s for s in shifts if code in self.vols[s.vol].teams]
            minutes = sum(s.minutes for s in mine)
            rows.append({"code": code, "name": name, "kind": kind,
                         "community": c,
                         "volunteers": len({s.vol for s in mine}),
                         "shifts": len(mine), "minutes": minutes,
                         "hours": hours(minutes)})
        return rows

    def station_rows(self, pf, pt, scope):
        shifts = self.period_shifts(pf, pt, scope)
        rows = []
        for code in sorted(self.stations):
            name, c = self.stations[code]
            if c is None or (scope is not None and c != scope):
                continue
            mine = [s for s in shifts if s.station == code]
            minutes = sum(s.minutes for s in mine)
            reds = [d for d in self.redemptions if d["station"] == code
                    and pf <= d["at"] < pt and not d["voided"]]
            rows.append({
                "code": code, "name": name, "community": c,
                "volunteers": len({s.vol for s in mine}),
                "shifts": len(mine), "minutes": minutes,
                "hours": hours(minutes), "redemptions": len(reds),
                "points_redeemed": sum(d["points"] for d in reds),
                "stock": sum(i["stock"] for (st, _), i in self.items.items()
                             if st == code and i["active"])})
        return rows

    def report(self, kind, period, level, scope=None):
        if kind == "monthly":
            ym = (int(period[:4]), int(period[5:7]))
            pf, pt = month_start(ym), month_start(add_month(ym, 1))
        else:
            pf = datetime(int(period), 1, 1, tzinfo=TZ)
            pt = datetime(int(period) + 1, 1, 1, tzinfo=TZ)
        rows = getattr(self, level + "_rows")(pf, pt, scope)
        totals = {k: sum((r[k] for r in rows), 0) for k in SUMMED[level]}
        # Hours of the totals are those of the summed minutes.
        for h, m in (("hours", "minutes"), ("hours_ytd", "minutes_ytd")):
            if h in totals:
                totals[h] = round_half_up(Fraction(totals[m], 60), 2)
        return {"kind": kind, "period": period, "level": level,
                "community": scope, "timezone": TZ_NAME,
                "from": fmt_day_start(pf), "to": fmt_day_start(pt),
                "targets": {"hours_per_year": 20,
                            "registration_share": Decimal("0.13")},
                "columns": COLUMNS[level], "rows": rows, "totals": totals,
                "new_star_levels": self.new_star_levels(pf, pt, scope)}


# -- the run ------------------------------------------------------------

class Run:
    def __init__(self, args):
        self.args = args
        self.seed = args.seed
        self.rng = random.Random(args.seed)
        self.api = Api(args.server, random.Random(args.seed ^ 0x5eed))
        self.admin = Key("admin", sigtool.load_key(args.admin_key), "admin")
        self.m = Model()
        self.keys = {}           # station code -> Key
        self.by_community = {}   # community -> [station codes]
        self.count = 0
        self.failed = 0
        self.notes = []
        # The test's base time (tests/lib.sh's T_NOW): every time the data
        # set is built from derives from it.
        self.now = datetime.fromtimestamp(
            int(os.environ.get("T_NOW") or time.time()), TZ)
        self.cm = ym_of(self.now)
        self.e = add_month(self.cm, -2)    # the month of the 23:30 edge
        self.e1 = add_month(self.cm, -1)
        self.d0 = add_month(self.cm, -4)   # shifts from this month on
        self.special = {}

    # -- TAP --

    def result(self, good, desc, diffs=()):
        self.count += 1
        if good:
            print("ok %d - %s" % (self.count, desc))
        else:
            self.failed += 1
            print("not ok %d - %s" % (self.count, desc))
            for d in list(diffs)[:25]:
                print("#   " + d)
            if len(diffs) > 25:
                print("#   ... and %d more" % (len(diffs) - 25))
        sys.stdout.flush()

    def is_(self, got, expected, desc):
        good = same(got, expected)
        self.result(good, desc, [] if good else [
            "expected: %s" % show(expected), "got:      %s" % show(got)])
        return good

    def note(self, text):
        self.notes.append(text)
        print("# note: " + text)

    def psql(self, sql):
        if not self.args.psql:
            return None
        p = subprocess.run(self.args.psql + " -c " + shlex.quote(sql),
                           shell=True, capture_output=True, text=True)
        if p.returncode != 0:
            raise Abort("--psql %r failed: %s" % (sql, p.stderr.strip()[:300]))
        return p.stdout.strip()

    # -- building the data set --

    def station_key(self, community, admin_share=0.25):
        if self.rng.random() < admin_share:
            return self.admin
        return self.keys[self.rng.choice(self.by_community[community])]

    def setup(self):
        rng, api, m = self.rng, self.api, self.m
        got = api.must(self.admin, "GET", "/v1/communities")
        if got.get("communities"):
            raise Abort("the database has communities already: the reports "
                        "check needs a database of its own")
        names = ["东城社区", "西湖社区", "南山社区"]
        for i in range(rng.choice([2, 3])):
            code = "C%d" % (i + 1)
            pop = rng.randint(60, 400)
            api.must(self.admin, "POST", "/v1/communities",
                     {"code": code, "name": names[i], "population": pop})
            m.communities[code] = (names[i], pop)
        for code, pph in [("walk", 10), ("care", 15), ("free", 0)]:
            api.must(self.admin, "POST", "/v1/activities",
                     {"code": code, "name": "活动 " + code,
                      "points_per_hour": pph})
            m.acts[code] = pph
        m.acts["help"] = 0
        self.act_names = {a["code"]: a["name"] for a in api.must(
            self.admin, "GET", "/v1/activities")["activities"]}
        # Stations, each with a key of its own, enrolled by its PEM.
        for c in m.communities:
            self.by_community[c] = []
            for s in "ab"[:rng.choice([1, 2])]:
                code = "S%s%s" % (c[1:], s)
                key = Key("station " + code, Ed25519PrivateKey.generate(),
                          "station", c, code)
                b = api.must(self.admin, "POST", "/v1/stations",
                             {"code": code, "name": "服务站 " + code,
                              "community": c, "public_key": key.pem(),
                              "role": "station"})
                if b.get("keyid") != key.keyid:
                    raise Abort("station %s: keyid %r, not the RFC 7638 "
                                "thumbprint %s" % (code, b.get("keyid"), key.keyid))
                self.keys[code] = key
                self.by_community[c].append(code)
                m.stations[code] = ("服务站 " + code, c)
        for st in api.must(self.admin, "GET", "/v1/stations")["stations"]:
            if any(k["keyid"] == self.admin.keyid for k in st["keys"]):
                self.admin.station = st["code"]
            if st["code"] not in m.stations:
                m.stations[st["code"]] = (st["name"], st["community"])
        if self.admin.station is None:
            raise Abort("GET /v1/stations does not list the admin key")
        # Teams: two of C1 (one volunteer is in both), one city-wide, one
        # of C2.
        teams = [("TA", "东城巡逻队", "standing", "C1"),
                 ("TB", "医疗服务队", "specialty", "C1"),
                 ("TC", "应急救援队", "specialty", None),
                 ("TD", "西湖环保队", "standing", "C2")]
        for code, name, kind, c in teams:
            body = {"code": code, "name": name, "kind": kind}
            if c:
                body["community"] = c
            api.must(self.admin, "POST", "/v1/teams", body)
            m.teams[code] = (name, kind, c)

    def volunteers(self):
        rng, api, m = self.rng, self.api, self.m
        d0 = month_start(self.d0).date()
        today = self.now.date()
        e_last = month_start(self.e1).date() - timedelta(days=1)
        n = rng.randint(30, 60)
        comms = sorted(m.communities)
        for i in range(n):
            number = "V%03d" % (i + 1)
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            if i == 4:
                name = '欧阳"小明", 二'     # quotes and a comma, for the CSV
            c = comms[i % len(comms)] if i < 6 else rng.choice(comms)
            r = rng.random()
            reg = d0 - timedelta(days=rng.randint(1, 300))
            if r < 0.15:
                reg = d0 + timedelta(days=rng.randint(0, (today - d0).days))
            if i == 1:
                reg = month_start(self.e1).date()   # the first day after E
            elif i == 2:
                reg = e_last                         # the last day of E
            elif i == 7:                             # V008: the year before E
                reg = date(self.e[0] - 1, 3, 1)
            body = {"number": number, "name": name}
            if i != 3:                               # V004: today, the default
                body["registered_on"] = reg.isoformat()
            else:
                reg = today
            teams = []
            pool = [t for t, (_, _, tc) in m.teams.items() if tc in (None, c)]
            if i == 0:
                c, teams = "C1", ["TA", "TB"]       # in two teams
            elif i == 5:
                teams = ["TC"] + [t for t in pool if t != "TC"][:1]
            elif rng.random() < 0.6:
                teams = rng.sample(pool, rng.choice([1, 1, 2]) if len(pool) > 1 else 1)
            joins = []
            if teams and rng.random() < 0.3:         # join later instead
                joins, teams = teams, []
            if teams:
                body["teams"] = teams
            key = self.station_key(c, 0.3)
            if key is self.admin:
                body["community"] = c
            b = api.must(key, "POST", "/v1/volunteers", body)
            if b.get("registered_on") != reg.isoformat():
                raise Abort("volunteer %s: registered_on %r, sent %s" % (
                    number, b.get("registered_on"), reg))
            v = Vol(number, name, c, reg)
            v.teams = set(teams)
            m.vols[number] = v
            for t in joins:
                api.must(self.station_key(c, 0.3), "POST",
                         "/v1/teams/%s/join" % t, {"volunteer": number})
                v.teams.add(t)

    # -- shifts --

    def log(self, number, act, start, end, key=None):
        v = self.m.vols[number]
        key = key or self.station_key(v.community)
        b = self.api.must(key, "POST", "/v1/shifts", {
            "volunteer": number, "activity": act,
            "started_at": fmt_time(start), "ended_at": fmt_time(end)})
        return self.record(b, number, act, start, end, key)

    def record(self, b, number, act, start, end, key, corrects=None):
        minutes = minutes_of(start, end)
        points = minutes * self.m.acts[act] // 60
        want = {"volunteer": number, "activity": act, "minutes": minutes,
                "points": points, "station": key.station}
        for k, w in want.items():
            if b.get(k) != w:
                raise Abort("shift of %s: %s is %r, expected %r (%s)" % (
                    number, k, b.get(k), w, show(b)[:300]))
        if parse_time(b["started_at"]) != start or parse_time(b["ended_at"]) != end:
            raise Abort("shift of %s: times %s..%s, sent %s..%s" % (
                number, b["started_at"], b["ended_at"], start, end))
        at = parse_time(b["recorded_at"])
        s = Shift(b["id"], number, act, start, end, key.station, points, at,
                  corrects)
        self.m.shifts[s.id] = s
        v = self.m.vols[number]
        if points:
            self.m.transfers.append(Transfer(at, ("iss", v.community),
                                             ("vol", number), points, "shift",
                                             start))
            v.balance += points
        return s

    def correct(self, sid, changes, key=None):
        old = self.m.shifts[sid]
        v = self.m.vols[old.vol]
        key = key or self.station_key(v.community)
        body = {"reason": "核对更正"}
        body.update({k: fmt_time(t) if isinstance(t, datetime) else t
                     for k, t in changes.items()})
        b = self.api.must(key, "POST", "/v1/shifts/%d/corrections" % sid, body)
        if b.get("corrects") != sid:
            raise Abort("correction of %d: corrects %r" % (sid, b.get("corrects")))
        old.current = False
        s = self.record(b, old.vol, changes.get("activity", old.act),
                        changes.get("started_at", old.start),
                        changes.get("ended_at", old.end), key, corrects=sid)
        if old.points:
            self.m.transfers.append(Transfer(s.recorded_at, ("vol", old.vol),
                                             ("iss", v.community), old.points,
                                             "reversal", old.start))
            v.balance -= old.points
        return s

    def shifts(self):
        rng, m = self.rng, self.m
        numbers = sorted(m.vols)
        e_last = month_start(self.e1) - timedelta(days=1)   # 00:00, last day of E
        e1_first = month_start(self.e1)
        # The 23:30 edge: from the last day of E to after midnight.
        early = [n for n in numbers[6:] if m.vols[n].registered_on
                 < month_start(self.d0).date() and n != VETERAN]
        x, y = rng.sample(early, 2)
        self.special = {"edge": x, "moved": y, "veteran": VETERAN}
        reserved = {x: set(), y: set()}
        for n in (x, y):
            for d in (-1, 0, 1):
                reserved[n].add((e_last + timedelta(days=d)).date())
        latest = self.now - timedelta(minutes=40)
        first = month_start(self.d0)
        today0 = datetime(self.now.year, self.now.month, self.now.day, tzinfo=TZ)
        plans = []
        for n in numbers:
            v = m.vols[n]
            lo = max(first, datetime.combine(v.registered_on, datetime.min.time(), TZ))
            days = []
            d = lo
            while d < today0:
                if d.date() not in reserved.get(n, ()):
                    days.append(d)
                d += timedelta(days=1)
            k = 0 if rng.random() < 0.12 else rng.randint(1, 9)
            for d in rng.sample(days, min(k, len(days))):
                start = d + timedelta(hours=rng.randint(6, 20),
                                      minutes=rng.randint(0, 59))
                if rng.random() < 0.3:
                    start += timedelta(seconds=rng.randint(1, 59))
                end = start + timedelta(minutes=rng.randint(20, 300),
                                        seconds=rng.choice([0, 0, rng.randint(1, 59)]))
                if end > latest:
                    continue
                plans.append((start, n, rng.choice(["walk", "walk", "care", "free"]), end))
        plans.sort()
        for start, n, act, end in plans:
            self.log(n, act, start, end)
        # V008 served 99 hours in the year before E (above every star
        # level, star_levels below), and serves in E+1 too: after E's
        # close, its total by a month's end, and so its stars, is the
        # close's stored total of all years (not of E's year) plus the
        # shifts since.
        for d in range(9):
            start = datetime(self.e[0] - 1, 3, 10 + d, 8, tzinfo=TZ)
            self.log(VETERAN, "walk", start, start + timedelta(hours=11))
        start = month_start(self.e1) + timedelta(days=11, hours=10)
        while m.busy(VETERAN, start, start + timedelta(hours=2)):
            start += timedelta(days=1)
        self.log(VETERAN, "walk", start, start + timedelta(hours=2))
        # The edge shift counts, whole, in E.
        self.edge = self.log(x, "walk", e_last + timedelta(hours=23, minutes=30),
                             e1_first + timedelta(hours=1, minutes=45))
        # A shift of E+1 that a correction moves into E.
        s = self.log(y, "care", e1_first + timedelta(minutes=20),
                     e1_first + timedelta(hours=2))
        self.moved = self.correct(s.id, {"started_at": e_last + timedelta(
            hours=23, minutes=50)})
        # Corrections: of the end, of the activity, and a correction of a
        # correction.
        cands = [s for s in m.current() if s.vol not in (x, y)
                 and s.end < self.now - timedelta(hours=3) and s.minutes > 40]
        for s in rng.sample(cands, min(5, len(cands))):
            r = rng.random()
            if r < 0.5:
                c = self.correct(s.id, {"ended_at": s.end + timedelta(
                    minutes=rng.choice([-35, -20, -5, 10, 30]))})
            elif r < 0.8:
                c = self.correct(s.id, {"activity": rng.choice(
                    [a for a in ("walk", "care", "free") if a != s.act])})
            else:
                c = self.correct(s.id, {"started_at": s.start + timedelta(
                    minutes=rng.choice([-30, 15]))})
            if rng.random() < 0.3 and c.minutes > 20:
                self.correct(c.id, {"ended_at": c.end - timedelta(minutes=7)})

    def checkins(self):
        """A check-in checked out (a shift recorded at the station) and
        one left open (no shift)."""
        m = self.m
        free = [n for n in sorted(m.vols) if n not in self.special.values()
                and not m.busy(n, self.now - timedelta(hours=4),
                               self.now + timedelta(hours=1))]
        k, o = free[-1], free[-2]
        self.special.update(checkout=k, open=o)
        vk = m.vols[k]
        st = self.keys[self.by_community[vk.community][0]]
        start = self.now - timedelta(minutes=95)
        b = self.api.must(st, "POST", "/v1/shifts/checkin", {
            "volunteer": k, "activity": "walk", "started_at": fmt_time(start)})
        end = self.now - timedelta(minutes=45)
        b = self.api.must(st, "POST", "/v1/shifts/%d/checkout" % b["id"],
                          {"ended_at": fmt_time(end)})
        self.record(b, k, "walk", start, end, st)
        vo = m.vols[o]
        st = self.keys[self.by_community[vo.community][-1]]
        self.api.must(st, "POST", "/v1/shifts/checkin", {
            "volunteer": o, "activity": "care",
            "started_at": fmt_time(self.now - timedelta(minutes=10))})

    def star_levels(self):
        """Levels low enough that volunteers cross one in E: the first
        level lies between some volunteer's hours before E and by its end."""
        m, rng = self.m, self.rng
        ef, et = month_start(self.e), month_start(self.e1)
        best = None
        for n in sorted(m.vols):
            cur = m.current(n)
            before = sum(s.minutes for s in cur if s.start < ef)
            by_end = sum(s.minutes for s in cur if s.start < et)
            h = by_end // 60
            if h >= 1 and h * 60 > before and (best is None or h < best):
                best = h
        h1 = best or 2
        levels = [h1]
        for _ in range(4):
            levels.append(levels[-1] + rng.randint(2, 9))
        b = self.api.must(self.admin, "POST", "/v1/star-levels",
                          {"levels": levels})
        got = [(x.get("stars"), x.get("hours")) for x in b.get("levels", [])]
        if got != [(i + 1, h) for i, h in enumerate(levels)]:
            raise Abort("star levels: sent %s, got %s" % (levels, show(b)))
        m.levels = levels

    # -- spending --

    def spending(self):
        rng, api, m = self.rng, self.api, self.m
        goods = [("G1", "毛巾", "gift"), ("B1", "论语", "book"),
                 ("F1", "理发", "service")]
        for code in sorted(self.keys):
            key = self.keys[code]
            for icode, name, cat in rng.sample(goods, rng.choice([1, 2])):
                price, stock = rng.randint(2, 15), rng.randint(3, 9)
                by = key if rng.random() < 0.7 else self.admin
                body = {"code": icode, "name": name, "category": cat,
                        "price": price, "stock": stock}
                if by is self.admin:
                    body["station"] = code
                api.must(by, "POST", "/v1/catalog", body)
                m.items[(code, icode)] = {"price": price, "stock": stock,
                                          "active": True}
        # One restock.
        (st, ic), item = rng.choice(sorted(m.items.items()))
        api.must(self.keys[st], "POST", "/v1/catalog/%s/restock" % ic,
                 {"quantity": 4, "note": "补货"})
        item["stock"] += 4
        # Redemptions at stations of the volunteer's community.
        made = []
        for n in rng.sample(sorted(m.vols), len(m.vols)):
            v = m.vols[n]
            if len(made) >= 6 or n in self.special.values():
                continue
            options = [(st, ic) for (st, ic), i in sorted(m.items.items())
                       if m.stations[st][1] == v.community and i["active"]
                       and i["stock"] >= 1 and i["price"] <= v.balance]
            if not options:
                continue
            st, ic = rng.choice(options)
            i = m.items[(st, ic)]
            q = min(rng.choice([1, 1, 2]), i["stock"], v.balance // i["price"])
            b = api.must(self.keys[st], "POST", "/v1/redemptions",
                         {"volunteer": n, "item": ic, "quantity": q})
            cost = q * i["price"]
            v.balance -= cost
            if b.get("points") != cost or b.get("balance") != v.balance:
                raise Abort("redemption %s: points %r balance %r, expected "
                            "%d and %d" % (show(b), b.get("points"),
                                           b.get("balance"), cost, v.balance))
            i["stock"] -= q
            at = parse_time(b["at"])
            d = {"id": b["id"], "station": st, "community": v.community,
                 "vol": n, "quantity": q, "points": cost, "at": at,
                 "voided": False, "item": (st, ic)}
            m.redemptions.append(d)
            m.transfers.append(Transfer(at, ("vol", n),
                                        ("st", st, v.community), cost,
                                        "redemption"))
            made.append(d)
        if len(made) < 2:
            raise Abort("too few redemptions (%d): nobody had the points" % len(made))
        # One void, by the station that made it.
        d = rng.choice(made)
        b = api.must(self.keys[d["station"]], "POST",
                     "/v1/redemptions/%d/void" % d["id"], {"reason": "退回"})
        d["voided"] = True
        m.items[d["item"]]["stock"] += d["quantity"]
        m.vols[d["vol"]].balance += d["points"]
        m.transfers.append(Transfer(parse_time(b["voided_at"]),
                                    ("st", d["station"], d["community"]),
                                    ("vol", d["vol"]), d["points"], "reversal"))
        # One item deactivated: its stock no longer counts.
        st, ic = rng.choice(sorted(m.items))
        api.must(self.keys[st], "POST", "/v1/catalog/%s/deactivate" % ic, {})
        m.items[(st, ic)]["active"] = False

    def help(self):
        """A request for help completed at a station, another cancelled."""
        rng, api, m = self.rng, self.api, self.m
        taken = set(self.special.values())
        for c in sorted(m.communities):
            vols = [n for n in sorted(m.vols) if m.vols[n].community == c
                    and n not in taken]
            rich = [n for n in vols if m.vols[n].balance >= 3]
            if len(vols) < 3 or not rich:
                continue
            r = rng.choice(rich)
            h = rng.choice([n for n in vols if n != r and not m.busy(
                n, self.now - timedelta(minutes=30), self.now + timedelta(hours=1))])
            st = self.keys[rng.choice(self.by_community[c])]
            pts = rng.randint(1, min(m.vols[r].balance, 12))
            b = api.must(st, "POST", "/v1/help-requests", {
                "requester": r, "points": pts, "description": "陪同就医"})
            m.transfers.append(Transfer(parse_time(b["created_at"]), ("vol", r),
                                        ("esc", c), pts, "help"))
            m.vols[r].balance -= pts
            api.must(st, "POST", "/v1/help-requests/%d/accept" % b["id"],
                     {"helper": h})
            b = api.must(st, "POST", "/v1/help-requests/%d/complete" % b["id"],
                         {"minutes": 20})
            at = parse_time(b["resolved_at"])
            m.transfers.append(Transfer(at, ("esc", c), ("vol", h), pts, "help"))
            m.vols[h].balance += pts
            m.helps.append({"community": c, "status": "completed",
                            "resolved_at": at})
            # The helper's service: a shift of activity help, no points.
            sl = api.must(self.admin, "GET", "/v1/shifts",
                          query="volunteer=%s&limit=5" % h)
            s = [x for x in sl["shifts"] if x["id"] == b.get("shift")]
            if not s or s[0]["minutes"] != 20 or s[0]["points"] != 0 or \
                    s[0]["activity"] != "help" or s[0]["station"] != st.station:
                raise Abort("help request %s: its shift %s" % (show(b), show(s)))
            s = s[0]
            sh = Shift(s["id"], h, "help", parse_time(s["started_at"]),
                       parse_time(s["ended_at"]), st.station, 0,
                       parse_time(s["recorded_at"]))
            m.shifts[sh.id] = sh
            self.special["helper"] = h
            taken |= {r, h}
            # Another, cancelled: the points go back.
            rich = [n for n in vols if m.vols[n].balance >= 1 and n not in taken]
            if rich:
                r2 = rng.choice(rich)
                p2 = rng.randint(1, m.vols[r2].balance)
                b = api.must(st, "POST", "/v1/help-requests", {
                    "requester": r2, "points": p2, "description": "代买菜"})
                m.transfers.append(Transfer(parse_time(b["created_at"]),
                                            ("vol", r2), ("esc", c), p2, "help"))
                b = api.must(st, "POST", "/v1/help-requests/%d/cancel" % b["id"],
                             {"reason": "不需要了"})
                m.transfers.append(Transfer(parse_time(b["resolved_at"]),
                                            ("esc", c), ("vol", r2), p2,
                                            "reversal"))
            return
        raise Abort("no community has volunteers for a help request")

    def statuses(self):
        """Two volunteers who served have left, one is suspended."""
        m, rng = self.m, self.rng
        served = [n for n in sorted(m.vols) if m.current(n)
                  and n not in self.special.values()]
        for n, status in zip(rng.sample(served, 3), ["left", "left", "suspended"]):
            self.api.must(self.station_key(m.vols[n].community), "PATCH",
                          "/v1/volunteers/" + n,
                          {"status": status, "reason": "测试"})
            m.vols[n].status = status
            if status == "left":
                m.vols[n].left_at = datetime.now(TZ)
            self.special[status + n] = n

    def evaluations(self):
        """Residents and leads evaluate current shifts (recorded now, so
        in the current month); some are reversed, and some of those
        evaluated again."""
        m, rng = self.m, self.rng
        m.evaluations = []
        shifts = sorted((s for s in m.current()), key=lambda s: s.id)
        for s in rng.sample(shifts, min(len(shifts), 40)):
            c = m.vols[s.vol].community
            for role in rng.sample(["resident", "lead"], rng.choice([1, 2])):
                score = rng.choice([1, 2, 3, 4, 4, 5, 5, 5, 5, 5])
                b = self.api.must(self.station_key(c), "POST",
                                  "/v1/evaluations",
                                  {"shift": s.id, "role": role,
                                   "score": score})
                e = {"id": b["id"], "vol": s.vol, "community": c,
                     "act": s.act, "score": score, "reversed": False,
                     "at": parse_time(b["recorded_at"])}
                m.evaluations.append(e)
                if rng.random() < 0.2:
                    self.api.must(self.station_key(c), "POST",
                                  "/v1/evaluations/%d/reverse" % e["id"],
                                  {"reason": "记错了"})
                    e["reversed"] = True
                    if rng.random() < 0.5:
                        score = rng.choice([3, 4, 5])
                        b = self.api.must(self.station_key(c), "POST",
                                          "/v1/evaluations",
                                          {"shift": s.id, "role": role,
                                           "score": score})
                        m.evaluations.append(
                            {"id": b["id"], "vol": s.vol, "community": c,
                             "act": s.act, "score": score, "reversed": False,
                             "at": parse_time(b["recorded_at"])})

    def recruitment(self):
        """Party members (with consent) and the volunteers each brought:
        recruits are no party members, so no cycle; a cycle and
        self-recruitment are refused."""
        m, rng = self.m, self.rng
        staying = [n for n in sorted(m.vols) if m.vols[n].status != "left"]
        members = rng.sample(staying, min(len(staying), 6))
        for n in members:
            self.api.must(self.station_key(m.vols[n].community), "PATCH",
                          "/v1/volunteers/" + n,
                          {"consent": True, "party_member": True})
            m.vols[n].party_member = True
        others = [n for n in sorted(m.vols) if n not in members]
        for n in rng.sample(others, min(len(others), 25)):
            # The member who brought n: often the first, to reach 3.
            r = members[0] if rng.random() < 0.4 else rng.choice(members)
            self.api.must(self.station_key(m.vols[n].community), "PATCH",
                          "/v1/volunteers/" + n, {"recruited_by": r})
            m.vols[n].recruited_by = r
        n = next(n for n in sorted(m.vols)
                 if getattr(m.vols[n], "recruited_by", None) in members)
        r = m.vols[n].recruited_by
        s, b, _ = self.api.call(self.admin, "PATCH", "/v1/volunteers/" + r,
                                body={"recruited_by": n})
        self.is_((s, b.get("type")), (409, PROBLEM + "recruitment-cycle"),
                 "%s brought %s: %s cannot be %s's recruiter" % (r, n, n, r))
        s, b, _ = self.api.call(self.admin, "PATCH", "/v1/volunteers/" + r,
                                body={"recruited_by": r})
        self.is_((s, b.get("type")), (422, PROBLEM + "self-recruitment"),
                 "%s cannot recruit themself" % r)

    # -- checking the reports --

    def approval_rows(self, pf, pt, scope):
        """Per community and activity: the evaluations recorded in the
        period that stand, those scoring 4 or 5, their share (percent)."""
        groups = {}
        for e in self.m.evaluations:
            if e["reversed"] or not pf <= e["at"] < pt:
                continue
            if scope is not None and e["community"] != scope:
                continue
            g = groups.setdefault((e["community"], e["act"]), [0, 0])
            g[0] += 1
            g[1] += e["score"] >= 4
        return [{"community": c, "activity": a, "evaluations": n,
                 "approving": k,
                 "approval_share": round_half_up(Fraction(100 * k, n), 2),
                 "target_met": Fraction(100 * k, n) >= 90}
                for (c, a), (n, k) in sorted(groups.items())]

    def recruitment_rows(self, pf, pt, scope):
        """Per party member registered by the period's end and not left
        by then: the volunteers they brought (likewise registered and not
        left) and of those the ones with a current shift in the period."""
        m = self.m
        end = pt.astimezone(TZ).date()

        def there(v):
            return v.registered_on < end and not (
                v.left_at is not None and v.left_at < pt)
        rows = []
        for n in sorted(m.vols, key=lambda n: (m.vols[n].community, n)):
            v = m.vols[n]
            if not getattr(v, "party_member", False) or not there(v):
                continue
            if scope is not None and v.community != scope:
                continue
            brought = [r for r in m.vols.values()
                       if getattr(r, "recruited_by", None) == n and there(r)]
            active = [r for r in brought
                      if any(pf <= s.start < pt for s in m.current(r.number))]
            rows.append({"number": n, "name": v.name,
                         "community": v.community,
                         "teams": " ".join(sorted(v.teams)),
                         "recruited": len(brought), "active": len(active),
                         "target_met": len(brought) >= 3})
        return rows

    def evaluation_summary(self, x, pf, pt):
        mine = [e["score"] for e in self.m.evaluations
                if e["vol"] == x and not e["reversed"] and pf <= e["at"] < pt]
        return {"evaluations": len(mine),
                "approving": sum(1 for s in mine if s >= 4),
                "average_score": round_half_up(Fraction(sum(mine), len(mine)), 2)
                if mine else None}

    def check_record_report(self, level, period, scope, exp_rows, exp_totals,
                            targets):
        desc = "monthly report %s, level %s%s" % (
            period, level, ", community " + scope if scope else "")
        query = "month=%s&level=%s" % (period, level)
        if scope:
            query += "&community=" + scope
        s, ctype, raw = self.api.raw(self.admin, "GET", "/v1/reports/monthly",
                                     query)
        if s != 200:
            self.result(False, desc, ["status %d: %s" % (s, raw[:300])])
            return
        body = json.loads(raw, parse_float=Decimal)
        diffs = []
        if not same(body.get("targets"), targets):
            diffs.append("targets: expected %s, got %s" % (
                show(targets), show(body.get("targets"))))
        got = body.get("rows") or []
        if len(got) != len(exp_rows):
            diffs.append("rows: %d, expected %d" % (len(got), len(exp_rows)))
        for i, (g, e) in enumerate(zip(got, exp_rows)):
            if not same(g, e):
                diffs.append("row %d: expected %s, got %s" % (i, show(e),
                                                              show(g)))
        if not same(body.get("columns"), list(exp_rows[0]) if exp_rows
                    else body.get("columns")):
            diffs.append("columns %s, rows' members %s" % (
                body.get("columns"), list(exp_rows[0])))
        if not same(body.get("totals"), exp_totals):
            diffs.append("totals: expected %s, got %s" % (
                show(exp_totals), show(body.get("totals"))))
        self.result(not diffs, desc + ": rows and totals as computed", diffs)

    def check_approval(self, period, scope):
        ym = (int(period[:4]), int(period[5:7]))
        pf, pt = month_start(ym), month_start(add_month(ym, 1))
        rows = self.approval_rows(pf, pt, scope)
        n = sum(r["evaluations"] for r in rows)
        k = sum(r["approving"] for r in rows)
        totals = {"evaluations": n, "approving": k, "approval_share":
                  round_half_up(Fraction(100 * k, n), 2) if n else None}
        self.check_record_report("approval", period, scope, rows, totals, {
            "hours_per_year": 20, "registration_share": Decimal("0.13"),
            "approval_share": Decimal("0.9")})

    def check_recruitment(self, period, scope):
        ym = (int(period[:4]), int(period[5:7]))
        pf, pt = month_start(ym), month_start(add_month(ym, 1))
        rows = self.recruitment_rows(pf, pt, scope)
        totals = {"recruited": sum(r["recruited"] for r in rows),
                  "active": sum(r["active"] for r in rows),
                  "party_members": len(rows),
                  "target_met": sum(r["target_met"] for r in rows)}
        self.check_record_report("recruitment", period, scope, rows, totals, {
            "hours_per_year": 20, "registration_share": Decimal("0.13"),
            "recruited_per_party_member": 3})

    def fetch(self, kind, period, level, scope=None, accept=None):
        q = ("month=%s" if kind == "monthly" else "year=%s") % period
        q += "&level=" + level
        if scope:
            q += "&community=" + scope
        return self.api.raw(self.admin, "GET", "/v1/reports/" + kind, q,
                            accept=accept)

    def compare_rows(self, level, got, exp, where, diffs):
        keyf = KEY_FIELD[level]
        gk = [r.get(keyf) for r in got]
        ek = [r[keyf] for r in exp]
        if gk != ek:
            extra = [k for k in gk if k not in ek]
            missing = [k for k in ek if k not in gk]
            if level == "volunteer":
                extra = ["%s (registered_on %s)" % (k, self.m.vols[k].registered_on)
                         if k in self.m.vols else k for k in extra]
            diffs.append("%s: rows (by %s) not as expected: unexpected %s, "
                         "missing %s%s" % (where, keyf, extra or "none",
                                           missing or "none",
                                           "" if extra or missing else
                                           ", order %s" % gk))
        gm = {r.get(keyf): r for r in got}
        for e in exp:
            g = gm.get(e[keyf])
            if g is None:
                continue
            if set(g) != set(COLUMNS[level]):
                diffs.append("%s row %s: members %s, expected the columns %s" % (
                    where, e[keyf], sorted(g), COLUMNS[level]))
            for f in COLUMNS[level]:
                if not same(g.get(f), e[f]):
                    diffs.append("%s row %s: %s expected %s, got %s" % (
                        where, e[keyf], f, show(e[f]), show(g.get(f))))
                    if level == "community" and f == "registered":
                        diffs.append("  hint: " + self.registered_hint(
                            e[keyf], g.get(f)))
                if f.startswith("hours") and isinstance(g.get(f), Decimal) \
                        and g[f].as_tuple().exponent != -2:
                    diffs.append("%s row %s: %s %s has not two decimals" % (
                        where, e[keyf], f, g[f]))

    def registered_hint(self, c, got):
        """What "registered" would be under other readings."""
        m, (pf, pt) = self.m, self.period
        end = pt.astimezone(TZ).date()

        def count(on_end_day, status_now):
            return sum(1 for v in m.vols.values() if v.community == c and (
                v.registered_on <= end if on_end_day else v.registered_on < end)
                and (v.status != "left" if status_now else
                     v.left_at is None or v.left_at >= pt))
        late = [v.number for v in m.vols.values() if v.community == c
                and v.registered_on == end]
        gone = [v.number for v in m.vols.values() if v.community == c
                and v.left_at is not None and v.left_at >= pt]
        return ("counting those registered on %s (after the period: %s) "
                "gives %d; taking the status now (left since: %s) gives %d; "
                "both %d" % (end, late or "none", count(True, False),
                             gone or "none", count(False, True),
                             count(True, True)))

    def check_report(self, kind, period, level, scope=None, when=""):
        desc = "%s report %s, level %s%s%s" % (
            kind, period, level, ", community " + scope if scope else "", when)
        status, ctype, raw = self.fetch(kind, period, level, scope)
        if status != 200 or "json" not in ctype:
            self.result(False, desc, ["status %d %s: %s" % (
                status, ctype, raw[:300])])
            return None, raw
        body = json.loads(raw, parse_float=Decimal)
        exp = self.m.report(kind, period, level, scope)
        self.period = (parse_time(exp["from"]), parse_time(exp["to"]))
        self.stars_seen.setdefault((kind, period, scope), []).append(
            (level, body.get("new_star_levels")))
        diffs = []
        for k in ("kind", "period", "level", "community", "timezone", "from",
                  "to", "targets", "columns"):
            if not same(body.get(k), exp[k]):
                diffs.append("%s: expected %s, got %s" % (k, show(exp[k]),
                                                          show(body.get(k))))
        rows = body.get("rows") or []
        self.compare_rows(level, rows, exp["rows"], "rows", diffs)
        totals = body.get("totals") or {}
        if set(totals) != set(SUMMED[level]):
            diffs.append("totals: members %s, expected %s" % (
                sorted(totals), sorted(SUMMED[level])))
        for k in SUMMED[level]:
            if not same(totals.get(k), exp["totals"][k]):
                diffs.append("totals.%s: expected %s, got %s" % (
                    k, show(exp["totals"][k]), show(totals.get(k))))
            if k in ("hours", "hours_ytd"):
                continue	# minutes / 60 of the summed minutes, above
            if not same(totals.get(k), sum((r.get(k, 0) for r in rows), 0)):
                diffs.append("totals.%s %s is not the sum of the rows' %s" % (
                    k, show(totals.get(k)), show(sum((r.get(k, 0) for r in rows), 0))))
        self.result(not diffs, desc + ": rows and totals as computed", diffs)
        self.check_csv(kind, period, level, scope, body)
        if level == "volunteer":
            self.check_pages(kind, period, scope, body, desc)
        return body, raw

    def check_pages(self, kind, period, scope, body, desc):
        """The volunteer level a page at a time (limit, after, next): the
        same rows as the whole report, in its order, every page but the
        last full; limit=0: its totals and new star levels, no rows."""
        q = ("month=%s" if kind == "monthly" else "year=%s") % period
        q += "&level=volunteer" + ("&community=" + scope if scope else "")
        diffs, rows, after, sizes = [], [], None, []
        while len(sizes) <= len(body.get("rows") or []):
            s, ctype, raw = self.api.raw(self.admin, "GET", "/v1/reports/" + kind,
                q + "&limit=2" + ("&after=" + urllib.parse.quote(after)
                                  if after else ""))
            if s != 200:
                diffs.append("page after %s: status %d: %s" % (after, s, raw[:300]))
                break
            page = json.loads(raw, parse_float=Decimal)
            if "totals" in page or "new_star_levels" in page:
                diffs.append("page after %s has totals or new star levels" % after)
            for k in ("kind", "period", "level", "community", "columns"):
                if not same(page.get(k), body.get(k)):
                    diffs.append("page after %s: %s %s, the report's %s" % (
                        after, k, show(page.get(k)), show(body.get(k))))
            rows += page["rows"]
            sizes.append(len(page["rows"]))
            after = page.get("next")
            if after is None:
                break
            if after != page["rows"][-1]["number"]:
                diffs.append("next %s is not the page's last number" % after)
        if rows != (body.get("rows") or []):
            diffs.append("pages' rows %s, the report's %s" % (
                [r.get("number") for r in rows],
                [r.get("number") for r in body.get("rows") or []]))
        if any(n != 2 for n in sizes[:-1]) or (sizes and sizes[-1] > 2):
            diffs.append("page sizes %s, limit 2" % sizes)
        s, ctype, raw = self.api.raw(self.admin, "GET", "/v1/reports/" + kind,
                                     q + "&limit=0")
        whole = json.loads(raw, parse_float=Decimal) if s == 200 else {}
        for k in ("totals", "new_star_levels"):
            if not same(whole.get(k), body.get(k)):
                diffs.append("limit=0: %s %s, the report's %s" % (
                    k, show(whole.get(k)), show(body.get(k))))
        if whole.get("rows") != [] or whole.get("next", 0) is not None:
            diffs.append("limit=0: rows %s, next %s" % (
                show(whole.get("rows")), show(whole.get("next"))))
        self.result(not diffs, desc + ": in pages of 2 (limit, after, next) "
                    "and limit=0", diffs)

    def check_new_stars(self, kind, period, scope=None, when=""):
        """new_star_levels, once per report period (and again after a
        close: when says so): as computed, and the same at every level
        (every report of the period so far)."""
        seen = self.stars_seen.get((kind, period, scope), [])
        if not seen:
            return
        exp = self.m.report(kind, period, "community", scope)["new_star_levels"]
        pf, pt = parse_time(self.m.report(kind, period, "community")["from"]), \
            parse_time(self.m.report(kind, period, "community")["to"])
        got = seen[0][1]
        diffs = []
        gm = {x.get("volunteer"): x for x in got or []}
        em = {x["volunteer"]: x for x in exp}
        for n in sorted(set(gm) | set(em)):
            if not same(gm.get(n), em.get(n)):
                if gm.get(n) and em.get(n):
                    d = "%s: %s" % (n, ", ".join(
                        "%s expected %s, got %s" % (k, show(em[n][k]), show(gm[n].get(k)))
                        for k in em[n] if not same(em[n][k], gm[n].get(k))))
                else:
                    d = "%s: expected %s, got %s" % (n, show(em.get(n)),
                                                     show(gm.get(n)))
                if n in self.m.vols and gm.get(n):
                    now = hours(sum(s.minutes for s in self.m.current(n)))
                    if same(gm[n].get("hours"), now) and not same(now, (em.get(n) or {}).get("hours")):
                        d += " (its hours now, not at the period's end)"
                diffs.append(d)
        if not diffs and [x.get("volunteer") for x in got or []] != list(em):
            diffs.append("order: expected %s, got %s" % (
                list(em), [x.get("volunteer") for x in got or []]))
        self.result(not diffs, "%s %s%s%s: new_star_levels as computed (%d "
                    "volunteers crossed a level)" % (
                        kind, period, ", community " + scope if scope else "",
                        when, len(exp)), diffs)
        self.result(all(same(g, got) for _, g in seen),
                    "... the same at every level (%s)" % ", ".join(l for l, _ in seen))

    def check_csv(self, kind, period, level, scope, body):
        # A text cell a spreadsheet would run as a formula has a ' in
        # front (common/csv.c); numbers are written as they are.
        def csv_text(v):
            if v[:1] in ("=", "+", "-", "@", "\t", "\r") and \
                    not re.fullmatch(r"[+-]?[0-9]+(\.[0-9]+)?", v):
                return "'" + v
            return v

        desc = "%s report %s, level %s as CSV" % (kind, period, level)
        s1, ct1, raw1 = self.fetch(kind, period, level, scope, "text/csv")
        s2, ct2, raw2 = self.fetch(kind, period, level, scope, "text/csv")
        diffs = []
        if s1 != 200 or not ct1.startswith("text/csv"):
            self.result(False, desc, ["status %d, Content-Type %r: %r" % (
                s1, ct1, raw1[:200])])
            return
        if raw1 != raw2:
            diffs.append("two fetches differ: %r / %r" % (raw1[:200], raw2[:200]))
        if not raw1.endswith(b"\r\n") or b"\n" in raw1.replace(b"\r\n", b""):
            diffs.append("lines do not all end in CRLF: %r" % raw1[:200])
        try:
            text = raw1.decode("utf-8")
        except UnicodeDecodeError as e:
            self.result(False, desc, ["not UTF-8: %s" % e])
            return
        recs = list(csv.reader(io.StringIO(text, newline=""), strict=True))
        columns = body.get("columns", [])
        if not recs or recs[0] != columns:
            diffs.append("header %s, expected the columns %s" % (
                recs[:1], columns))
        rows = body.get("rows", [])
        if len(recs) - 1 != len(rows):
            diffs.append("%d records, %d rows" % (len(recs) - 1, len(rows)))
        formats = set()
        for i, (rec, row) in enumerate(zip(recs[1:], rows)):
            if len(rec) != len(columns):
                diffs.append("record %d has %d fields" % (i + 1, len(rec)))
                continue
            for f, cell in zip(columns, rec):
                v = row.get(f)
                if v is None:
                    good = cell == ""
                elif isinstance(v, bool):
                    good = cell == ("true" if v else "false")
                elif isinstance(v, (int, Decimal)):
                    try:
                        good = Decimal(cell) == Decimal(v)
                    except ArithmeticError:
                        good = False
                    if good and cell != str(v):
                        formats.add("%s: JSON %s, CSV %s" % (f, v, cell))
                else:
                    good = cell == csv_text(v)
                if not good:
                    diffs.append("record %d, %s: CSV %r, JSON %s" % (
                        i + 1, f, cell, show(v)))
        self.result(not diffs, desc + ": header, records and bytes", diffs)
        for f in formats:
            self.csv_formats.add(f.split(":")[0])

    def check_months(self):
        periods = [month_text(self.e), month_text(self.e1), month_text(self.cm)]
        raws = {}
        for p in periods:
            by_level = {}
            for level in ("volunteer", "community", "team", "station"):
                body, raw = self.check_report("monthly", p, level)
                by_level[level] = body
                if level == "community":
                    raws[p] = raw
            self.check_new_stars("monthly", p)
            self.check_sums(p, by_level)
        # A report of one community, as a station sees it, and as an admin
        # asks for it.
        c = sorted(self.m.communities)[0]
        self.check_report("monthly", periods[0], "volunteer", c)
        self.check_report("monthly", periods[0], "community", c)
        self.check_new_stars("monthly", periods[0], c)
        st = self.keys[self.by_community[c][0]]
        s, ctype, raw = self.api.raw(st, "GET", "/v1/reports/monthly",
                                     "month=%s&level=community" % periods[0])
        body = json.loads(raw, parse_float=Decimal) if s == 200 else {}
        exp = self.m.report("monthly", periods[0], "community", c)
        self.is_([r.get("code") for r in body.get("rows", [])], [c],
                 "a station's report covers its own community only")
        diffs = []
        self.period = (parse_time(exp["from"]), parse_time(exp["to"]))
        self.compare_rows("community", body.get("rows", []), exp["rows"],
                          "rows", diffs)
        self.result(not diffs, "... with the rows computed for it", diffs)
        # The edge: the 23:30 shift counts, whole, in the month it started.
        x, edge = self.special["edge"], self.edge
        want = sum(s.minutes for s in self.m.current(x)
                   if ym_of(s.start) == self.e)
        got = self.row_of("monthly", periods[0], "volunteer", x)
        self.is_(got and got.get("minutes"), want,
                 "the shift from 23:30 on %s (%d minutes) counts in %s" % (
                     edge.start.date(), edge.minutes, periods[0]))
        got = self.row_of("monthly", periods[1], "volunteer", x)
        want = sum(s.minutes for s in self.m.current(x)
                   if ym_of(s.start) == self.e1)
        self.is_(got and got.get("minutes"), want,
                 "... and not in %s" % periods[1])
        return raws

    def row_of(self, kind, period, level, key):
        s, _, raw = self.fetch(kind, period, level)
        for r in json.loads(raw, parse_float=Decimal).get("rows", []):
            if r.get(KEY_FIELD[level]) == key:
                return r
        return None

    def check_sums(self, period, by_level):
        """Totals add up: the volunteers of a community sum to its row."""
        vols, comms = by_level["volunteer"], by_level["community"]
        if not vols or not comms:
            return
        diffs = []
        for row in comms.get("rows", []):
            c = row.get("code")
            mine = [r for r in vols["rows"] if r.get("community") == c]
            for f, got in [("minutes", sum(r["minutes"] for r in mine)),
                           ("active", sum(1 for r in mine if r["shifts"] > 0))]:
                if not same(row.get(f), got):
                    diffs.append("%s: %s %s, its volunteers' rows %s" % (
                        c, f, show(row.get(f)), show(got)))
            shifts = sum(r["shifts"] for r in mine)
            want = sum(1 for s in self.m.current() if ym_of(s.start) ==
                       (int(period[:4]), int(period[5:])) and
                       self.m.vols[s.vol].community == c)
            if shifts != want:
                diffs.append("%s: its volunteers' rows have %d shifts, the "
                             "community's shifts of the month are %d" % (
                                 c, shifts, want))
            s, _, raw = self.fetch("monthly", period, "volunteer", c)
            t = json.loads(raw, parse_float=Decimal).get("totals", {})
            if not same(t.get("minutes"), row.get("minutes")):
                diffs.append("%s: volunteer-level totals.minutes %s, its "
                             "community row %s" % (c, show(t.get("minutes")),
                                                   show(row.get("minutes"))))
        for k in ("minutes", "shifts"):
            if not same(vols["totals"].get(k),
                        sum(r[k] for r in vols["rows"])):
                diffs.append("volunteer totals.%s is not the sum of rows" % k)
        if not same(comms["totals"].get("minutes"), vols["totals"].get("minutes")):
            diffs.append("community totals.minutes %s, volunteer totals %s" % (
                show(comms["totals"].get("minutes")),
                show(vols["totals"].get("minutes"))))
        self.result(not diffs, "monthly %s: each community's row is the sum of "
                    "its volunteers' rows, totals the sum of the rows" % period,
                    diffs)

    def check_annual(self):
        years = sorted({self.cm[0], self.e[0]})
        for y in years:
            self.check_report("annual", str(y), "community")
            self.check_report("annual", str(y), "volunteer")
            self.check_new_stars("annual", str(y))

    # -- certificates --

    def public_key(self):
        # No signature: anyone may fetch it.
        conn = http.client.HTTPConnection(self.api.host, self.api.port, timeout=10)
        conn.request("GET", "/v1/public-key")
        raw = conn.getresponse().read()
        conn.close()
        pk = json.loads(raw)
        jwk = pk.get("jwk", {})
        kid = thumbprint(jwk.get("x", ""))
        self.is_({k: jwk.get(k) for k in ("kty", "crv")},
                 {"kty": "OKP", "crv": "Ed25519"}, "GET /v1/public-key: an Ed25519 JWK")
        self.is_(pk.get("keyid"), kid,
                 "... its keyid is the RFC 7638 thumbprint of its jwk")
        self.signer = Ed25519PublicKey.from_public_bytes(b64url_strict(jwk["x"]))
        self.kid = kid

    def check_tamper(self, jws, what):
        """Every one-character change of the JWS fails verification."""
        passed = []
        for i, ch in enumerate(jws):
            if ch == ".":
                other = "A"
            else:
                other = B64URL[(B64URL.index(ch) + 1) % 64]
            bad = jws[:i] + other + jws[i + 1:]
            try:
                jws_verify(bad, self.signer, self.kid)
                passed.append(i)
            except (ValueError, InvalidSignature, UnicodeDecodeError):
                pass
        parts = [len(p) for p in jws.split(".")]
        self.result(not passed, "%s: each of its %d characters (header %d, "
                    "payload %d, signature %d) changed makes verification "
                    "fail" % (what, len(jws), *parts),
                    ["still verifies with position %d changed" % i
                     for i in passed])

    def certificate(self):
        m = self.m
        x = self.special["edge"]
        v = m.vols[x]
        year = self.e[0]
        st = self.keys[self.by_community[v.community][0]]
        s, b, raw = self.api.call(st, "POST", "/v1/certificates",
                                  body={"volunteer": x, "year": str(year)})
        if not self.is_(s, 201, "POST /v1/certificates for %s, year %d" % (x, year)):
            print("#   %s" % raw[:300])
            return
        jws = b.get("jws", "")
        if self.args.jws_out:
            with open(self.args.jws_out, "w") as f:
                f.write(jws + "\n")
        try:
            header, payload = jws_verify(jws, self.signer, self.kid)
            self.result(True, "the certificate's JWS verifies with the key of "
                        "GET /v1/public-key (alg EdDSA, kid its thumbprint)")
        except (ValueError, InvalidSignature) as e:
            self.result(False, "the certificate's JWS verifies", [repr(e), jws])
            return
        cert = json.loads(payload, parse_float=Decimal)
        yf, yt = datetime(year, 1, 1, tzinfo=TZ), datetime(year + 1, 1, 1, tzinfo=TZ)
        mine = [s for s in m.current(x) if yf <= s.start < yt]
        minutes = sum(s.minutes for s in mine)
        # The kinds of service: each activity's minutes and shifts, the
        # most minutes first.
        kinds = {}
        for s in mine:
            kinds.setdefault(s.act, [0, 0])
            kinds[s.act][0] += s.minutes
            kinds[s.act][1] += 1
        activities = [{"code": a, "name": self.act_names[a], "minutes": k[0],
                       "shifts": k[1]}
                      for a, k in sorted(kinds.items(),
                                         key=lambda i: (-i[1][0], i[0]))]
        want = {"volunteer": x, "name": v.name, "from": "%d-01-01" % year,
                "to": "%d-12-31" % year, "minutes": minutes,
                "hours": hours(minutes), "shifts": len(mine),
                "activities": activities,
                "stars": m.stars(sum(s.minutes for s in m.current(x))),
                "community": v.community,
                "community_name": m.communities[v.community][0],
                "station": st.station,
                "station_name": m.stations[st.station][0],
                # The rest of the record of the year: no training or
                # awards in this data set; the evaluations that stand.
                "training": {"sessions": 0, "minutes": 0, "hours": hours(0)},
                "awards": [],
                "evaluations": self.evaluation_summary(x, yf, yt)}
        got = {k: cert.get(k) for k in want}
        self.is_(got, want, "the certificate's payload: volunteer, period, "
                 "minutes, hours, shifts, activities, stars, community, "
                 "station")
        number = cert.get("number", "")
        self.is_(bool(re.fullmatch(r"C-%d-\d{6}" % self.now.year, number)), True,
                 "its number %s is C-YYYY-NNNNNN" % number)
        issued = parse_time(cert.get("issued_at", "1970-01-01T00:00:00+00:00"))
        self.is_(abs((issued - datetime.now(TZ)).total_seconds()) < 120, True,
                 "issued_at %s is now" % cert.get("issued_at"))
        self.is_(set(cert), set(want) | {"number", "issued_at"},
                 "the payload has the fields of the spec, no others")
        self.is_(b.get("certificate"), cert,
                 "the answer's certificate is the signed payload")
        self.is_(b.get("number"), number, "... and its number")
        self.check_tamper(jws, "the certificate's JWS")
        # Look it up, revoke it.
        sha = hashlib.sha256(payload).hexdigest()
        s, g, _ = self.api.call(self.admin, "GET", "/v1/certificates/" + number)
        self.is_({k: g.get(k) for k in ("number", "volunteer", "from", "to",
                                        "sha256", "revoked_at")},
                 {"number": number, "volunteer": x, "from": want["from"],
                  "to": want["to"], "sha256": sha, "revoked_at": None},
                 "GET /v1/certificates/%s: sha256 is SHA-256 of the JWS "
                 "payload, not revoked" % number)
        raw_row = self.psql("SELECT payload FROM certificates WHERE number = '%s'"
                            % number)
        if raw_row is not None:
            self.is_(raw_row.encode(), payload,
                     "the database keeps the payload as signed")
        s, r, _ = self.api.call(st, "POST", "/v1/certificates/%s/revoke" % number,
                                body={"reason": "信息有误"})
        self.is_(s, 201, "revoking it: 201")
        s, g, _ = self.api.call(self.admin, "GET", "/v1/certificates/" + number)
        ok = isinstance(g.get("revoked_at"), str) and \
            abs((parse_time(g["revoked_at"]) - datetime.now(TZ)).total_seconds()) < 120
        self.is_([ok, g.get("revoke_reason")], [True, "信息有误"],
                 "GET shows revoked_at (%s) and the reason" % g.get("revoked_at"))
        s, r, _ = self.api.call(st, "POST", "/v1/certificates/%s/revoke" % number,
                                body={"reason": "again"})
        self.is_(s, 200, "revoking it again: 200, nothing new")

    # -- closing a month --

    def snapshot(self, number):
        a = self.api.raw(self.admin, "GET", "/v1/shifts",
                         "volunteer=%s&limit=1000" % number)[2]
        b = self.api.raw(self.admin, "GET", "/v1/volunteers/%s/ledger" % number,
                         "limit=1000")[2]
        c = self.psql("SELECT (SELECT count(*) FROM shifts) || '/' || "
                      "(SELECT count(*) FROM transfers) || '/' || "
                      "(SELECT count(*) FROM checkins) || '/' || "
                      "(SELECT sum(balance) FROM accounts WHERE kind = 'volunteer')")
        return a, b, c

    def refused(self, key, method, path, body, desc, number, slug, mentions):
        before = self.snapshot(number)
        s, b, raw = self.api.call(key, method, path, body=body)
        detail = b.get("detail") or ""
        good = s == 409 and b.get("type") == PROBLEM + slug and \
            all(x in detail for x in mentions)
        self.result(good, "%s: 409 %s naming %s" % (desc, slug, " and ".join(mentions)),
                    [] if good else ["got %d %s" % (s, raw.decode()[:300])])
        self.is_(self.snapshot(number) == before, True, "... and nothing changed")

    def close(self, raws):
        m = self.m
        e, e1 = month_text(self.e), month_text(self.e1)
        # The report as the daemon answers it, just before the close.
        s, _, before = self.fetch("monthly", e, "community")
        s, b, raw = self.api.call(self.admin, "POST", "/v1/months/%s/close" % e,
                                  body={})
        if not self.is_(s, 201, "POST /v1/months/%s/close" % e):
            print("#   %s" % raw[:300])
            return
        jws = b.get("jws", "")
        try:
            _, payload = jws_verify(jws, self.signer, self.kid)
            self.result(True, "the close's JWS verifies with the daemon's key")
        except (ValueError, InvalidSignature) as ex:
            self.result(False, "the close's JWS verifies", [repr(ex), jws])
            return
        signed = json.loads(payload)
        self.is_(signed, {"month": e, "digest": b.get("digest"),
                          "closed_at": b.get("closed_at")},
                 "it signs {month, digest, closed_at} of the answer")
        self.is_(b.get("month"), e, "... for month %s" % e)
        ok = abs((parse_time(b["closed_at"]) - datetime.now(TZ)).total_seconds()) < 120
        self.is_(ok, True, "closed_at %s is now" % b.get("closed_at"))
        self.check_tamper(jws, "the close's JWS")
        digest = b.get("digest")
        mine = hashlib.sha256(before).hexdigest()
        good = digest == mine
        diffs = []
        if not good:
            diffs = ["digest %s" % digest,
                     "SHA-256 of GET ...?month=%s&level=community: %s" % (e, mine)]
            # How do they differ? Try other spellings of the same JSON.
            body = json.loads(before)
            for name, text in [
                    ("compact", json.dumps(body, ensure_ascii=False,
                                           separators=(",", ":"))),
                    ("spaced", json.dumps(body, ensure_ascii=False))]:
                if hashlib.sha256(text.encode()).hexdigest() == digest:
                    diffs.append("it is the SHA-256 of the %s JSON spelling" % name)
        self.result(good, "the digest is SHA-256 of the community-level report "
                    "of %s, byte for byte as GET answers it" % e, diffs)
        if raws.get(e) is not None:
            self.is_(hashlib.sha256(raws[e]).hexdigest(), mine,
                     "... the same bytes as when the reports were checked")
        s, lst, _ = self.api.call(self.admin, "GET", "/v1/months")
        row = [x for x in lst.get("months", []) if x.get("month") == e]
        self.is_(row and {k: row[0].get(k) for k in ("digest", "jws", "closed_at")},
                 {"digest": digest, "jws": jws, "closed_at": b.get("closed_at")},
                 "GET /v1/months lists %s with its digest and JWS" % e)
        db = self.psql("SELECT digest || ' ' || jws FROM month_closes "
                       "WHERE month = '%s'" % e)
        if db is not None:
            self.is_(db, "%s %s" % (digest, jws), "month_closes keeps them")

        # Recording into the closed month is refused, changing nothing.
        free = None
        day = month_start(self.e) + timedelta(days=14, hours=10)
        for n in sorted(m.vols):
            v = m.vols[n]
            if v.status == "active" and not m.busy(n, day, day + timedelta(hours=2)) \
                    and n not in self.special.values():
                free = n
                break
        key = self.keys[self.by_community[m.vols[free].community][0]]
        self.refused(key, "POST", "/v1/shifts", {
            "volunteer": free, "activity": "walk", "started_at": fmt_time(day),
            "ended_at": fmt_time(day + timedelta(hours=1))},
            "logging a shift of %s for %s" % (e, free), free, "month-closed",
            [e, e1])
        x = self.special["edge"]
        edge = self.edge
        key = self.keys[self.by_community[m.vols[x].community][0]]
        self.refused(key, "POST", "/v1/shifts/%d/corrections" % edge.id, {
            "reason": "late", "ended_at": fmt_time(edge.end - timedelta(minutes=15))},
            "correcting the 23:30 shift of %s" % e, x, "month-closed", [e, e1])
        self.refused(key, "POST", "/v1/shifts/%d/corrections" % edge.id, {
            "reason": "late", "started_at": fmt_time(edge.start + timedelta(minutes=31))},
            "moving it into %s" % e1, x, "month-closed", [e, e1])
        # A shift of the open month moved into the closed one.
        later = sorted((s.vol != x, s.id, s) for s in m.current()
                       if ym_of(s.start) == self.e1
                       and m.vols[s.vol].status == "active")
        if later:
            s = later[0][2]
            # 03:00 to 04:00: no shift of the data set is then.
            to = month_start(self.e) + timedelta(days=3, hours=3)
            self.refused(self.keys[self.by_community[m.vols[s.vol].community][0]],
                "POST", "/v1/shifts/%d/corrections" % s.id, {
                    "reason": "wrong month", "started_at": fmt_time(to),
                    "ended_at": fmt_time(to + timedelta(hours=1))},
                "moving a shift of %s into %s" % (e1, e), s.vol, "month-closed",
                [e, e1])
        s, b2, raw = self.api.call(self.admin, "POST", "/v1/months/%s/close" % e,
                                   body={})
        self.is_([s, b2.get("type")], [409, PROBLEM + "month-closed"],
                 "closing %s again: 409 month-closed" % e)
        s, b2, raw = self.api.call(self.admin, "POST", "/v1/months/%s/close"
                                   % month_text(self.cm), body={})
        self.is_([s, b2.get("type")], [409, PROBLEM + "month-not-over"],
                 "closing the current month: 409 month-not-over")
        s, b2, raw = self.api.call(self.keys[sorted(self.keys)[0]], "POST",
                                   "/v1/months/%s/close" % e1, body={})
        self.is_([s, b2.get("type")], [403, PROBLEM + "admin-only"],
                 "a station key cannot close a month: 403 admin-only")
        self.reprint(e, digest)
        self.after_close(e)

    def after_close(self, e):
        """The months after the closed one, in its year, read each
        volunteer's hours of the year and of all years up to its end from
        what its close stored (vp_report_base) and the shifts since: their
        reports (the volunteer level's pages and CSV with them) and new
        star levels as computed here."""
        when = ", after %s's close" % e
        for ym in (self.e1, self.cm):
            p = month_text(ym)
            base = self.psql(
                "SET timezone = 'Asia/Shanghai'; SELECT coalesce(month, '-') "
                "FROM vp_report_base(date_trunc('year', '%s-01'::timestamptz), "
                "'%s-01'::timestamptz, false)" % (p, p))
            if base is not None:
                self.is_(base, e if p[:4] == e[:4] else "-",
                         "%s reads the year so far from %s's close, in its "
                         "year" % (p, e))
            # the new star levels of these reports only (shifts were
            # recorded since the month's first)
            self.stars_seen.pop(("monthly", p, None), None)
            for level in ("volunteer", "community"):
                self.check_report("monthly", p, level, when=when)
            self.check_new_stars("monthly", p, when=when)
        c = sorted(self.m.communities)[0]
        self.check_report("monthly", month_text(self.e1), "volunteer", c,
                          when=when)
        self.check_report("monthly", month_text(self.e1), "community", c,
                          when=when)

    def reprint(self, e, digest):
        """The close's digest lets a reprint of the month be checked: later
        changes outside the month must not change its report."""
        m = self.m

        def again(desc):
            s, _, raw = self.fetch("monthly", e, "community")
            got = hashlib.sha256(raw).hexdigest()
            self.result(got == digest, "a reprint of %s %s hashes to its "
                        "digest" % (e, desc),
                        [] if got == digest else ["digest %s, reprint %s" % (
                            digest, got)])
        again("right after the refusals")
        # A shift in the open month by a volunteer who reached a star level
        # in the closed one.
        crossed = [x["volunteer"] for x in m.report("monthly", e, "community")
                   ["new_star_levels"]]
        free = [n for n in crossed if m.vols[n].status == "active"
                and n not in self.special.values()]
        if free:
            n = free[0]
            day = month_start(self.e1) + timedelta(days=9, hours=9)
            while m.busy(n, day - timedelta(hours=6), day + timedelta(hours=6)):
                day += timedelta(days=1)
            if day + timedelta(hours=2) < self.now:
                self.log(n, "walk", day, day + timedelta(hours=2))
                again("after %s, who reached a star level in it, served in %s"
                      % (n, month_text(self.e1)))
        else:
            self.note("nobody reached a star level in %s: reprint after a later "
                      "shift not checked" % e)
        # A volunteer registered before the month leaves after its close.
        ef = month_start(self.e1).date()
        stay = [n for n in sorted(m.vols) if m.vols[n].status == "active"
                and m.vols[n].registered_on < ef and n not in self.special.values()]
        if stay:
            n = stay[-1]
            self.api.must(self.admin, "PATCH", "/v1/volunteers/" + n,
                          {"status": "left", "reason": "搬家"})
            m.vols[n].status = "left"
            m.vols[n].left_at = datetime.now(TZ)
            again("after %s, registered before it, left the service now" % n)

    # -- the run --

    def run(self):
        t0 = time.time()
        self.csv_formats = set()
        self.stars_seen = {}
        self.setup()
        self.volunteers()
        self.shifts()
        self.checkins()
        self.star_levels()
        self.spending()
        self.help()
        self.statuses()
        self.evaluations()
        self.recruitment()
        built = time.time() - t0
        print("# data: %d communities, %d stations, %d volunteers, %d shift "
              "records (%d current), %d transfers, %d redemptions; star levels "
              "%s; months %s (23:30 edge, %s), %s, %s; built in %.1f s" % (
                  len(self.m.communities), len(self.keys), len(self.m.vols),
                  len(self.m.shifts), len(self.m.current()),
                  len(self.m.transfers), len(self.m.redemptions),
                  self.m.levels, month_text(self.e), self.special["edge"],
                  month_text(self.e1), month_text(self.cm), built))
        audit = self.api.must(self.admin, "GET", "/v1/audit")
        self.is_(audit.get("problems"), [], "the ledger audit finds nothing wrong")
        raws = self.check_months()
        self.check_annual()
        for ym in (self.e, self.e1, self.cm):
            for scope in [None] + sorted(self.m.communities):
                self.check_approval(month_text(ym), scope)
                self.check_recruitment(month_text(ym), scope)
        if self.csv_formats:
            self.note("CSV spells some decimals unlike the JSON (same value): "
                      + ", ".join(sorted(self.csv_formats)))
        self.public_key()
        self.certificate()
        self.close(raws)
        return time.time() - t0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--server", required=True, help="http://127.0.0.1:PORT")
    p.add_argument("--admin-key", required=True,
                   help="PEM Ed25519 private key enrolled as admin")
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--psql", help="a psql command line (-At) on the daemon's "
                   "database, for cross-checks of raw rows")
    p.add_argument("--jws-out", help="write the issued certificate's JWS here")
    a = p.parse_args()
    run = Run(a)
    try:
        took = run.run()
    except Abort as e:
        print("reports_check: could not build or check the data set with "
              "--seed %d: %s" % (a.seed, e))
        print("not ok - reports check, seed %d: aborted" % a.seed)
        return 1
    except Exception:
        print("reports_check: the test itself failed with --seed %d:" % a.seed)
        traceback.print_exc(file=sys.stdout)
        print("not ok - reports check, seed %d: error" % a.seed)
        return 1
    print("# %d requests in %.1f s" % (run.api.requests, took))
    if run.failed:
        print("not ok - reports check, seed %d: %d of %d checks failed "
              "(replay: VPOINTS_SEED=%d)" % (a.seed, run.failed, run.count, a.seed))
        return 1
    print("ok - reports check, seed %d: %d checks, every answer as computed"
          % (a.seed, run.count))
    return 0


if __name__ == "__main__":
    sys.exit(main())
