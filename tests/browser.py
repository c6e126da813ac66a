#!/usr/bin/python3
"""The browser console in a real browser: headless Chromium driven by
Selenium against a real vpointsd (tests/e2e/browser.sh starts it). One
browser session:

 1. the page's signer (console/sig.js) reproduces RFC 9421 Appendix
    B.2.6, its signature base and signature byte for byte, from the
    inputs tests/unit/test_sig.c gives common/sig.c (the fixed test key
    is imported, extractable, by this harness only);
 2. the page makes its key; the command line enrols its JWK; the page
    registers a volunteer, checks in and out by a number typed into the
    focused field as a scanner types it (keys, then Enter), redeems with
    a receipt, is refused a redemption in a Chinese sentence with the
    numbers, and runs a report; each result is checked with the
    command-line client, not only on the page; downloads the report as
    XLSX and reads it with openpyxl; signs up and cancels from the event
    board, and lifts a no-show block there; no console error;
 3. with SHOTS=DIR, screenshots of the main screens at 1366x768.

Each check prints "ok<TAB>description" or "fail<TAB>description"; the
shell turns them into TAP.
"""
import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime

from selenium import webdriver
from selenium.common.exceptions import (NoSuchElementException,
                                        StaleElementReferenceException,
                                        TimeoutException)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

failed = 0


def result(good, desc, diag=""):
    global failed
    print("%s\t%s" % ("ok" if good else "fail", desc))
    if not good:
        failed += 1
        for line in str(diag).splitlines():
            print("#   " + line)
    sys.stdout.flush()


def is_(desc, got, want):
    result(got == want, desc, "got:      %r\nexpected: %r" % (got, want))


def like(desc, got, part):
    result(part in got, desc, "got:      %r\nexpected to contain: %r" %
           (got, part))


def c_macros(path):
    """The string macros of a C file: #define NAME "..." "..." OTHER,
    concatenated, escapes undone, earlier macros expanded."""
    text = open(path, encoding="utf-8").read().replace("\\\n", " ")
    macros = {}
    for m in re.finditer(r"^#define\s+(\w+)\s+(.*)$", text, re.M):
        out, ok = "", True
        for tok in re.finditer(r'"((?:[^"\\]|\\.)*)"|(\w+)', m.group(2)):
            if tok.group(1) is not None:
                out += tok.group(1).encode().decode("unicode_escape")
            elif tok.group(2) in macros:
                out += macros[tok.group(2)]
            else:
                ok = False
        if ok:
            macros[m.group(1)] = out
    return macros


class Desk:
    """The browser, the daemon's address and the command-line client."""

    def __init__(self, a):
        self.a = a
        self.base = "http://localhost:%d/vpoints/console/" % a.port
        opts = webdriver.ChromeOptions()
        opts.binary_location = a.chromium
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", "--window-size=1366,768",
                    "--lang=zh-CN", "--no-first-run",
                    "--user-data-dir=" + a.profile):
            opts.add_argument(arg)
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        # Downloads go to a folder of the test, unasked.
        self.downloads = os.path.join(a.tmp, "downloads")
        os.makedirs(self.downloads, exist_ok=True)
        opts.add_experimental_option("prefs", {
            "download.default_directory": self.downloads,
            "download.prompt_for_download": False})
        self.d = webdriver.Chrome(service=Service(a.chromedriver),
                                  options=opts)
        self.d.set_script_timeout(30)
        self.d.execute_cdp_cmd("Page.setDownloadBehavior", {
            "behavior": "allow", "downloadPath": self.downloads})
        self.logs = []

    def vp(self, *args, ok=True):
        """The vpoints client, as the admin; its standard output."""
        p = subprocess.run([self.a.vpoints, "--server",
                            "http://127.0.0.1:%d" % self.a.port] +
                           list(args), capture_output=True, text=True)
        if ok and p.returncode != 0:
            raise RuntimeError("vpoints %s: %s" % (" ".join(args), p.stderr))
        return p.stdout

    def vpj(self, *args):
        return json.loads(self.vp("--json", *args))

    def wait(self, cond, what, timeout=15):
        try:
            return WebDriverWait(self.d, timeout).until(lambda d: cond())
        except TimeoutException:
            result(False, "waiting for " + what, self.notice())
            return None

    def focused(self, id_, timeout=15):
        """The id of the element with the focus, once it is id_ or the
        timeout passed: a screen sets the focus after it has drawn, so the
        field may exist a moment before it has the focus."""
        try:
            WebDriverWait(self.d, timeout).until(
                lambda d: d.switch_to.active_element.get_attribute("id") == id_)
        except TimeoutException:
            pass
        return self.d.switch_to.active_element.get_attribute("id")

    def css(self, sel):
        return self.d.find_element(By.CSS_SELECTOR, sel)

    def notice(self):
        return self.d.find_element(By.ID, "notice").text

    def ready(self):
        """Open the console and wait until it has started."""
        self.d.get(self.base)
        self.wait(lambda: self.d.execute_script(
            "return document.body.dataset.ready"), "the console to start")

    def go(self, hash_, sel):
        """Open a screen and wait for sel, and for the cursor in the
        screen's first field once it is there (a scan types into it)."""
        self.d.get(self.base + hash_)
        self.wait(lambda: self.d.find_elements(By.CSS_SELECTOR, sel),
                  "screen " + hash_)
        self.wait(lambda: self.d.execute_script(
            "const f = document.querySelector('#main [autofocus]');"
            " return f === null || document.activeElement === f;"),
            "the cursor in screen " + hash_)

    def scan(self, text):
        """Type into the focused field as a USB scanner does: the
        characters, then Enter."""
        act = webdriver.ActionChains(self.d)
        act.send_keys(text + Keys.ENTER).perform()

    def notice_has(self, part, what):
        got = self.wait(lambda: part in self.notice(), what)
        return got is not None

    def collect_logs(self):
        self.logs += self.d.get_log("browser")

    def shot(self, name):
        if self.a.shots:
            self.d.save_screenshot(os.path.join(self.a.shots, name + ".png"))


