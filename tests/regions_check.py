#!/usr/bin/python3
"""Regions and office keys, end to end (tests/e2e/regions.sh).

Builds a city of two districts, their streets and communities through the
signed HTTP API of a running vpointsd, then:

1. every signed route of common/routes.h, asked with the key of one
   street's office against a community outside its street (refused: 403,
   or 404 where the route hides what another community holds) and inside
   it (allowed), the city's own operations refused to it both ways, and
   the regions' routes asked by a district's office too; a route of
   routes.h that the table below does not name fails the check;
2. random trees of regions over random communities with volunteers and
   shifts: the report of each level of regions, monthly and annual, must
   be the sum of the community level's rows over the tree as this script
   keeps it (each region's row, the row of the communities in no region,
   the totals), and stay so after regions move and communities are
   placed elsewhere; an office's report is its subtree's rows;
3. a closed month: its reports at every level, city-wide, of a region
   and of an office, byte for byte the same after a rename, a move and a
   placing, while the open month's report shows them.

Python's standard library and `cryptography` only; requests are signed by
tests/sigtool.py. Prints a TAP line per check; the last line is a summary.
"""
import argparse
import json
import os
import random
import re
import sys
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sigtool  # noqa: E402
from sigtool import Abort, Api  # noqa: E402

TZ = timezone(timedelta(hours=8))
PROBLEM = "urn:vpoints:problem:"
T_NOW = int(os.environ.get("T_NOW") or time.time())


class Key:
    def __init__(self, name, sk):
        self.name, self.sk = name, sk
        self.keyid = sigtool.keyid_of(sigtool.public_raw(sk))

    def pub(self):
        return sigtool.b64url(sigtool.public_raw(self.sk))


