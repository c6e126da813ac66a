#!/usr/bin/python3
"""Compare a workbook that `vpoints --format xlsx` wrote with the JSON
answer of the same request (`--json`), cell by cell, reading the workbook
with openpyxl (a reader that shares nothing with libxlsxwriter).

    xlsx_check.py list BOOK JSON CSV MEMBER[+MEMBER] [SHEET]
    xlsx_check.py record BOOK JSON CSV [SHEET]
    xlsx_check.py report BOOK JSON

A list sheet has a row of each object of the JSON's MEMBER (several joined
by +, in order; a string stands for an object of it under the CSV's first
column); a record sheet one row of the JSON object. The columns
and their order are those of the CSV header of the same request; a column
the JSON objects lack (one the client derives) is compared with the CSV.
A report has three sheets: its rows under the JSON's columns but minutes,
and a totals row; the new star levels; what it covers.

What a cell must hold, from its JSON value: nothing for null; a boolean; a
whole number; minutes ("minutes") as hours, a number shown with two
decimals; any other number, shown with two decimals when it is not whole;
an RFC 3339 time as the date and time it names in the programme's zone
(client/zone.h), shown to the minute; a list
of scalars as its items joined by ", "; an object as compact JSON; text as
it is. The header row is frozen and every heading is Chinese, each a
different one.

Prints one line per mismatch and a last line "N cells" with exit 0, or
exits 1.
"""
import csv
import datetime
import io
import json
import os
import re
import sys
import zoneinfo

import openpyxl

# The zone the client shows times in: the programme's (the tests' daemons
# run Asia/Shanghai), unless VPOINTS_CHECK_ZONE names another.
ZONE = zoneinfo.ZoneInfo(os.environ.get("VPOINTS_CHECK_ZONE", "Asia/Shanghai"))

RFC3339 = re.compile(
    r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d(?:\.\d+)?)(Z|[+-]\d\d:\d\d)$")
CJK = re.compile("[\u3400-\u9fff]")
REPORT_ABOUT = ["kind", "period", "level", "community", "from", "to",
                "timezone", "hours_per_year", "registration_share"]
STAR_COLUMNS = ["volunteer", "name", "community", "stars", "hours"]

problems = []
cells = 0


def text_of(value):
    """A JSON value as the client writes a list's item or a CSV field."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


def expected(key, value):
    """(the value a cell must hold, its number format or None)."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return value, None
    if isinstance(value, int):
        if key == "minutes":
            return value / 60, "0.00"
        return value, None
    if isinstance(value, float):
        return value, "0.00"
    if isinstance(value, str):
        m = RFC3339.match(value)
        if m:
            sec = float(m.group(6))
            given = (datetime.datetime(*map(int, m.groups()[:5]))
                     + datetime.timedelta(seconds=sec))
            offset = datetime.timedelta() if m.group(7) == "Z" else (
                (-1 if m.group(7)[0] == "-" else 1) * datetime.timedelta(
                    hours=int(m.group(7)[1:3]), minutes=int(m.group(7)[4:6])))
            at = given.replace(tzinfo=datetime.timezone(offset))
            return (at.astimezone(ZONE).replace(tzinfo=None),
                    "yyyy-mm-dd hh:mm")
        return value, None
    if isinstance(value, list) and all(
            not isinstance(v, (dict, list)) for v in value):
        return ", ".join(text_of(v) for v in value), None
    return text_of(value), None


def same(want, got):
    if isinstance(want, bool) or isinstance(got, bool):
        return type(want) is type(got) and want == got
    if isinstance(want, (int, float)) and isinstance(got, (int, float)):
        return abs(want - got) < 1e-9 * max(1, abs(want))
    if isinstance(want, datetime.datetime) and isinstance(
            got, datetime.datetime):
        return abs((want - got).total_seconds()) < 0.002
    return want == got


def check_cell(where, cell, want, fmt):
    global cells
    cells += 1
    got = cell.value
    if want == "" and got is None:
        return
    if not same(want, got):
        problems.append(f"{where}: {got!r}, want {want!r}")
    elif fmt is not None and cell.number_format != fmt:
        problems.append(f"{where}: shown as {cell.number_format!r}, "
                        f"want {fmt!r}")


def check_header(name, ws, ncols):
    if ws.freeze_panes != "A2":
        problems.append(f"{name}: frozen at {ws.freeze_panes}, want A2")
    headings = [c.value for c in ws[1]]
    if len(headings) != ncols:
        problems.append(f"{name}: {len(headings)} headings, want {ncols}")
    for i, h in enumerate(headings):
        if not isinstance(h, str) or not CJK.search(h):
            problems.append(f"{name}: heading {i + 1} {h!r} is not Chinese")
    if len(set(headings)) != len(headings):
        problems.append(f"{name}: headings repeat: {headings}")