def click_text(d, sel, text):
    """Click the element of sel whose text is text; False while there is
    none, or while the page redraws it under the click."""
    try:
        for el in d.find_elements(By.CSS_SELECTOR, sel):
            if el.text == text:
                el.click()
                return True
    except StaleElementReferenceException:
        pass
    return False


def click_enabled(d, id_):
    """Click element id_ once it is enabled; False while it is not, or
    while the page redraws it."""
    try:
        el = d.find_element(By.ID, id_)
        if el.is_enabled():
            el.click()
            return True
    except (StaleElementReferenceException, NoSuchElementException):
        pass
    return False


def texts(d, sel):
    """The texts of the elements of sel; None while the page redraws."""
    try:
        return [el.text for el in d.find_elements(By.CSS_SELECTOR, sel)]
    except StaleElementReferenceException:
        return None


def gone(d, sel, text):
    """Whether no element of sel shows text (not while the page redraws)."""
    t = texts(d, sel)
    return t is not None and text not in t


def zbar(desk, sel, name):
    """What zbarimg reads from the QR code the page drew at sel."""
    path = os.path.join(desk.a.tmp, name + ".png")
    # Four pixels a module, as a printer gives it at least.
    desk.d.execute_script("""
        const svg = document.querySelector(arguments[0]);
        const n = svg.viewBox.baseVal.width * 4 + 'px';
        svg.style.width = n;
        svg.style.height = n;
        svg.scrollIntoView();""", sel)
    desk.css(sel).screenshot(path)
    p = subprocess.run(["zbarimg", "--raw", "-q", "--nodbus",
                        "-Sdisable", "-Sqrcode.enable", path],
                       capture_output=True, text=True)
    return p.stdout.rstrip("\n")


def d_fetch_header(desk, name):
    """A header of the console's page as the browser received it."""
    return desk.d.execute_async_script("""
        const done = arguments[arguments.length - 1];
        fetch('./', { cache: 'no-store' }).then((r) =>
            done(r.headers.get(arguments[0]) || ''), (e) => done(String(e)));
    """, name)


def signer_vector(desk):
    """RFC 9421 B.2.6 by console/sig.js, from test_sig.c's inputs."""
    m = c_macros(desk.a.test_sig)
    got = desk.d.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const [pem, created, keyid] = arguments;
        (async () => {
            const sig = await import('./sig.js');
            const key = await crypto.subtle.importKey('pkcs8',
                sig.unb64(pem), { name: 'Ed25519' }, true, ['sign']);
            const components = ['date', '@method', '@path', '@authority',
                'content-type', 'content-length'];
            const params = sig.serializeParams(components,
                { created, keyid });
            const req = { method: 'POST', authority: 'example.com',
                path: '/foo', query: 'param=Value&Pet=dog', headers: {
                date: 'Tue, 20 Apr 2021 02:07:55 GMT',
                'content-type': 'application/json',
                'content-length': '18' } };
            const base = sig.signatureBase(req, components, params);
            const s = await sig.signBase(key, base);
            const digest = await sig.contentDigest(
                new TextEncoder().encode('{"hello": "world"}'));
            return { params, base, signature: sig.b64(s), digest };
        })().then(done, (e) => done({ error: String(e) }));
    """, m["RFC_PRIVATE_PEM"], 1618884473, "test-key-ed25519")
    if "error" in got:
        result(False, "the signer ran", got["error"])
        return
    is_("B.2.6: @signature-params as common/sig.c", got["params"],
        m["B26_PARAMS"])
    is_("B.2.6: the signature base, byte for byte", got["base"],
        m["B26_BASE"])
    is_("B.2.6: the Ed25519 signature", got["signature"],
        m["B26_SIGNATURE"])
    is_("Content-Digest of RFC 9530's example body", got["digest"],
        "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:")


def sentences(desk):
    """Refusals said from their type and RFC 9457 members (console/i18n.js):
    the problem's members win over what the page knew of its request."""
    got = desk.d.execute_async_script("""
        const done = arguments[arguments.length - 1];
        import('./i18n.js').then((i) => {
            const p = { type: 'urn:vpoints:problem:insufficient-points',
                status: 409, detail: 'V9 has 3 points; 2 x Towel costs 30.',
                volunteer: 'V9', balance: 3, quantity: 2,
                item_name: '毛巾', cost: 30 };
            done([i.say(p, { balance: 99 }),
                i.say({ type: 'urn:vpoints:problem:signature-too-old',
                    status: 401 }),
                i.say({ type: 'urn:vpoints:problem:teapot', status: 418,
                    detail: 'Short and stout.' })]);
        }, (e) => done(String(e)));
    """)
    is_("a refusal's members make its sentence, over the page's context",
        got[0] if isinstance(got, list) else got,
        "V9 现有 3 积分；2 × 毛巾 需要 30 积分。")
    is_("a clock refusal says what to do",
        got[1] if isinstance(got, list) else got,
        "本机时钟误差过大，请校准时间后重试。")
    is_("a type the console does not know: the status and the detail",
        got[2] if isinstance(got, list) else got,
        "请求被拒绝（418）。 Short and stout.")