class Check:
    def __init__(self, a):
        self.rng = random.Random(a.seed)
        self.seed = a.seed
        self.api = Api(a.server, self.rng, timeout=60)
        self.admin = Key("admin", sigtool.load_key(a.admin_key))
        self.routes_h = a.routes
        self.n = 0
        self.failed = 0
        self.keys = {}

    # -- TAP ----------------------------------------------------------

    def result(self, good, desc, why=""):
        self.n += 1
        print("%sok %d - %s" % ("" if good else "not ", self.n, desc))
        if not good:
            self.failed += 1
            for line in why.splitlines():
                print("#   " + line)
        sys.stdout.flush()

    # -- the city -----------------------------------------------------

    def key(self, name):
        if name not in self.keys:
            self.keys[name] = Key(name, Ed25519PrivateKey.generate())
        return self.keys[name]

    def station(self, code, community=None, role="station", region=None):
        body = {"code": code, "name": "Station " + code, "role": role,
                "public_key": self.key(code).pub()}
        if community:
            body["community"] = community
        if region:
            body["region"] = region
        self.api.must(self.admin, "POST", "/v1/stations", body)
        return self.key(code)

    def setup(self):
        A = self.admin
        m = self.api.must
        m(A, "POST", "/v1/activities", {"code": "clean", "name": "Cleaning",
                                        "points_per_hour": 10})
        for code, level, parent in (("D1", "district", None),
                                    ("D2", "district", None),
                                    ("S1", "street", "D1"),
                                    ("S2", "street", "D1"),
                                    ("S3", "street", "D2")):
            body = {"code": code, "name": "Region " + code, "level": level}
            if parent:
                body["parent"] = parent
            m(A, "POST", "/v1/regions", body)
        for code, region in (("C1", "S1"), ("C2", None), ("C3", "S2"),
                             ("C4", "S3"), ("C5", None)):
            body = {"code": code, "name": "Community " + code,
                    "population": 1000}
            if region:
                body["region"] = region
            m(A, "POST", "/v1/communities", body)
        m(A, "POST", "/v1/communities/C2/place", {"region": "S1"})
        self.st1 = self.station("ST1", "C1")
        self.st3 = self.station("ST3", "C3")
        self.station("ST1x", "C1")
        self.station("ST3x", "C3")
        self.o1 = self.station("O1", role="office", region="S1")
        self.od1 = self.station("OD1", role="office", region="D1")
        self.station("OS2", role="office", region="S2")
        now = datetime.fromtimestamp(T_NOW, TZ).replace(second=0,
                                                        microsecond=0)
        self.now = now
        v = {}
        for st, c in ((self.st1, "1"), (self.st3, "3")):
            for i, n in enumerate(("", "b", "c")):
                num = "V" + c + n
                m(st, "POST", "/v1/volunteers",
                  {"number": num, "name": "Volunteer " + num,
                   "id_number": "11010119900101%04d" % (int(c) * 10 + i)})
            s = m(st, "POST", "/v1/shifts",
                  {"volunteer": "V" + c, "activity": "clean",
                   "started_at": (now - timedelta(hours=6)).isoformat(),
                   "ended_at": (now - timedelta(hours=3)).isoformat()})
            v["shift" + c] = s["id"]
            s = m(st, "POST", "/v1/shifts",
                  {"volunteer": "V" + c + "b", "activity": "clean",
                   "started_at": (now - timedelta(hours=6)).isoformat(),
                   "ended_at": (now - timedelta(hours=3)).isoformat()})
            v["shiftb" + c] = s["id"]
            # a suspected duplicate of V<c>: its ID number again
            st_status, _, _ = self.api.call(st, "POST", "/v1/volunteers", "",
                                            {"number": "X" + c, "name": "x",
                                             "id_number":
                                             "11010119900101%04d" % (
                                                 int(c) * 10)})
            k = m(st, "POST", "/v1/shifts/checkin",
                  {"volunteer": "V" + c + "c", "activity": "clean",
                   "started_at": (now - timedelta(hours=1)).isoformat()})
            v["checkin" + c] = k["id"]
            m(st, "POST", "/v1/catalog", {"code": "towel" + c,
                                          "name": "Towel", "category": "gift",
                                          "price": 2, "stock": 10})
            r = m(st, "POST", "/v1/redemptions", {"volunteer": "V" + c,
                                                  "item": "towel" + c})
            v["redemption" + c] = r["id"]
            h = m(st, "POST", "/v1/help-requests",
                  {"requester": "V" + c, "points": 2,
                   "description": "a ride"})
            v["help" + c] = h["id"]
            h = m(st, "POST", "/v1/help-requests",
                  {"requester": "V" + c, "points": 2,
                   "description": "shopping"})
            v["helpb" + c] = h["id"]
            cert = m(A, "POST", "/v1/certificates",
                     {"volunteer": "V" + c,
                      "year": str(now.year)})
            v["cert" + c] = cert["number"]
            t = m(st, "POST", "/v1/trainings",
                  {"course": "First aid",
                   "held_on": (now - timedelta(days=1)).date().isoformat(),
                   "hours": 2})
            v["training" + c] = t["id"]
            aw = m(st, "POST", "/v1/awards",
                   {"volunteer": "V" + c, "title": "Good", "level": "city",
                    "awarded_on": (now - timedelta(days=1)).date().isoformat(),
                    "issuer": "City"})
            v["award" + c] = aw["id"]
            ev = m(st, "POST", "/v1/evaluations",
                   {"shift": v["shift" + c], "role": "resident", "score": 5})
            v["evaluation" + c] = ev["id"]
            day = now + timedelta(days=3)
            e = m(st, "POST", "/v1/events",
                  {"activity": "clean", "title": "Clean-up " + c,
                   "starts_at": day.isoformat(),
                   "ends_at": (day + timedelta(hours=2)).isoformat(),
                   "places": 5})
            v["event" + c] = e["events"][0]["id"]
            e = m(st, "POST", "/v1/events",
                  {"activity": "clean", "title": "Other " + c,
                   "starts_at": (day + timedelta(days=1)).isoformat(),
                   "ends_at": (day + timedelta(days=1, hours=2)).isoformat(),
                   "places": 5})
            v["eventb" + c] = e["events"][0]["id"]
            su = m(st, "POST", "/v1/signups",
                   {"volunteer": "V" + c, "event": str(v["event" + c])})
            v["signup" + c] = su["id"]
            m(A, "POST", "/v1/teams", {"code": "team" + c, "name": "Team",
                                       "kind": "standing",
                                       "community": "C" + c})
        dups = m(A, "GET", "/v1/duplicates")["duplicates"]
        for d in dups:
            v["duplicate" + d["existing_community"][1:]] = d["id"]
        self.v = v

    # -- 1: every route from a street's office ----------------------

    def matrix(self):
        """Per operation: (outside request, its status[, slug]), (inside
        request, its status), for the key of office O1 (street S1: C1, C2;
        outside: C3 in S2, C4 in D2). A request: method, path, body or
        query. "city": the city's own (admin-only, both refused);
        "station": done at a station's desk (station-only, both refused);
        "shared": read by every key, no community's rows."""
        v = self.v
        day = (self.now - timedelta(days=1)).date().isoformat()
        hours = lambda h: (self.now - timedelta(hours=h)).isoformat()
        ym = self.now.strftime("%Y-%m")
        return {
            "community_add": (("POST", "/v1/communities",
                               {"code": "CX", "name": "X", "population": 9,
                                "region": "S2"}), (403, "outside-region"),
                              ("POST", "/v1/communities",
                               {"code": "C6", "name": "Six",
                                "population": 500, "region": "S1"}), 201),
            "community_list": "shared",
            "station_add": (("POST", "/v1/stations",
                             {"code": "STX", "name": "X", "community": "C3",
                              "public_key": self.key("STX").pub()}),
                            (403, "outside-community"),
                            ("POST", "/v1/stations",
                             {"code": "ST1y", "name": "Y", "community": "C1",
                              "public_key": self.key("ST1y").pub()}), 201),
            "station_list": (("GET", "/v1/stations", ""), 200,
                             ("GET", "/v1/stations", ""), 200),
            "station_key_add": (("POST", "/v1/stations/ST3x/keys",
                                 {"public_key": self.key("k3").pub()}),
                                (403, "outside-region"),
                                ("POST", "/v1/stations/ST1x/keys",
                                 {"public_key": self.key("k1").pub()}), 201),
            "station_revoke": (("POST", "/v1/stations/ST3x/revoke", {}),
                               (403, "outside-region"),
                               ("POST", "/v1/stations/ST1x/revoke", {}), 201),
            "activity_add": "city",
            "activity_list": "shared",
            "team_add": (("POST", "/v1/teams",
                          {"code": "tx", "name": "X", "kind": "standing",
                           "community": "C3"}), (403, "outside-community"),
                         ("POST", "/v1/teams",
                          {"code": "t1", "name": "One", "kind": "standing",
                           "community": "C1"}), 201),
            "team_list": (("GET", "/v1/teams", "community=C3"),
                          (403, "outside-community"),
                          ("GET", "/v1/teams", "community=C1"), 200),
            "team_join": (("POST", "/v1/teams/team3/join",
                           {"volunteer": "V3"}), (403, "outside-community"),
                          ("POST", "/v1/teams/team1/join",
                           {"volunteer": "V1"}), 201),
            "team_leave": (("POST", "/v1/teams/team3/leave",
                            {"volunteer": "V3"}), (403, "outside-community"),
                           ("POST", "/v1/teams/team1/leave",
                            {"volunteer": "V1"}), 200),
            "volunteer_add": (("POST", "/v1/volunteers",
                               {"number": "VX", "name": "X",
                                "community": "C3"}),
                              (403, "outside-community"),
                              ("POST", "/v1/volunteers",
                               {"number": "V1d", "name": "New",
                                "community": "C2"}), 201),
            "volunteer_list": (("GET", "/v1/volunteers", "community=C3"),
                               (403, "outside-community"),
                               ("GET", "/v1/volunteers", ""), 200),
            "volunteer_get": (("GET", "/v1/volunteers/V3", ""),
                              (403, "outside-community"),
                              ("GET", "/v1/volunteers/V1", ""), 200),
            "volunteer_update": (("PATCH", "/v1/volunteers/V3",
                                  {"name": "x"}), (403, "outside-community"),
                                 ("PATCH", "/v1/volunteers/V1",
                                  {"name": "Volunteer One"}), 200),
            "volunteer_ledger": (("GET", "/v1/volunteers/V3/ledger", ""),
                                 (403, "outside-community"),
                                 ("GET", "/v1/volunteers/V1/ledger", ""), 200),
            "volunteer_export": (("GET", "/v1/volunteers/V3/export", ""),
                                 (403, "outside-community"),
                                 ("GET", "/v1/volunteers/V1/export", ""), 200),
            # A move needs both communities in the office's region.
            "volunteer_move": (("POST", "/v1/volunteers/V1d/move",
                                {"community": "C3", "reason": "x"}),
                               (403, "outside-community"),
                               ("POST", "/v1/volunteers/V1d/move",
                                {"community": "C1", "reason": "moved"}),
                               201),
            "duplicate_list": (("GET", "/v1/duplicates", ""), 200,
                               ("GET", "/v1/duplicates", ""), 200),
            # The city office reviews every refused ID number: an
            # office resolves none, not even of its own (it could enrol
            # keys and clear their refusals, guessing on).
            "duplicate_resolve": "city",
            "shift_log": (("POST", "/v1/shifts",
                           {"volunteer": "V3", "activity": "clean",
                            "started_at": hours(30),
                            "ended_at": hours(29)}),
                          (403, "outside-community"),
                          ("POST", "/v1/shifts",
                           {"volunteer": "V1", "activity": "clean",
                            "started_at": hours(30),
                            "ended_at": hours(29)}), 201),
            "shift_list": (("GET", "/v1/shifts", "volunteer=V3"),
                           (403, "outside-community"),
                           ("GET", "/v1/shifts", "volunteer=V1"), 200),
            "shift_checkin": "station",
            "shift_checkout": (("POST", "/v1/shifts/%s/checkout"
                                % v["checkin3"], {}),
                               (403, "outside-community"),
                               ("POST", "/v1/shifts/%s/checkout"
                                % v["checkin1"], {}), 201),
            "shift_correct": (("POST", "/v1/shifts/%s/corrections"
                               % v["shiftb3"], {"reason": "x",
                                                "started_at": hours(7)}),
                              (403, "outside-community"),
                              ("POST", "/v1/shifts/%s/corrections"
                               % v["shiftb1"], {"reason": "earlier",
                                                "started_at": hours(7)}), 201),
            "checkin_list": (("GET", "/v1/checkins", "community=C3"),
                             (403, "outside-community"),
                             ("GET", "/v1/checkins", ""), 200),
            "catalog_add": (("POST", "/v1/catalog",
                             {"station": "ST3", "code": "cup", "name": "Cup",
                              "category": "gift", "price": 1, "stock": 1}),
                            (403, "other-station"),
                            ("POST", "/v1/catalog",
                             {"station": "ST1", "code": "cup", "name": "Cup",
                              "category": "gift", "price": 1, "stock": 1}),
                            201),
            "catalog_list": "shared",
            "catalog_restock": (("POST", "/v1/catalog/towel3/restock",
                                 {"station": "ST3", "quantity": 1}),
                                (403, "other-station"),
                                ("POST", "/v1/catalog/towel1/restock",
                                 {"station": "ST1", "quantity": 1}), 201),
            "catalog_deactivate": (("POST", "/v1/catalog/towel3/deactivate",
                                    {"station": "ST3"}),
                                   (403, "other-station"),
                                   ("POST", "/v1/catalog/cup/deactivate",
                                    {"station": "ST1"}), 201),
            "redeem": "station",
            "redemption_void": (("POST", "/v1/redemptions/%s/void"
                                 % v["redemption3"], {"reason": "x"}),
                                (403, "other-station"),
                                ("POST", "/v1/redemptions/%s/void"
                                 % v["redemption1"], {"reason": "broken"}),
                                201),
            "help_request": (("POST", "/v1/help-requests",
                              {"requester": "V3", "points": 1,
                               "description": "x"}),
                             (403, "outside-community"),
                             ("POST", "/v1/help-requests",
                              {"requester": "V1", "points": 1,
                               "description": "books"}), 201),
            "help_list": (("GET", "/v1/help-requests", "community=C3"),
                          (403, "outside-community"),
                          ("GET", "/v1/help-requests", ""), 200),
            "help_accept": (("POST", "/v1/help-requests/%s/accept"
                             % v["help3"], {"helper": "V3b"}),
                            (403, "outside-community"),
                            ("POST", "/v1/help-requests/%s/accept"
                             % v["help1"], {"helper": "V1b"}), 200),
            "help_complete": "station",
            "help_cancel": (("POST", "/v1/help-requests/%s/cancel"
                             % v["helpb3"], {"reason": "x"}),
                            (403, "outside-community"),
                            ("POST", "/v1/help-requests/%s/cancel"
                             % v["helpb1"], {"reason": "done"}), 200),
            "audit": "city",
            "report_monthly": (("GET", "/v1/reports/monthly",
                                "month=%s&level=community&community=C3" % ym),
                               (403, "outside-community"),
                               ("GET", "/v1/reports/monthly",
                                "month=%s&level=street" % ym), 200),
            "report_annual": (("GET", "/v1/reports/annual",
                               "year=%d&level=street&region=S2"
                               % self.now.year), (403, "outside-region"),
                              ("GET", "/v1/reports/annual",
                               "year=%d&level=volunteer" % self.now.year),
                              200),
            "star_levels": "shared",
            "star_levels_set": "city",
            "certificate_issue": (("POST", "/v1/certificates",
                                   {"volunteer": "V3b",
                                    "year": str(self.now.year)}),
                                  (403, "outside-community"),
                                  ("POST", "/v1/certificates",
                                   {"volunteer": "V1b",
                                    "year": str(self.now.year)}), 201),
            "certificate_get": (("GET", "/v1/certificates/%s" % v["cert3"],
                                 ""), (403, "outside-community"),
                                ("GET", "/v1/certificates/%s" % v["cert1"],
                                 ""), 200),
            "certificate_revoke": (("POST", "/v1/certificates/%s/revoke"
                                    % v["cert3"], {"reason": "x"}),
                                   (403, "outside-community"),
                                   ("POST", "/v1/certificates/%s/revoke"
                                    % v["cert1"], {"reason": "wrong"}), 201),
            "month_close": "city",
            "month_list": "shared",
            "training_add": (("POST", "/v1/trainings",
                              {"course": "X", "held_on": day, "hours": 1,
                               "community": "C3"}),
                             (403, "outside-community"),
                             ("POST", "/v1/trainings",
                              {"course": "Rescue", "held_on": day,
                               "hours": 1, "community": "C1"}), 201),
            "training_list": (("GET", "/v1/trainings", "community=C3"),
                              (403, "outside-community"),
                              ("GET", "/v1/trainings", ""), 200),
            "training_attend": (("POST", "/v1/trainings/%s/attend"
                                 % v["training3"], {"volunteer": "V3"}),
                                (404, "unknown-training"),
                                ("POST", "/v1/trainings/%s/attend"
                                 % v["training1"], {"volunteer": "V1"}), 201),
            "qualification_grant": (("POST", "/v1/qualifications",
                                     {"volunteer": "V3",
                                      "qualification": "driving",
                                      "issued_on": day}),
                                    (403, "outside-community"),
                                    ("POST", "/v1/qualifications",
                                     {"volunteer": "V1",
                                      "qualification": "driving",
                                      "issued_on": day}), 201),
            "qualification_list": (("GET", "/v1/qualifications",
                                    "volunteer=V3"),
                                   (403, "outside-community"),
                                   ("GET", "/v1/qualifications",
                                    "expiring_within=30"), 200),
            "award_add": (("POST", "/v1/awards",
                           {"volunteer": "V3", "title": "x", "level": "city",
                            "awarded_on": day, "issuer": "y"}),
                          (403, "outside-community"),
                          ("POST", "/v1/awards",
                           {"volunteer": "V1", "title": "Best",
                            "level": "district", "awarded_on": day,
                            "issuer": "District"}), 201),
            "award_list": (("GET", "/v1/awards", "volunteer=V3"),
                           (403, "outside-community"),
                           ("GET", "/v1/awards", "volunteer=V1"), 200),
            "award_correct": (("POST", "/v1/awards/%s/corrections"
                               % v["award3"], {"correction": "x"}),
                              (403, "outside-community"),
                              ("POST", "/v1/awards/%s/corrections"
                               % v["award1"], {"correction": "level",
                                               "level": "district"}), 201),
            "evaluation_add": (("POST", "/v1/evaluations",
                                {"shift": v["shift3"], "role": "lead",
                                 "score": 3}), (404, "unknown-shift"),
                               ("POST", "/v1/evaluations",
                                {"shift": v["shift1"], "role": "lead",
                                 "score": 4}), 201),
            "evaluation_list": (("GET", "/v1/evaluations", "volunteer=V3"),
                                (403, "outside-community"),
                                ("GET", "/v1/evaluations", "volunteer=V1"),
                                200),
            "evaluation_reverse": (("POST", "/v1/evaluations/%s/reverse"
                                    % v["evaluation3"], {"reason": "x"}),
                                   (404, "unknown-evaluation"),
                                   ("POST", "/v1/evaluations/%s/reverse"
                                    % v["evaluation1"], {"reason": "wrong"}),
                                   201),
            "import_volunteers": (("POST", "/v1/import/volunteers",
                                   {"rows": [
                                       {"row": 2, "key": "%032x" % 1,
                                        "number": "VI3", "name": "X",
                                        "community": "C3",
                                        "registered_on": day}]}),
                                  (403, "outside-community"),
                                  ("POST", "/v1/import/volunteers",
                                   {"rows": [
                                       {"row": 2, "key": "%032x" % 2,
                                        "number": "VI1", "name": "Imported",
                                        "community": "C1",
                                        "registered_on": day}]}), 200),
            "import_shifts": (("POST", "/v1/import/shifts",
                               {"rows": [{"row": 2, "key": "%032x" % 3,
                                          "volunteer": "V3",
                                          "activity": "clean",
                                          "started_at": hours(50),
                                          "ended_at": hours(49)}]}),
                              (403, "outside-community"),
                              ("POST", "/v1/import/shifts",
                               {"rows": [{"row": 2, "key": "%032x" % 4,
                                          "volunteer": "V1",
                                          "activity": "clean",
                                          "started_at": hours(50),
                                          "ended_at": hours(49)}]}), 200),
            "export_national": (("GET", "/v1/exports/national",
                                 "from=%s&to=%s&community=C3" % (day, day)),
                                (403, "outside-community"),
                                ("GET", "/v1/exports/national",
                                 "from=%s&to=%s" % (day, day)), 200),
            "event_add": (("POST", "/v1/events",
                           {"activity": "clean", "title": "X",
                            "community": "C3",
                            "starts_at": (self.now + timedelta(days=9))
                            .isoformat(),
                            "ends_at": (self.now + timedelta(days=9, hours=1))
                            .isoformat(), "places": 1}),
                          (403, "outside-community"),
                          ("POST", "/v1/events",
                           {"activity": "clean", "title": "Street day",
                            "community": "C1",
                            "starts_at": (self.now + timedelta(days=9))
                            .isoformat(),
                            "ends_at": (self.now + timedelta(days=9, hours=1))
                            .isoformat(), "places": 1}), 201),
            "event_list": (("GET", "/v1/events", "community=C3"),
                           (403, "outside-community"),
                           ("GET", "/v1/events", ""), 200),
            "event_get": (("GET", "/v1/events/%s" % v["event3"], ""),
                          (403, "outside-community"),
                          ("GET", "/v1/events/%s" % v["event1"], ""), 200),
            "event_cancel": (("POST", "/v1/events/%s/cancel" % v["eventb3"],
                              {"reason": "x"}), (403, "outside-community"),
                             ("POST", "/v1/events/%s/cancel" % v["eventb1"],
                              {"reason": "rain"}), 200),
            "signup_add": (("POST", "/v1/signups",
                            {"volunteer": "V3b", "event": str(v["event3"])}),
                           (403, "outside-community"),
                           ("POST", "/v1/signups",
                            {"volunteer": "V1b", "event": str(v["event1"])}),
                           201),
            "signup_list": (("GET", "/v1/signups", "volunteer=V3"),
                            (403, "outside-community"),
                            ("GET", "/v1/signups", "volunteer=V1"), 200),
            "signup_cancel": (("POST", "/v1/signups/%s/cancel"
                               % v["signup3"], {}),
                              (403, "outside-community"),
                              ("POST", "/v1/signups/%s/cancel"
                               % v["signup1"], {}), 200),
            "volunteer_unblock": (("POST", "/v1/volunteers/V3/unblock",
                                   {"reason": "x"}),
                                  (403, "outside-community"),
                                  ("POST", "/v1/volunteers/V1/unblock",
                                   {"reason": "x"}), (409, "not-blocked")),
            "volunteer_link": (("POST", "/v1/volunteers/V3/link", {}),
                               (403, "outside-community"),
                               ("POST", "/v1/volunteers/V1/link", {}), 200),
            "station_link": (("POST", "/v1/stations/ST3/link", {}),
                             (403, "admin-only"),
                             ("POST", "/v1/stations/ST1/link", {}), 200),
            "report_events": (("GET", "/v1/reports/events",
                               "month=%s&community=C3" % ym),
                              (403, "outside-community"),
                              ("GET", "/v1/reports/events", "month=%s" % ym),
                              200),
            # A street is the lowest level: a street's office has no
            # region below its own to add, rename or move (the district
            # office's checks follow).
            "region_add": (("POST", "/v1/regions",
                            {"code": "SX", "name": "X", "level": "street",
                             "parent": "D2"}), (403, "outside-region"),
                           ("POST", "/v1/regions",
                            {"code": "SY", "name": "Y", "level": "street",
                             "parent": "D1"}), (403, "outside-region")),
            "region_list": (("GET", "/v1/regions", ""), 200,
                            ("GET", "/v1/regions", ""), 200),
            "region_rename": (("POST", "/v1/regions/S2/rename",
                               {"name": "x"}), (403, "outside-region"),
                              ("POST", "/v1/regions/S1/rename",
                               {"name": "x"}), (403, "outside-region")),
            "region_move": (("POST", "/v1/regions/S2/move",
                             {"parent": "D2"}), (403, "outside-region"),
                            ("POST", "/v1/regions/S1/move",
                             {"parent": "D2"}), (403, "outside-region")),
            "region_levels_set": "city",
            "community_place": (("POST", "/v1/communities/C3/place",
                                 {"region": "S1"}), (403, "outside-region"),
                                ("POST", "/v1/communities/C2/place",
                                 {"region": "S1"}), 201),
        }

    def ask(self, key, req):
        method, path, arg = req
        if method == "GET":
            return self.api.call(key, method, path, arg)
        return self.api.call(key, method, path, "", arg)

    def expect(self, desc, got, want):
        status, parsed, raw = got
        if status == 200 and isinstance(parsed, dict) and \
                isinstance(parsed.get("rows"), list) and \
                parsed["rows"] and "outcome" in parsed["rows"][0]:
            # An import answers 200 and refuses row by row: its row's.
            row = parsed["rows"][0]
            status = row.get("status", 200)
            parsed = row
        want_status, want_slug = (want if isinstance(want, tuple)
                                  else (want, None))
        slug = None
        if isinstance(parsed, dict) and isinstance(parsed.get("type"), str):
            slug = parsed["type"].replace(PROBLEM, "")
        good = status == want_status and (want_slug is None
                                          or slug == want_slug)
        self.result(good, "%s: %d%s" % (desc, want_status,
                                        " " + want_slug if want_slug else ""),
                    "got %d %s" % (status,
                                   raw.decode("utf-8", "replace")[:300]))
        return parsed

    def signed_routes(self):
        text = open(self.routes_h).read()
        block = text[text.index("#define WIRE_ROUTES(R)"):]
        block = block[:block.index("/* Who may call")]
        rows = re.findall(r'R\(\s*\w+,\s*"\w+",\s*"[^"]*",\s*(NULL|"\w+"),'
                          r'\s*(WIRE_\w+)', block.replace("\\\n", " "))
        return [op.strip('"') for op, access in rows
                if access in ("WIRE_READ", "WIRE_LAGGED", "WIRE_WRITE")]

    def run_matrix(self):
        o1 = self.o1
        table = self.matrix()
        ops = self.signed_routes()
        self.result(len(ops) > 60, "the signed routes of routes.h are read "
                    "(%d)" % len(ops))
        missing = [op for op in ops if op not in table]
        self.result(not missing, "every signed route has its row in the "
                    "table", "missing: %s" % ", ".join(missing))
        for op in ops:
            row = table.get(op)
            if row is None:
                continue
            if row == "city":
                got = self.api.call(o1, "GET", "/v1/audit") if op == "audit" \
                    else None
                # The city's own: refused to an office whatever it asks.
                reqs = {"activity_add": ("POST", "/v1/activities",
                                         {"code": "x", "name": "X",
                                          "points_per_hour": 1}),
                        "audit": ("GET", "/v1/audit", ""),
                        "star_levels_set": ("POST", "/v1/star-levels",
                                            {"levels": [1, 2, 3, 4, 5]}),
                        "month_close": ("POST", "/v1/months/%s/close" % (
                            (self.now.replace(day=1) - timedelta(days=1))
                            .strftime("%Y-%m")), {}),
                        "region_levels_set": ("POST", "/v1/region-levels",
                                              {"levels": ["a", "b"]}),
                        "duplicate_resolve": ("POST",
                                              "/v1/duplicates/%s/resolve"
                                              % self.v["duplicate1"],
                                              {"note": "same"})}
                self.expect("%s, the city's own, from a street's office" % op,
                            self.ask(o1, reqs[op]), (403, "admin-only"))
                continue
            if row == "station":
                reqs = {"shift_checkin": ("POST", "/v1/shifts/checkin",
                                          {"volunteer": "V1",
                                           "activity": "clean"}),
                        "redeem": ("POST", "/v1/redemptions",
                                   {"volunteer": "V1", "item": "towel1"}),
                        "help_complete": ("POST",
                                          "/v1/help-requests/%s/complete"
                                          % self.v["help1"],
                                          {"minutes": 30})}
                self.expect("%s, at a station's desk, from a street's office"
                            % op, self.ask(o1, reqs[op]),
                            (403, "station-only"))
                continue
            if row == "shared":
                paths = {"community_list": "/v1/communities",
                         "activity_list": "/v1/activities",
                         "catalog_list": "/v1/catalog",
                         "star_levels": "/v1/star-levels",
                         "month_list": "/v1/months"}
                q = "station=ST3" if op == "catalog_list" else ""
                self.expect("%s, read by every key, from a street's office"
                            % op, self.ask(o1, ("GET", paths[op], q)), 200)
                continue
            out_req, out_want, in_req, in_want = row
            self.expect("%s outside the street (C3, S2)" % op,
                        self.ask(o1, out_req), out_want)
            parsed = self.expect("%s inside the street (C1, C2)" % op,
                                 self.ask(o1, in_req), in_want)
            self.row_checks(op, parsed)
        self.district_office()

    def row_checks(self, op, parsed):
        """What an allowed answer of a list holds: the street's only."""
        if not isinstance(parsed, dict):
            return
        if op == "station_list":
            codes = sorted(s["code"] for s in parsed["stations"])
            self.result(codes == ["O1", "ST1", "ST1x", "ST1y"],
                        "station_list: the street's stations and itself",
                        "got %s" % codes)
        elif op == "volunteer_list":
            comms = {x["community"] for x in parsed["volunteers"]}
            self.result(comms == {"C1", "C2"}, "volunteer_list: the "
                        "street's volunteers only", "got %s" % comms)
        elif op == "duplicate_list":
            comms = {d["existing_community"] for d in parsed["duplicates"]}
            self.result(comms <= {"C1", "C2"} and comms,
                        "duplicate_list: the street's duplicates only",
                        "got %s" % comms)
        elif op == "region_list":
            codes = [r["code"] for r in parsed["regions"]]
            self.result(codes == ["S1"], "region_list: its own region",
                        "got %s" % codes)
        elif op == "report_monthly":
            codes = [r["code"] for r in parsed["rows"]]
            self.result(codes == ["S1"] and parsed.get("region") == "S1",
                        "report_monthly by street: its own street",
                        "got %s" % codes)

    def district_office(self):
        """The regions' routes from the office of district D1: below its
        own, inside it; nothing outside it, nor itself."""
        od = self.od1
        e = self.expect
        a = self.ask
        e("region_add: a street of D1 by D1's office",
          a(od, ("POST", "/v1/regions", {"code": "S4", "name": "Four",
                                         "level": "street",
                                         "parent": "D1"})), 201)
        e("region_add: a street of D2 by D1's office",
          a(od, ("POST", "/v1/regions", {"code": "S5", "name": "Five",
                                         "level": "street",
                                         "parent": "D2"})),
          (403, "outside-region"))
        e("region_add: a district by D1's office",
          a(od, ("POST", "/v1/regions", {"code": "D9", "name": "Nine",
                                         "level": "district"})),
          (403, "admin-only"))
        e("region_rename: S4 by D1's office",
          a(od, ("POST", "/v1/regions/S4/rename", {"name": "Fourth"})), 201)
        e("region_rename: D1 itself by its office",
          a(od, ("POST", "/v1/regions/D1/rename", {"name": "x"})),
          (403, "outside-region"))
        e("region_rename: S3 of D2 by D1's office",
          a(od, ("POST", "/v1/regions/S3/rename", {"name": "x"})),
          (403, "outside-region"))
        e("region_move: S4 under D2 by D1's office",
          a(od, ("POST", "/v1/regions/S4/move", {"parent": "D2"})),
          (403, "outside-region"))
        e("region_move: S4 under D1 by D1's office",
          a(od, ("POST", "/v1/regions/S4/move", {"parent": "D1"})), 201)
        e("community_place: C3 from S2 to S4 by D1's office",
          a(od, ("POST", "/v1/communities/C3/place", {"region": "S4"})),
          201)
        e("community_place: C3 back to S2 by D1's office",
          a(od, ("POST", "/v1/communities/C3/place", {"region": "S2"})),
          201)
        e("community_place: C4 of D2 by D1's office",
          a(od, ("POST", "/v1/communities/C4/place", {"region": "S2"})),
          (403, "outside-region"))
        e("community_place: C1 into a district",
          a(od, ("POST", "/v1/communities/C1/place", {"region": "D1"})),
          (422, "invalid-field"))
        e("station_add: an office of S2 by D1's office",
          a(od, ("POST", "/v1/stations", {"code": "OS2b", "name": "x",
                                          "role": "office", "region": "S2",
                                          "public_key":
                                          self.key("OS2b").pub()})), 201)
        e("station_add: an office of D1 by D1's office",
          a(od, ("POST", "/v1/stations", {"code": "OD1b", "name": "x",
                                          "role": "office", "region": "D1",
                                          "public_key":
                                          self.key("OD1b").pub()})),
          (403, "outside-region"))
        e("station_add: an admin by D1's office",
          a(od, ("POST", "/v1/stations", {"code": "AX", "name": "x",
                                          "role": "admin", "public_key":
                                          self.key("AX").pub()})),
          (403, "admin-only"))
        e("station_key_add: a key for the office of S2 by D1's office",
          a(od, ("POST", "/v1/stations/OS2/keys",
                 {"public_key": self.key("OS2k").pub()})), 201)
        e("station_revoke: the office of S1 by the office of S2",
          a(self.key("OS2"), ("POST", "/v1/stations/O1/revoke", {})),
          (403, "outside-region"))
        e("a station key: no --region report",
          a(self.st1, ("GET", "/v1/reports/monthly",
                       "month=%s&level=street&region=S1"
                       % self.now.strftime("%Y-%m"))),
          (403, "outside-region"))
        e("a district's office: a report by district of D2",
          a(od, ("GET", "/v1/reports/monthly",
                 "month=%s&level=district&region=D2"
                 % self.now.strftime("%Y-%m"))), (403, "outside-region"))
        e("a street's office: a report by district is above its street",
          a(self.o1, ("GET", "/v1/reports/monthly",
                      "month=%s&level=district"
                      % self.now.strftime("%Y-%m"))),
          (422, "invalid-field"))

    # -- 2: random trees ----------------------------------------------

    def tree(self):
        """The tree now, as the regions' list says, and where each
        community is, as the communities' list says."""
        regions = self.api.must(self.admin, "GET", "/v1/regions")["regions"]
        comms = self.api.must(self.admin, "GET",
                              "/v1/communities")["communities"]
        parent = {r["code"]: r["parent"] for r in regions}
        level = {r["code"]: r["level"] for r in regions}
        place = {c["code"]: c["region"] for c in comms}
        return parent, level, place

    def grow(self, round_):
        """Random districts, streets and communities with volunteers and
        shifts of this month and the year before it."""
        A = self.admin
        m = self.api.must
        rng = self.rng
        parent, level, place = self.tree()
        districts = ["R%dD%d" % (round_, i) for i in range(rng.randint(1, 3))]
        for d in districts:
            m(A, "POST", "/v1/regions", {"code": d, "name": "District " + d,
                                         "level": "district"})
        streets = [c for c, lv in level.items() if lv == "street"]
        alld = districts + [c for c, lv in level.items() if lv == "district"]
        for i in range(rng.randint(1, 5)):
            s = "R%dS%d" % (round_, i)
            m(A, "POST", "/v1/regions", {"code": s, "name": "Street " + s,
                                         "level": "street",
                                         "parent": rng.choice(alld)})
            streets.append(s)
        key = self.station("RS%d" % round_, "C5")
        for i in range(rng.randint(2, 6)):
            c = "R%dC%d" % (round_, i)
            body = {"code": c, "name": "Community " + c,
                    "population": rng.randint(5, 400)}
            if rng.random() < 0.85:
                body["region"] = rng.choice(streets)
            m(A, "POST", "/v1/communities", body)
            for j in range(rng.randint(0, 4)):
                num = "%sV%d" % (c, j)
                m(A, "POST", "/v1/volunteers", {"number": num, "name": num,
                                                "community": c})
                for k in range(rng.randint(0, 2)):
                    start = self.now - timedelta(hours=rng.randint(8, 400),
                                                 minutes=rng.randint(0, 59))
                    m(A, "POST", "/v1/shifts",
                      {"volunteer": num, "activity": "clean",
                       "started_at": start.isoformat(),
                       "ended_at": (start + timedelta(
                           minutes=rng.randint(15, 240))).isoformat()})
        del key

    def shake(self):
        """Moves: a street to another district, a community to another
        street, a rename."""
        A = self.admin
        parent, level, place = self.tree()
        streets = sorted(c for c, lv in level.items() if lv == "street")
        districts = sorted(c for c, lv in level.items() if lv == "district")
        for _ in range(3):
            s = self.rng.choice(streets)
            self.api.must(A, "POST", "/v1/regions/%s/move" % s,
                          {"parent": self.rng.choice(districts)})
            c = self.rng.choice(sorted(place))
            self.api.must(A, "POST", "/v1/communities/%s/place" % c,
                          {"region": self.rng.choice(streets)})
            self.api.must(A, "POST", "/v1/regions/%s/rename" % s,
                          {"name": "Renamed %d" % self.rng.randint(1, 999)})

    SUMS = ("population", "registered", "active", "minutes", "on_track",
            "points_issued", "points_redeemed", "gifts", "help_completed")

    def sum_rows(self, rows):
        total = {k: sum(Decimal(str(r[k])) for r in rows) for k in self.SUMS}
        total["communities"] = len(rows)
        return total

    def derived(self, s):
        """The columns a region's row computes from its sums."""
        pop, reg, mins = s["population"], s["registered"], s["minutes"]
        q = Decimal("0.01")
        return {
            "registration_share": None if pop == 0 else
            (Decimal(100) * reg / pop).quantize(q, "ROUND_HALF_UP"),
            "share_target_met": pop > 0 and Decimal(100) * reg / pop >= 13,
            "hours": (mins / Decimal(60)).quantize(q, "ROUND_HALF_UP"),
            "average_hours": Decimal("0.00") if reg == 0 else
            (mins / Decimal(60) / reg).quantize(q, "ROUND_HALF_UP"),
        }

    def levels_add_up(self, what, kind, period, scope=""):
        """Each level's rows: its communities' rows summed over the tree
        now (an open period reads the tree as it is)."""
        A = self.admin
        path = "/v1/reports/" + kind
        q = ("month=" if kind == "monthly" else "year=") + period
        parent, level, place = self.tree()
        base = self.api.must(A, "GET", path, query=q + "&level=community")
        crow = {r["code"]: r for r in base["rows"]}

        def ancestor(region, lv):
            while region is not None and level[region] != lv:
                region = parent[region]
            return region

        for lv in ("street", "district"):
            got = self.api.must(A, "GET", path, query=q + "&level=" + lv)
            want = {}
            for c, r in crow.items():
                want.setdefault(ancestor(place.get(c), lv), []).append(r)
            rows = {r["code"]: r for r in got["rows"]}
            bad = []
            codes = sorted(x for x, v in level.items() if v == lv)
            if sorted(k for k in rows if k is not None) != codes:
                bad.append("rows %s, regions %s" % (sorted(
                    k for k in rows if k is not None), codes))
            for code in codes + ([None] if None in want else []):
                members = want.get(code, [])
                s = self.sum_rows(members)
                d = self.derived(s)
                r = rows.get(code)
                if r is None:
                    bad.append("no row %s" % code)
                    continue
                for k, v in list(s.items()) + list(d.items()):
                    gv = r.get(k)
                    if isinstance(v, Decimal):
                        ok = gv is not None and Decimal(str(gv)) == v
                    else:
                        ok = gv == v
                    if not ok:
                        bad.append("%s %s: %s, want %s" % (code, k, gv, v))
                if code is not None and r.get("parent") != parent[code]:
                    bad.append("%s parent %s, want %s" % (
                        code, r.get("parent"), parent[code]))
            if None not in want and None in rows:
                bad.append("an unplaced row with every community placed")
            for k in self.SUMS:
                if Decimal(str(got["totals"][k])) != \
                        Decimal(str(base["totals"][k])):
                    bad.append("totals %s: %s, communities' %s" % (
                        k, got["totals"][k], base["totals"][k]))
            self.result(not bad, "%s: %s %s by %s is its communities' rows "
                        "summed over the tree" % (what, kind, period, lv),
                        "\n".join(bad[:12]))
        # A district's report of its streets: the district's row again.
        for d in sorted(x for x, v in level.items() if v == "district")[:2]:
            got = self.api.must(A, "GET", path, query=q + "&level=street"
                                "&region=" + d)
            top = self.api.must(A, "GET", path, query=q + "&level=district"
                                "&region=" + d)
            s = {k: sum(Decimal(str(r[k])) for r in got["rows"])
                 for k in self.SUMS}
            t = {k: Decimal(str(top["rows"][0][k])) for k in self.SUMS}
            self.result(s == t and [r["code"] for r in top["rows"]] == [d],
                        "%s: %s %s, the streets of %s add up to its row" % (
                            what, kind, period, d), "%s\n%s" % (s, t))

    def random_trees(self):
        ym = self.now.strftime("%Y-%m")
        for round_ in (1, 2):
            self.grow(round_)
            self.levels_add_up("tree %d" % round_, "monthly", ym)
            self.levels_add_up("tree %d" % round_, "annual",
                               str(self.now.year))
            self.shake()
            self.levels_add_up("tree %d moved" % round_, "monthly", ym)

    # -- 3: a closed month ------------------------------------------

    def closed_month(self):
        A = self.admin
        m = self.api.must
        first = self.now.replace(day=1, hour=0, minute=0)
        prev = (first - timedelta(days=1)).strftime("%Y-%m")
        start = first - timedelta(days=10) + timedelta(hours=9)
        for num in ("V1", "V1b", "V3"):
            m(A, "POST", "/v1/shifts", {"volunteer": num, "activity": "clean",
                                        "started_at": start.isoformat(),
                                        "ended_at": (start + timedelta(
                                            hours=2)).isoformat()})
        m(A, "POST", "/v1/months/%s/close" % prev, {})
        asks = []
        for lv in ("community", "street", "district", "volunteer"):
            asks.append((A, "month=%s&level=%s" % (prev, lv)))
            asks.append((A, "month=%s&level=%s&region=D1" % (prev, lv)))
            if lv != "district":
                asks.append((self.o1, "month=%s&level=%s" % (prev, lv)))
        before = [self.api.raw(k, "GET", "/v1/reports/monthly", q)
                  for k, q in asks]
        now_before = self.api.raw(A, "GET", "/v1/reports/monthly",
                                  "month=%s&level=street"
                                  % self.now.strftime("%Y-%m"))
        # C2 leaves S1 for S2, S1 moves to D2 and is renamed, a new street.
        m(A, "POST", "/v1/communities/C2/place", {"region": "S2"})
        m(A, "POST", "/v1/regions/S1/move", {"parent": "D2"})
        m(A, "POST", "/v1/regions/S1/rename", {"name": "First street"})
        m(A, "POST", "/v1/regions", {"code": "S9", "name": "Nine",
                                     "level": "street", "parent": "D1"})
        m(A, "POST", "/v1/communities/C1/place", {"region": "S9"})
        after = [self.api.raw(k, "GET", "/v1/reports/monthly", q)
                 for k, q in asks]
        for (k, q), b, a in zip(asks, before, after):
            self.result(b == a and b[0] == 200, "closed %s: %s by %s, byte "
                        "for byte the same after the moves" % (prev, q,
                                                               k.name),
                        "before %d %s\nafter  %d %s" % (
                            b[0], b[2][:300], a[0], a[2][:300]))
        now_after = self.api.raw(A, "GET", "/v1/reports/monthly",
                                 "month=%s&level=street"
                                 % self.now.strftime("%Y-%m"))
        rows = {r["code"]: r for r in json.loads(now_after[2])["rows"]}
        self.result(now_before[2] != now_after[2] and
                    rows.get("S1", {}).get("parent") == "D2" and
                    rows.get("S1", {}).get("name") == "First street" and
                    rows.get("S9", {}).get("communities") == 1,
                    "the open month's report shows the moves",
                    now_after[2][:400].decode("utf-8", "replace"))

    def run(self):
        try:
            self.setup()
            self.run_matrix()
            self.random_trees()
            self.closed_month()
        except Abort as e:
            self.result(False, "the check ran to its end", str(e))
        good = self.failed == 0
        print("%s - regions check, seed %d: %d checks, %d failed" % (
            "ok" if good else "not ok", self.seed, self.n, self.failed))
        return 0 if good else 1


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--server", required=True)
    p.add_argument("--admin-key", required=True)
    p.add_argument("--routes", required=True)
    p.add_argument("--seed", type=int, default=1)
    sys.exit(Check(p.parse_args()).run())


if __name__ == "__main__":
    main()