def check_rows(name, ws, keys, rows, csv_rows=None, first_row=2,
               first_column=1):
    """Rows of ws from first_row hold rows (dicts) under keys, from
    first_column on."""
    for r, obj in enumerate(rows):
        for c, key in enumerate(keys):
            cell = ws.cell(row=first_row + r, column=first_column + c)
            where = f"{name}!{cell.coordinate} ({key})"
            if key in obj:
                want, fmt = expected(key, obj[key])
            elif csv_rows is not None:
                want, fmt = csv_rows[r][c], None
            else:
                want, fmt = None, None
            check_cell(where, cell, "" if want is None else want, fmt)


FORMULA = re.compile(r"^'[=+\-@\t\r]")


def read_csv(path):
    """The CSV's rows, each field as the client had it before the CSV
    defused it: a field that starts with ' and then =, +, -, @, a tab or
    a CR (common/csv.c) loses the '; a workbook's cell is text anyway."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [[x[1:] if FORMULA.match(x) else x for x in row]
                for row in csv.reader(f)]


def sheet(book, index):
    if index >= len(book.worksheets):
        problems.append(f"no sheet {index + 1}: {book.sheetnames}")
        sys.exit(report())
    return book.worksheets[index]


def check_table(book, answer, csv_path, member, index):
    table = read_csv(csv_path)
    keys, csv_rows = table[0], table[1:]
    if member is None:
        rows = [answer]
    else:
        rows = [o if isinstance(o, dict) else {keys[0]: o}
                for m in member.split("+") for o in answer[m]]
    ws = sheet(book, index)
    name = ws.title
    check_header(name, ws, len(keys))
    if ws.max_row != len(rows) + 1:
        problems.append(f"{name}: {ws.max_row - 1} rows, want {len(rows)}")
    if len(csv_rows) != len(rows):
        problems.append(f"CSV: {len(csv_rows)} rows, want {len(rows)}")
        csv_rows = None
    check_rows(name, ws, keys, rows, csv_rows)


def check_report(book, report):
    keys = [k for k in report["columns"] if k not in ("minutes", "minutes_ytd")]
    if len(book.worksheets) != 3:
        problems.append(f"{len(book.worksheets)} sheets, want 3")
    ws = sheet(book, 0)
    check_header(ws.title, ws, len(keys))
    rows = report["rows"]
    if ws.max_row != len(rows) + 2:
        problems.append(f"{ws.title}: {ws.max_row} rows, want "
                        f"{len(rows) + 2} (header, rows, totals)")
    check_rows(ws.title, ws, keys, rows)
    total = len(rows) + 2
    check_cell(f"{ws.title}!A{total}", ws.cell(row=total, column=1),
               "合计", None)
    totals = dict(report["totals"])
    totals.pop(keys[0], None)
    check_rows(ws.title, ws, keys[1:], [totals], None, total, 2)
    ws = sheet(book, 1)
    check_header(ws.title, ws, len(STAR_COLUMNS))
    levels = report["new_star_levels"]
    if ws.max_row != len(levels) + 1:
        problems.append(f"{ws.title}: {ws.max_row - 1} rows, want "
                        f"{len(levels)}")
    check_rows(ws.title, ws, STAR_COLUMNS, levels)
    ws = sheet(book, 2)
    check_header(ws.title, ws, len(REPORT_ABOUT))
    about = dict(report)
    about.update(report["targets"])
    check_rows(ws.title, ws, REPORT_ABOUT, [about])


def report():
    for p in problems[:40]:
        print(p)
    if problems:
        print(f"{len(problems)} mismatches in {cells} cells")
        return 1
    print(f"{cells} cells")
    return 0


def main():
    kind, book_path, json_path = sys.argv[1:4]
    book = openpyxl.load_workbook(book_path)
    with open(json_path, encoding="utf-8") as f:
        answer = json.load(f)
    if kind == "report":
        check_report(book, answer)
    elif kind == "list":
        check_table(book, answer, sys.argv[4], sys.argv[5],
                    int(sys.argv[6]) if len(sys.argv) > 6 else 0)
    elif kind == "record":
        check_table(book, answer, sys.argv[4], None,
                    int(sys.argv[5]) if len(sys.argv) > 5 else 0)
    else:
        sys.exit(f"usage: {sys.argv[0]} list|record|report ...")
    return report()


if __name__ == "__main__":
    sys.exit(main())