def daily_job(desk, a):
    d = desk.d
    # The key: made by the page, enrolled by the command line.
    desk.go("#key", "#make-key")
    d.find_element(By.ID, "make-key").click()
    desk.wait(lambda: d.find_elements(By.ID, "jwk"), "the public key")
    desk.shot("key")
    jwk = json.loads(d.find_element(By.ID, "jwk").text)
    keyid = d.find_element(By.ID, "keyid").text
    is_("the page's key is an Ed25519 JWK with no private part",
        sorted(jwk), ["crv", "kty", "x"])
    extractable = d.execute_async_script("""
        const done = arguments[arguments.length - 1];
        import('./keys.js').then((k) => k.load()).then((key) =>
            done([key.privateKey.extractable, key.privateKey.type,
            key.privateKey.algorithm.name]), (e) => done(String(e)));
    """)
    is_("its private key is kept non-extractable", extractable,
        [False, "private", "Ed25519"])
    path = os.path.join(a.tmp, "station.jwk")
    with open(path, "w") as f:
        json.dump(jwk, f)
    out = desk.vp("station", "add", "S01", "--name", "Desk",
                  "--community", "C01", "--pubkey", path)
    like("vpoints station add --pubkey takes the JWK: the same key id",
         out, keyid)
    desk.vp("catalog", "add", "T1", "--name", "毛巾", "--category", "gift",
            "--price", str(a.price), "--stock", str(a.stock), "--station",
            "S01")

    # Register a volunteer.
    desk.go("#volunteers", "#register")
    d.find_element(By.ID, "r-number").send_keys("V001")
    d.find_element(By.ID, "r-name").send_keys("张三")
    d.find_element(By.ID, "r-consent").click()
    d.find_element(By.ID, "r-phone").send_keys("13800000000")
    d.find_element(By.CSS_SELECTOR, "#register button").click()
    desk.wait(lambda: d.find_elements(By.ID, "facts"), "the volunteer page")
    v = desk.vpj("volunteer", "show", "V001")
    is_("registered in the ledger", (v["name"], v["consent"], v["phone"]),
        ("张三", True, "13800000000"))

    # The check-in board: a scan checks in, a scan checks out.
    desk.vp("volunteer", "add", "V002", "--name", "李四",
            "--community", "C01")
    desk.vp("--key", a.station_key, "shift", "checkin", "V002", "--activity", "A1", "--start",
            a.start)
    desk.go("#checkin", "#scan")
    is_("the scan field has the focus",
        desk.focused("scan"), "scan")
    desk.wait(lambda: "李四" in d.find_element(By.ID, "board").text,
              "the board")
    like("the board shows the check-in another desk made", d.find_element(
        By.ID, "board").text, "V002")
    desk.scan("V001")
    desk.notice_has("已签到", "the check-in")
    opened = desk.vpj("shift", "list", "V001")["open"]
    is_("a scan of V001 opened a check-in", len(opened), 1)
    board = desk.vpj("--key", a.station_key, "shift", "open")["checkins"]
    is_("vpoints shift open at the other desk lists both, oldest first",
        [(c["volunteer"], c["name"]) for c in board],
        [("V002", "李四"), ("V001", "张三")])
    desk.wait(lambda: "V001" in (texts(d, "#board td") or []),
              "the board after the scan")
    desk.scan("V002")
    desk.notice_has("已签退", "the check-out")
    desk.shot("checkin")
    s = desk.vpj("shift", "list", "V002")
    is_("a scan of V002 checked it out", (len(s["open"]),
        s["shifts"][0]["status"] if s["shifts"] else None),
        (0, "recorded"))
    like("... its minutes and points on the page", desk.notice(),
         "%d 分钟" % s["shifts"][0]["minutes"])

    # Redeem with a receipt; the stock and the balance move.
    points = desk.vpj("balance", "V002")["points"]
    desk.go("#redeem/V002", "#redeem")
    desk.wait(lambda: "V002" in d.find_element(By.ID, "who").text,
              "the volunteer's balance")
    Select(d.find_element(By.ID, "r-item")).select_by_value("T1")
    d.find_element(By.ID, "redeem-go").click()
    desk.wait(lambda: d.find_elements(By.ID, "receipt"), "the receipt")
    receipt = d.find_element(By.ID, "receipt").text
    after = desk.vpj("balance", "V002")["points"]
    is_("the ledger took the price", points - after, a.price)
    like("the receipt shows the balance left", receipt, str(after))
    items = desk.vpj("catalog", "list", "--station", "S01")["items"]
    is_("the stock dropped", [i["stock"] for i in items if
                              i["code"] == "T1"], [a.stock - 1])
    # The receipt on a 58 mm roll: alone, 54 mm wide.
    d.execute_script("document.body.dataset.print = '58'")
    d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    width = d.execute_script(
        "return [document.getElementById('receipt').getBoundingClientRect()"
        ".width, getComputedStyle(document.querySelector('.bar')).display]")
    d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    result(abs(width[0] - 54 * 96 / 25.4) < 2 and width[1] == "none",
           "printed, the receipt is 54 mm wide and alone", width)
    desk.shot("redeem")

    # A refusal in Chinese, with its numbers; nothing changed.
    d.find_element(By.ID, "redeem-go").click()
    desk.wait(lambda: "积分" in desk.notice() and "需要" in desk.notice(),
              "the refusal")
    want = "V002 现有 %d 积分；1 × 毛巾 需要 %d 积分。" % (after, a.price)
    is_("a refused redemption is said in Chinese with its numbers",
        desk.notice(), want)
    is_("... and the ledger is as it was",
        desk.vpj("balance", "V002")["points"], after)

    # Void the redemption: the points and the stock come back.
    d.find_element(By.ID, "void-reason").send_keys("登记错误" + Keys.ENTER)
    desk.notice_has("已作废", "the void")
    is_("voided: the balance is back", desk.vpj("balance", "V002")["points"],
        points)
    items = desk.vpj("catalog", "list", "--station", "S01")["items"]
    is_("... and the stock", [i["stock"] for i in items if
                              i["code"] == "T1"], [a.stock])

    # Restock from the catalogue screen (the number asked in a prompt).
    desk.go("#catalog", "#catalog-add")
    desk.wait(lambda: d.find_elements(By.CSS_SELECTOR,
                                      "#catalog-list tbody button"),
              "the catalogue")
    d.find_element(By.CSS_SELECTOR, "#catalog-list tbody button").click()
    alert = d.switch_to.alert
    alert.send_keys("3")
    alert.accept()
    desk.notice_has("库存 %d" % (a.stock + 3), "the restock")
    items = desk.vpj("catalog", "list", "--station", "S01")["items"]
    is_("restocked in the ledger", [i["stock"] for i in items if
                                    i["code"] == "T1"], [a.stock + 3])
    desk.shot("catalog")

    # The report, on screen as the command line has it.
    desk.go("#report", "#report-form")
    d.execute_script("document.getElementById('period').value = "
                     "arguments[0]", a.month)
    Select(d.find_element(By.ID, "level")).select_by_value("volunteer")
    d.find_element(By.ID, "report-go").click()
    desk.wait(lambda: d.find_elements(By.CSS_SELECTOR,
                                      "#report-table tbody tr"),
              "the report")
    rows = desk.vpj("report", "monthly", "--month", a.month, "--level",
                    "volunteer")["rows"]
    want = [[str(r["minutes"]), "%.2f" % r["hours"]] for r in rows
            if r["number"] == "V002"]
    cells = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")]
             for tr in d.find_elements(By.CSS_SELECTOR,
                                       "#report-table tbody tr")]
    got = [c[3:5] for c in cells if c and c[0] == "V002"]
    is_("the monthly report shows V002's minutes and hours as the client "
        "does", got, want)
    result(len(d.find_elements(By.CSS_SELECTOR, ".chart rect")) ==
           min(len(rows), 15), "a bar for each volunteer")
    csv = d.execute_async_script("""
        const done = arguments[arguments.length - 1];
        import('./api.js').then((api) => api.get('/v1/reports/monthly',
            { month: arguments[0], level: 'volunteer' }, 'text/csv'))
            .then(done, (e) => done(String(e)));
    """, a.month)
    cli = desk.vp("--csv", "--no-bom", "report", "monthly", "--month",
                  a.month, "--level", "volunteer")
    is_("the page's signed CSV is the client's",
        csv.replace("\r\n", "\n"), cli.replace("\r\n", "\n"))
    xlsx(desk, a)
    desk.shot("report")

    # Consent withdrawn on the volunteer's page: the phone is erased.
    desk.go("#volunteer/V001", "#update")
    d.find_element(By.ID, "u-consent").click()
    d.find_element(By.CSS_SELECTOR, "#update button").click()
    d.switch_to.alert.accept()
    desk.notice_has("已更新", "the update")
    v = desk.vpj("volunteer", "show", "V001")
    is_("consent withdrawn in the ledger, the phone erased",
        (v["consent"], "phone" in v), (False, False))

    # A certificate with its QR code, and a card: what a scanner reads.
    desk.go("#print", "#cert-form")
    is_("the certificate's volunteer field has the focus",
        desk.focused("cert-volunteer"), "cert-volunteer")
    desk.scan("V002")
    desk.wait(lambda: d.find_elements(By.CSS_SELECTOR,
                                      "#certificate svg.qr"),
              "the certificate")
    number = re.search(r"C-\d{4}-\d+", d.find_element(
        By.ID, "certificate").text)
    desk.shot("certificate")
    jws = zbar(desk, "#certificate svg.qr", "cert")
    path = os.path.join(a.tmp, "scanned.jws")
    with open(path, "w") as f:
        f.write(jws)
    pub = os.path.join(a.tmp, "public-key.json")
    with open(pub, "w") as f:
        f.write(urllib.request.urlopen(
            "http://127.0.0.1:%d/v1/public-key" % a.port).read().decode())
    out = desk.vp("certificate", "verify", path, "--pubkey", pub, ok=False)
    like("the certificate's QR code holds a JWS the client verifies",
         out, number.group(0) if number else "(no number on the page)")
    desk.go("#print", "#card-form")
    d.find_element(By.ID, "card-numbers").send_keys("V001, V002" +
                                                      Keys.ENTER)
    desk.wait(lambda: len(d.find_elements(By.CSS_SELECTOR,
                                          "#cards svg.qr")) == 2, "the cards")
    desk.shot("cards")
    is_("a card's QR code holds the number alone",
        zbar(desk, "#cards .card:nth-child(2) svg.qr", "card"), "V002")

    # English is a switch away; Chinese is the default.
    desk.go("#volunteer/V002", "#facts")
    desk.shot("volunteer")
    d.find_element(By.ID, "lang").click()
    desk.wait(lambda: "Service hours" in d.find_element(
        By.TAG_NAME, "main").text, "the page in English")
    like("English: the navigation", d.find_element(By.ID, "nav").text,
         "Check-in board")
    d.find_element(By.ID, "lang").click()
    desk.wait(lambda: "签到台" in d.find_element(By.ID, "nav").text,
              "Chinese again")
    # Points for help: asked, accepted, completed from the board.
    desk.vp("volunteer", "add", "V004", "--name", "赵六", "--community",
            "C01")
    desk.go("#help", "#help-new")
    d.find_element(By.ID, "h-requester").send_keys("V002")
    d.find_element(By.ID, "h-points").send_keys("2")
    d.find_element(By.ID, "h-description").send_keys("买菜" + Keys.ENTER)
    desk.notice_has("已发布", "the help request")
    for verb, answer in (("接受", "V004"), ("完成", "30")):
        desk.wait(lambda: click_text(d, "#help-board button", verb),
                  "the button " + verb)
        alert = d.switch_to.alert
        alert.send_keys(answer)
        alert.accept()
        desk.notice_has("互助请求", verb)
        desk.wait(lambda: gone(d, "#help-board button", verb),
                  "the board after " + verb)
    done = desk.vpj("help", "list", "--status", "completed")
    is_("the help request is completed in the ledger: V004 helped",
        [(r["requester"], r["helper"], r["points"]) for r in
         done["help_requests"]], [("V002", "V004", 2)])
    is_("... and was paid the points", desk.vpj("balance", "V004")["points"],
        2)
    desk.shot("help")


def xlsx(desk, a):
    """The XLSX the page writes, read by openpyxl: the JSON report's
    rows, numbers as numbers, hours shown with two decimals, the header
    row frozen."""
    import openpyxl
    name = "vpoints-monthly-%s-volunteer.xlsx" % a.month
    path = os.path.join(desk.downloads, name)
    desk.d.find_element(By.ID, "report-xlsx").click()
    desk.wait(lambda: os.path.exists(path) and os.path.getsize(path) > 0,
              "the XLSX download")
    if not os.path.exists(path):
        return
    report = desk.vpj("report", "monthly", "--month", a.month, "--level",
                      "volunteer")
    ws = openpyxl.load_workbook(path).active
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    cols = [c for c in report["columns"]]
    head = cells[0] if cells else []
    is_("the XLSX's header row: the report's columns, in Chinese",
        head[:2], ["志愿者编号", "名称"])
    got = [dict(zip(cols, row)) for row in cells[1:]]
    want = [{c: r.get(c) for c in cols} for r in report["rows"]]
    is_("the XLSX's rows are the JSON report's, numbers as numbers",
        [{c: g.get(c) for c in ("number", "minutes", "hours", "balance")}
         for g in got],
        [{c: w.get(c) for c in ("number", "minutes", "hours", "balance")}
         for w in want])
    fmt = [ws.cell(row=i + 2, column=cols.index("hours") + 1).number_format
           for i in range(len(got))]
    is_("hours are shown with two decimals", set(fmt), {"0.00"})
    is_("the header row is frozen", ws.freeze_panes, "A2")


def signup_rows(d):
    """The first three cells of the rows of an event's sign-ups; [] while
    the page redraws."""
    try:
        return [[td.text for td in tr.find_elements(By.TAG_NAME, "td")][:3]
                for tr in d.find_elements(By.CSS_SELECTOR,
                                          "#signup-table tbody tr")]
    except StaleElementReferenceException:
        return []


def event_board(desk, a):
    """An event of one place: two volunteers sign up from the board (a
    place, a wait), the first cancels, the second takes the place. The
    cancellation deadline is past, so the cancel is late, a no-show, and
    (noshow_limit = 1) the first is refused the next sign-up until the
    block is lifted from the board."""
    d = desk.d
    ev = desk.vpj("event", "add", "--activity", "A1", "--title", "路口引导",
                  "--place", "人民路口", "--start", a.event_day + " 09:00",
                  "--end", a.event_day + " 11:00", "--places", "1",
                  "--cancel-by", a.start, "--community", "C01")["events"][0]["id"]
    desk.go("#board/from/" + a.event_day, "#board-form")
    if desk.wait(lambda: click_text(d, "a.event", "路口引导"),
                 "the event") is None:
        print("# " + d.find_element(By.ID, "main").text.replace("\n", " | "))
        print("# " + json.dumps(d.execute_async_script("""
            const done = arguments[arguments.length - 1];
            import('./api.js').then((api) => api.get('/v1/events',
                { from: arguments[0] })).then(done, (e) => done(String(e)));
        """, a.event_day), ensure_ascii=False))
    desk.wait(lambda: d.find_elements(By.ID, "signup-scan"),
              "the event's page")
    is_("the sign-up field has the focus",
        desk.focused("signup-scan"), "signup-scan")
    desk.scan("V001")
    desk.notice_has("获得名额", "the first sign-up")
    desk.wait(lambda: "V001" in (texts(d, "#signup-table td") or []),
              "the sign-ups after the first")
    desk.scan("V002")
    desk.notice_has("候补第 1 位", "the second sign-up")
    desk.wait(lambda: "V002" in (texts(d, "#signup-table td") or []),
              "the sign-ups after the second")
    rows = signup_rows(d)
    is_("the board: V001 has the place, V002 waits first",
        rows, [["", "V001", "已获名额"], ["1", "V002", "候补"]])
    like("... the event's numbers", d.find_element(By.ID,
         "event-facts").text, "已报名 1 个，空余 0 个，候补 1 人")
    desk.shot("board")
    desk.wait(lambda: click_text(d, "#signup-table button.signup-cancel",
                                 "取消"), "the cancel button")
    desk.notice_has("递补", "the cancel")
    like("the page says who took the place", desk.notice(), "V002")
    signups = desk.vpj("signup", "list", "--event", str(ev))["signups"]
    s = {x["volunteer"]: x["state"] for x in signups}
    is_("vpoints signup list: V001 cancelled late, V002 promoted to the "
        "place", s, {"V001": "late", "V002": "place"})
    like("... the page says the late cancel is a no-show", desk.notice(),
         "记为一次爽约")
    # A refused sign-up is said as a sentence: V002 has a place already.
    desk.wait(lambda: ["", "V002", "已获名额"] in signup_rows(d),
              "the board redrawn: V002 has the place")
    desk.scan("V002")
    desk.wait(lambda: "已报名活动" in desk.notice(), "the refusal")
    is_("a refused sign-up is a Chinese sentence", desk.notice(),
        "志愿者 V002 已报名活动 %s（路口引导）：报名 %s。" % (ev, "".join(
            str(x["id"]) for x in signups if x["volunteer"] == "V002")))
    # V001's no-show blocks it; the board lifts the block, then it waits.
    desk.scan("V001")
    desk.wait(lambda: d.find_elements(By.ID, "unblock"),
              "the button that lifts the block")
    like("a blocked sign-up says the no-shows and the limit", desk.notice(),
         "志愿者 V001 近 90 天内未到 1 次（上限 1 次）")
    d.find_element(By.ID, "unblock").click()
    alert = d.switch_to.alert
    alert.send_keys("已说明原因")
    alert.accept()
    desk.notice_has("限制已解除", "the block lifted")
    is_("vpoints signup list: V001 is no longer blocked",
        desk.vpj("signup", "list", "--volunteer", "V001").get("blocked"),
        False)
    desk.scan("V001")
    desk.notice_has("候补第 1 位", "the sign-up after the block")
    is_("... and V001 waits for the place", [x["state"] for x in desk.vpj(
        "signup", "list", "--volunteer", "V001")["signups"]],
        ["waiting", "late"])


def lose_next_answer(desk, path):
    """The answer of the page's next POST to path is lost on its way
    back: the request reaches the daemon, which does it and answers, and
    the page gets what fetch gives when the connection drops before the
    answer (a TypeError). Only that one answer is lost."""
    desk.d.execute_script("""
        const path = arguments[0];
        const real = window.fetch;
        window.fetch = async function (url, init) {
            const resp = await real.apply(this, arguments);
            if (init && init.method === 'POST' && String(url).endsWith(path)) {
                window.fetch = real;
                await resp.arrayBuffer();
                throw new TypeError('Failed to fetch');
            }
            return resp;
        };""", path)


def redeem_retries(desk, a):
    """A redemption whose answer was lost, sent again, is done once (the
    same Idempotency-Key: the daemon answers what it did). Redeem is for
    the number in the field: after a look-up of V002, V004 typed without
    Enter cannot be redeemed for, and V002 is never charged; once V004 is
    looked up, the receipt is V004's."""
    d = desk.d
    desk.vp("catalog", "add", "T2", "--name", "铅笔", "--category", "gift",
            "--price", "1", "--stock", "10", "--station", "S01")
    v002 = desk.vpj("balance", "V002")["points"]
    v004 = desk.vpj("balance", "V004")["points"]
    desk.go("#redeem", "#redeem-who")
    desk.scan("V002")
    desk.wait(lambda: "V002" in "".join(texts(d, "#who") or []),
              "V002 looked up")
    Select(d.find_element(By.ID, "r-item")).select_by_value("T2")
    lose_next_answer(desk, "/v1/redemptions")
    d.find_element(By.ID, "redeem-go").click()
    desk.notice_has("可能已经完成", "no answer to the redemption")
    is_("the redemption whose answer was lost was done",
        desk.vpj("balance", "V002")["points"], v002 - 1)
    desk.wait(lambda: click_enabled(d, "redeem-go"), "Redeem again")
    desk.wait(lambda: d.find_elements(By.ID, "receipt"), "the receipt")
    is_("sent again, it is answered, not done twice",
        desk.vpj("balance", "V002")["points"], v002 - 1)
    like("... and the receipt is the first's", d.find_element(
        By.ID, "receipt-balance").text, str(v002 - 1))
    # Answered, the key is forgotten: the same redemption again is another.
    desk.wait(lambda: click_enabled(d, "redeem-go"), "Redeem once more")
    desk.wait(lambda: str(v002 - 2) in "".join(
        texts(d, "#receipt-balance") or []), "the second redemption's receipt")
    is_("the same redemption once more, after the answer, is another",
        desk.vpj("balance", "V002")["points"], v002 - 2)

    vin = d.find_element(By.ID, "r-volunteer")
    vin.send_keys(Keys.CONTROL, "a")
    vin.send_keys("V004")
    is_("a number typed after a look-up: Redeem waits for its look-up",
        d.find_element(By.ID, "redeem-go").is_enabled(), False)
    d.find_element(By.ID, "redeem-go").click()
    vin.send_keys(Keys.ENTER)
    desk.wait(lambda: "V004" in "".join(texts(d, "#who") or []),
              "V004 looked up")
    desk.wait(lambda: click_enabled(d, "redeem-go"), "Redeem for V004")
    desk.wait(lambda: "赵六 V004" in "".join(texts(d, "#receipt") or []),
              "V004's receipt")
    is_("the volunteer looked up before was not charged",
        desk.vpj("balance", "V002")["points"], v002 - 2)
    is_("the one in the field was, once", desk.vpj("balance", "V004")[
        "points"], v004 - 1)
    like("the receipt: V004's name and number", d.find_element(
        By.ID, "receipt").text, "赵六 V004")


def key_tabs(desk, a):
    """Two tabs of a browser with no station key yet (127.0.0.1 is
    another origin than localhost, so another IndexedDB): the first makes
    a key and it is enrolled; the second, still offering to make one,
    shows that key and keeps it, never replacing it."""
    d = desk.d
    home = d.current_window_handle
    url = "http://127.0.0.1:%d/vpoints/console/#key" % a.port
    tabs = []
    for _ in range(2):
        d.switch_to.new_window("tab")
        d.get(url)
        desk.wait(lambda: d.find_elements(By.ID, "make-key"),
                  "a tab offering to make a key")
        tabs.append(d.current_window_handle)
    d.switch_to.window(tabs[0])
    d.find_element(By.ID, "make-key").click()
    desk.wait(lambda: d.find_elements(By.ID, "jwk"), "the first tab's key")
    first = d.find_element(By.ID, "keyid").text
    path = os.path.join(a.tmp, "tab.jwk")
    with open(path, "w") as f:
        f.write(d.find_element(By.ID, "jwk").text)
    like("the first tab's key is enrolled", desk.vp(
        "station", "add", "S03", "--name", "Tab", "--community", "C01",
        "--pubkey", path), first)
    d.switch_to.window(tabs[1])
    d.find_element(By.ID, "make-key").click()
    desk.wait(lambda: d.find_elements(By.ID, "keyid"), "the second tab's key")
    is_("the second tab shows the key the first made",
        d.find_element(By.ID, "keyid").text, first)
    like("... and says no new key was made", desk.notice(), "没有生成新密钥")
    kept = d.execute_async_script("""
        const done = arguments[arguments.length - 1];
        import('./keys.js').then((k) => k.load()).then((key) =>
            done(key.keyid), (e) => done(String(e)));
    """)
    is_("the key kept is still the enrolled one", kept, first)
    desk.wait(lambda: "已登记" in d.find_element(By.ID, "enrolled").text,
              "the second tab signing with the enrolled key")
    # A kept write is the station's: forgetting its key asks again, and
    # drops it with the key, never to send it later under another.
    d.execute_async_script("""
        const done = arguments[arguments.length - 1];
        import('./store.js').then((s) => s.put('outbox', {idem: 'kept-1',
            method: 'POST', path: '/v1/shifts', body: '{}', what: 'kept',
            at: new Date().toISOString()})).then(() => done(''),
            (e) => done(String(e)));
    """)

    def outbox_size():
        return d.execute_async_script("""
            const done = arguments[arguments.length - 1];
            import('./api.js').then((api) => api.outbox()).then((o) =>
                done(o.length), (e) => done(String(e)));
        """)
    click_text(d, "button", "删除此密钥")
    d.switch_to.alert.accept()
    desk.wait(lambda: alert_text(d) is not None, "the second question")
    like("forgetting the key with a write kept asks about the write",
         alert_text(d), "待发送队列中有 1 条记录")
    d.switch_to.alert.dismiss()
    is_("... no: the write stays", outbox_size(), 1)
    is_("... and the key", d.find_element(By.ID, "keyid").text, first)
    click_text(d, "button", "删除此密钥")
    d.switch_to.alert.accept()
    desk.wait(lambda: alert_text(d) is not None, "the second question")
    d.switch_to.alert.accept()
    desk.wait(lambda: d.find_elements(By.ID, "make-key"), "the key forgotten")
    is_("... yes: the write goes with the key", outbox_size(), 0)
    for tab in tabs:
        d.switch_to.window(tab)
        d.close()
    d.switch_to.window(home)


def old_storage(desk):
    """What an earlier console kept in localStorage (hashes of the bodies
    of unanswered writes) goes when the page loads."""
    d = desk.d
    d.execute_script("localStorage.setItem('vpoints-console-unanswered', "
                     "JSON.stringify({ab: {idem: 'x', at: Date.now()}}))")
    # Loaded anew, and started before the next step changes its address
    # (a change of the hash while it starts is lost).
    d.refresh()
    desk.wait(lambda: d.execute_script("return document.body.dataset.ready"),
              "the console to start again")
    desk.wait(lambda: d.execute_script(
        "return localStorage.getItem('vpoints-console-unanswered')") is None,
        "the hashes an earlier console kept gone from localStorage")


def alert_text(d):
    """The text of the open alert or confirm, or None."""
    try:
        return d.switch_to.alert.text
    except Exception:
        return None


def bad_address(desk):
    """An address whose percent-encoding is not UTF-8 is read as it
    stands, not left as a blank page."""
    d = desk.d
    d.get(desk.base + "#volunteer/%E0%A4")
    got = desk.wait(lambda: [h.text for h in d.find_elements(
        By.CSS_SELECTOR, "#main h2")] == ["%E0%A4"], "the volunteer's page")
    result(got is not None, "#volunteer/%E0%A4 shows a page")
    result(desk.wait(lambda: desk.notice() != "", "the daemon's answer said")
           is not None, "... and says the daemon's answer")


def listening(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def offline(desk, a):
    """Scans while vpointsd is stopped are kept with their time and
    decided when sent, each under its own Idempotency-Key: V003 is
    checked in at the time of its scan; V006, checked in at another desk,
    is checked out with that time as the end (not refused as a second
    check-in); V999, whom nobody has, is refused in Chinese."""
    d = desk.d
    desk.vp("volunteer", "add", "V003", "--name", "王五", "--community",
            "C01")
    desk.vp("volunteer", "add", "V006", "--name", "孙八", "--community",
            "C01")
    desk.vp("--key", a.station_key, "shift", "checkin", "V006",
            "--activity", "A1", "--start", a.start)
    desk.go("#checkin", "#scan")
    os.kill(a.daemon_pid, signal.SIGTERM)
    for _ in range(100):
        if not listening(a.port):
            break
        time.sleep(0.1)
    result(not listening(a.port), "vpointsd is stopped")
    foot = d.find_element(By.ID, "outbox")
    for n, number in enumerate(("V003", "V006", "V999")):
        desk.scan(number)
        desk.wait(lambda: "%d 条记录等待发送" % (n + 1) in foot.text,
                  "the outbox after the scan of " + number)
    like("the scan kept", desk.notice(), "暂存")
    like("the page shows what is waiting", foot.text, "签到或签退 V003")
    desk.shot("offline")
    # A registration with an ID number is never kept in the browser.
    desk.go("#volunteers", "#register")
    d.find_element(By.ID, "r-number").send_keys("V005")
    d.find_element(By.ID, "r-name").send_keys("钱七")
    d.find_element(By.ID, "r-id").send_keys("110101199003077777" + Keys.ENTER)
    desk.notice_has("服务器没有应答", "the registration not kept")
    foot = d.find_element(By.ID, "outbox")
    like("... only the scans wait", foot.text, "3 条记录等待发送")
    kept = d.execute_async_script("""
        const done = arguments[arguments.length - 1];
        import('./api.js').then((api) => api.outbox()).then((o) =>
            done(JSON.stringify(o)), (e) => done(String(e)));
    """)
    result("110101199003077777" not in kept and "V003" in kept,
           "no ID number in the browser's outbox", kept)
    unanswered = d.execute_script(
        "return localStorage.getItem('vpoints-console-unanswered') || '{}'")
    is_("... nor a trace of its body in localStorage (the keys of "
        "unanswered writes are kept in the page only)",
        len(json.loads(unanswered)), 0)
    scanned_before = time.time()
    with open(a.daemon_log, "a") as log:
        p = subprocess.Popen([a.vpointsd, "-c", a.daemon_conf], stdout=log,
                             stderr=log)
    with open(a.pidfile, "w") as f:
        f.write("%d\n" % p.pid)
    for _ in range(100):
        if listening(a.port):
            break
        time.sleep(0.1)
    desk.wait(lambda: desk.vp("status", ok=False) != "", "vpointsd back")
    foot.find_element(By.TAG_NAME, "button").click()
    desk.wait(lambda: "所有记录均已送达" in d.find_element(By.ID, "outbox").text,
              "the outbox sent")
    s = desk.vpj("shift", "list", "V003")
    is_("sent once: one check-in of V003", len(s["open"]), 1)
    at = s["open"][0]["started_at"] if s["open"] else ""
    result(at != "" and datetime.fromisoformat(at).timestamp() <=
           scanned_before, "... at the time of the scan, before the daemon "
           "came back", at)
    s = desk.vpj("shift", "list", "V006")
    is_("the scan of V006, checked in, checked it out", (len(s["open"]),
        [x["status"] for x in s["shifts"]]), (0, ["recorded"]))
    end = s["shifts"][0].get("ended_at", "") if s["shifts"] else ""
    result(end != "" and datetime.fromisoformat(end).timestamp() <=
           scanned_before, "... at the time of the scan", end)
    is_("a kept scan refused is said in Chinese", desk.notice(),
        "暂存的记录被拒绝：签到或签退 V999 没有志愿者编号为 V999 的志愿者。")


def main():
    ap = argparse.ArgumentParser()
    for name in ("port",):
        ap.add_argument("--" + name, type=int, required=True)
    for name in ("vpoints", "tmp", "test-sig", "station-key", "start", "month",
                 "event-day",
                 "chromium", "chromedriver", "profile"):
        ap.add_argument("--" + name, required=True)
    ap.add_argument("--price", type=int, required=True)
    ap.add_argument("--daemon-pid", type=int, required=True)
    for name in ("vpointsd", "daemon-conf", "daemon-log", "pidfile"):
        ap.add_argument("--" + name, required=True)
    ap.add_argument("--stock", type=int, required=True)
    ap.add_argument("--shots")
    a = ap.parse_args()
    desk = Desk(a)
    try:
        desk.ready()
        csp = d_fetch_header(desk, "content-security-policy")
        like("the page came with the strict policy", csp,
             "default-src 'self'; script-src 'self'")
        signer_vector(desk)
        sentences(desk)
        desk.collect_logs()
        daily_job(desk, a)
        desk.collect_logs()
        event_board(desk, a)
        desk.collect_logs()
        redeem_retries(desk, a)
        key_tabs(desk, a)
        old_storage(desk)
        bad_address(desk)
        desk.collect_logs()
        offline(desk, a)
        desk.collect_logs()
        # Refused requests show as failed loads (401 before the key was
        # enrolled, 409 for the refused redemption, 404 for volunteers
        # nobody has, no connection while the daemon was stopped);
        # nothing else may reach the console: no script error, no policy
        # violation.
        bad = [e for e in desk.logs if e["level"] == "SEVERE" and not (
            e.get("source") == "network" and re.search(
                r"status of (401|404|409) |ERR_CONNECTION_REFUSED",
                e["message"]))]
        is_("no error in the browser's console", bad, [])
    finally:
        desk.d.quit()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
