#!/usr/bin/python3
"""The auditors' page in a real browser (headless Chromium from Debian).

Builds a log with the Trelleborg history (`fundlog demo`), starts
`fundlog serve --lang sv` on a free loopback port, opens the page and checks:
the fund line as of 2014-12-31 under the three views equals
`fundlog balance --json`, in the table and in the chart; Swedish labels and
amounts, then English after the switch; the in-browser proof check passes on
a record and fails on a tampered proof (?debug-tamper=proof); the browser log
holds no errors. Screenshots are kept in --artefacts. The server and the
browser are stopped by PID whatever happens.

usage: page_test.py --fundlog BIN --workdir DIR --artefacts DIR [--url URL --db LOG]
(--url, --db: use a server already running there over LOG instead of
starting one; for working on the page.)
"""
import argparse
import base64
import json
import os
import ctypes
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

VIEWS = ["reported", "without-change", "restated"]
FUND_LINE = "social_investment_fund"
DAY = "2014-12-31"
NBSP = "\u00a0"

failures = []
passed = 0


def check(condition, what):
    global passed
    if condition:
        passed += 1
        print("ok   " + what)
    else:
        failures.append(what)
        print("FAIL " + what)


def fundlog(args, db, *rest):
    out = subprocess.run([args.fundlog, "--db", db, *rest], capture_output=True,
                         text=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError(f"fundlog {' '.join(rest)}: exit {out.returncode}: {out.stderr}")
    return out.stdout


def die_with_parent():
    """In the server's child process: SIGTERM when this script dies, even by
    SIGKILL (prctl PR_SET_PDEATHSIG), so no server outlives a killed test."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


def on_alarm(signum, frame):
    raise TimeoutError("the browser test ran out of time (240 s)")


def read_url(server, seconds=30):
    """The URL `fundlog serve --listen 127.0.0.1:0` prints first."""
    ready, _, _ = select.select([server.stdout], [], [], seconds)
    line = server.stdout.readline().strip() if ready else ""
    if not line.startswith("http://127.0.0.1:"):
        raise RuntimeError(f"fundlog serve printed no URL within {seconds} s: {line!r}")
    return line.rstrip("/")


def wait_for_server(url, server, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if server is not None and server.poll() is not None:
            raise RuntimeError(f"fundlog serve exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url + "/api/v1/config", timeout=2) as r:
                return json.loads(r.read())
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("fundlog serve did not answer within %d s" % seconds)


def start_browser(profile):
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,2400",
                 "--user-data-dir=" + profile]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(service=service, options=options), service


def generation(driver):
    """How many refreshes the page has finished (body[data-generation])."""
    return int(driver.find_element(By.TAG_NAME, "body").get_attribute("data-generation") or 0)


def wait_ready(driver, after=0):
    """Waits for a refresh later than the `after`-th to finish."""
    WebDriverWait(driver, 60).until(
        lambda d: generation(d) > after
        and d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")


def click_and_wait(driver, element_id):
    before = generation(driver)
    driver.find_element(By.ID, element_id).click()
    wait_ready(driver, before)


def set_text(driver, element_id, text):
    box = driver.find_element(By.ID, element_id)
    box.clear()
    box.send_keys(text)


def text_of(element):
    """The element's text as the page wrote it (WebDriver's .text turns
    no-break spaces into spaces)."""
    return element.get_attribute("textContent")


def page_cells(driver):
    """{(view, account): (min, max)} from the balance table."""
    cells = {}
    for td in driver.find_elements(By.CSS_SELECTOR, "#balance-table td[data-min-ore]"):
        account = td.find_element(By.XPATH, "..").get_attribute("data-account")
        cells[(td.get_attribute("data-view"), account)] = (
            int(td.get_attribute("data-min-ore")), int(td.get_attribute("data-max-ore")))
    return cells


def run_verification(driver):
    runs = driver.find_element(By.ID, "verify-result").get_attribute("data-runs") or "0"
    driver.find_element(By.ID, "verify-run").click()
    WebDriverWait(driver, 30).until(
        lambda d: (d.find_element(By.ID, "verify-result").get_attribute("data-runs") or "0") != runs)
    result = driver.find_element(By.ID, "verify-result")
    return result.get_attribute("data-status"), result.text


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fundlog", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--artefacts", required=True)
    parser.add_argument("--url")
    parser.add_argument("--db", help="with --url: the log that server serves")
    args = parser.parse_args()
    shutil.rmtree(args.workdir, ignore_errors=True)
    os.makedirs(args.workdir)
    os.makedirs(args.artefacts, exist_ok=True)
    db = args.db or os.path.join(args.workdir, "log")
    server = driver = service = None
    profile = tempfile.mkdtemp(prefix="chromium-", dir=args.workdir)
    # Stop before ctest's 300 s timeout would kill this script, so that the
    # finally below still stops the server and the browser.
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(240)
    try:
        if args.db is None:
            fundlog(args, db, "demo")
        url = args.url
        if url is None:
            # Port 0: the server picks a free loopback port and prints its
            # URL as the first line on stdout.
            server = subprocess.Popen(
                [args.fundlog, "--db", db, "serve", "--listen", "127.0.0.1:0", "--lang", "sv"],
                stdout=subprocess.PIPE, text=True, preexec_fn=die_with_parent,
                stderr=open(os.path.join(args.workdir, "serve.err"), "w"))
            url = read_url(server)
        config = wait_for_server(url, server)
        check(config.get("lang") == "sv", "the server says its language is sv")

        driver, service = start_browser(profile)
        driver.get(url + "/")
        wait_ready(driver)
        check(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "sv",
              "the page opens in Swedish")

        set_text(driver, "as-of", DAY)
        set_text(driver, "known-at", "")
        click_and_wait(driver, "apply")
        check(driver.find_element(By.ID, "balance-as-of").text == DAY, "the page shows " + DAY)
        cells = page_cells(driver)
        for view in VIEWS:
            cli = json.loads(fundlog(args, db, "balance", "--as-of", DAY, "--view", view, "--json"))
            for account in cli["accounts"]:
                check(cells.get((view, account["account"])) == (account["min_ore"], account["max_ore"]),
                      f"{view}: {account['account']} on the page equals balance --json "
                      f"({account['min_ore']}..{account['max_ore']})")
            line = driver.find_element(By.ID, "fund-line-" + view)
            expected = next(a for a in cli["accounts"] if a["account"] == FUND_LINE)
            check((int(line.get_attribute("data-min-ore")), int(line.get_attribute("data-max-ore")))
                  == (expected["min_ore"], expected["max_ore"]), f"{view}: the fund line is marked")
            bar = driver.find_elements(By.CSS_SELECTOR, f"#chart-svg rect[data-view='{view}'][data-year='2014']")
            check(len(bar) == 1 and (int(bar[0].get_attribute("data-min-ore")),
                                     int(bar[0].get_attribute("data-max-ore")))
                  == (expected["min_ore"], expected["max_ore"]),
                  f"{view}: the chart's 2014 band equals balance --json")
        reported = driver.find_element(By.ID, "fund-line-reported")
        check(f"6{NBSP}600{NBSP}000,00" in text_of(reported) and f"10{NBSP}000{NBSP}000,00{NBSP}kr" in text_of(reported),
              "a range is written min – max in Swedish format: " + repr(text_of(reported)))
        check(len(reported.find_elements(By.CSS_SELECTOR, "svg.range-bar rect.range")) == 1,
              "a range is drawn as a bar from min to max")
        years = sorted({int(r.get_attribute("data-year"))
                        for r in driver.find_elements(By.CSS_SELECTOR, "#chart-svg rect[data-year]")})
        check(years[:1] == [2011] and years[-1:] == [2022], f"the chart spans 2011-2022: {years}")
        check("Balansräkningen per" in driver.find_element(By.ID, "balance-h").text, "Swedish heading")
        heads = [h.text for h in driver.find_elements(By.CSS_SELECTOR, "#balance-table th.view-head")]
        check(heads == ["enligt redovisat", "som om ändringen aldrig skett", "omräknat från början"],
              f"Swedish view names: {heads}")
        timeline = driver.find_elements(By.CSS_SELECTOR, "#timeline li[data-seq]")
        check(len(timeline) == 14, f"the timeline lists the 14 events ({len(timeline)})")
        check("Ärendet:" in driver.find_element(By.ID, "timeline").text, "the timeline quotes the passages")
        check("Avsättning 10 000 000,00 kr" in driver.find_element(By.ID, "event-5").text,
              "the timeline's summaries are Swedish")
        totals = driver.find_element(By.CSS_SELECTOR, "#totals-table tr[data-kind='allocation'] td[data-stated-ore]")
        check(totals.get_attribute("data-stated-ore") == "1000000000" and "agrees" in totals.get_attribute("class"),
              "totals: the allocation agrees with the 10 mnkr the source states")
        driver.save_screenshot(os.path.join(args.artefacts, "page_sv.png"))

        # As known on a day: the same question with known_at.
        known = "2012-01-01"
        set_text(driver, "known-at", known)
        click_and_wait(driver, "apply")
        check(known in driver.find_element(By.ID, "balance-known-at").text, "the page says as known on " + known)
        cells = page_cells(driver)
        expected = {}
        for view in VIEWS:
            cli = json.loads(fundlog(args, db, "balance", "--as-of", DAY, "--known-at", known,
                                     "--view", view, "--json"))
            expected.update({(view, a["account"]): (a["min_ore"], a["max_ore"]) for a in cli["accounts"]})
        check(cells == expected, f"as known on {known}, the page equals balance --known-at --json: {cells}")
        events = driver.find_elements(By.CSS_SELECTOR, "#timeline li[data-seq]")
        check(len(events) == 2, f"as known on {known}, the timeline holds the 2 events recorded by then")
        # A malformed day is refused on the page, before any request.
        set_text(driver, "known-at", "2014-13-01")
        driver.find_element(By.ID, "apply").click()
        check("ÅÅÅÅ-MM-DD" in driver.find_element(By.ID, "status").text, "a malformed day is refused")
        set_text(driver, "known-at", "")
        click_and_wait(driver, "apply")

        # The proof, checked in the browser against the pinned key.
        key = fundlog(args, db, "key").strip()
        set_text(driver, "verifier-key", key)
        driver.find_element(By.ID, "key-pin").click()
        set_text(driver, "verify-seq", "5")
        status, text = run_verification(driver)
        check(status == "ok", "record 5 verifies in the browser: " + text.replace("\n", " | ")[:300])
        driver.save_screenshot(os.path.join(args.artefacts, "page_verified.png"))

        # A record the timeline on the page does not hold (known on a day
        # before it was recorded) is checked against its own event id.
        set_text(driver, "known-at", "2012-01-01")
        click_and_wait(driver, "apply")
        status, text = run_verification(driver)
        check(status == "ok" and "allocation-kf-2011" in text,
              "a record not on the page verifies by its own event id: " + text.replace("\n", " | ")[:200])
        set_text(driver, "known-at", "")
        click_and_wait(driver, "apply")

        # Another log's key (not pinned) does not vouch for this checkpoint.
        other = os.path.join(args.workdir, "other")
        fundlog(args, other, "init", "--origin", "another/log")
        set_text(driver, "verifier-key", fundlog(args, other, "key").strip())
        status, text = run_verification(driver)
        check(status == "failed" and len(driver.find_elements(
            By.CSS_SELECTOR, "#verify-result li[data-check='check_signature'].failed")) == 1,
              "another log's key fails at the signature: " + text.replace("\n", " | ")[:200])

        # English.
        click_and_wait(driver, "lang-switch")
        check(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en", "switched to English")
        check("Balance sheet as of" in driver.find_element(By.ID, "balance-h").text, "English heading")
        heads = [h.text for h in driver.find_elements(By.CSS_SELECTOR, "#balance-table th.view-head")]
        check(heads == VIEWS, f"English view names: {heads}")
        verdict = driver.find_element(By.ID, "verify-verdict").text
        check(verdict.startswith("FAILED"), "the last check is shown in English too: " + verdict)
        english = text_of(driver.find_element(By.ID, "fund-line-reported"))
        check(f"10{NBSP}000{NBSP}000.00{NBSP}kr" in english, "English amounts: " + repr(english))
        driver.save_screenshot(os.path.join(args.artefacts, "page_en.png"))

        # A tampered proof fails (the pinned key survives the reload).
        driver.get(url + "/?debug-tamper=proof")
        wait_ready(driver)
        check(driver.find_element(By.ID, "verifier-key").get_attribute("value") == key, "the key stays pinned")
        set_text(driver, "verify-seq", "5")
        status, text = run_verification(driver)
        check(status == "failed", "a tampered proof fails: " + text.replace("\n", " | ")[:300])
        proof_check = driver.find_elements(By.CSS_SELECTOR, "#verify-result li[data-check='check_proof'].failed")
        check(len(proof_check) == 1, "the failed check is the inclusion proof")
        driver.save_screenshot(os.path.join(args.artefacts, "page_tampered.png"))

        server_verify = driver.find_element(By.ID, "server-verify")
        check(server_verify.get_attribute("data-ok") == "true" and "14 poster" in server_verify.text,
              "the server's last verify is shown as its own word: " + server_verify.text)

        # Printed: a working paper without the controls, the checkpoint last.
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        hidden = [i for i in ("controls", "exports", "lang-switch")
                  if driver.find_element(By.ID, i).is_displayed()]
        check(not hidden, f"printed without the controls ({hidden} shown)")
        visible = [e.get_attribute("id") for e in driver.find_elements(By.CSS_SELECTOR, "body > section, body > footer")
                   if e.is_displayed()]
        check(visible[-1:] == ["checkpoint-section"], f"the checkpoint is printed last: {visible}")
        checkpoint = text_of(driver.find_element(By.ID, "checkpoint"))
        check(checkpoint.startswith(config["origin"] + "\n") and "\u2014 " in checkpoint,
              "the printed checkpoint is the signed note")
        pdf = driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": False})
        with open(os.path.join(args.artefacts, "working_paper.pdf"), "wb") as f:
            f.write(base64.b64decode(pdf["data"]))
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})

        # A server started with --lang en opens the page in English.
        if args.url is None:
            english_server = subprocess.Popen(
                [args.fundlog, "--db", db, "serve", "--listen", "127.0.0.1:0", "--lang", "en"],
                stdout=subprocess.PIPE, text=True, preexec_fn=die_with_parent,
                stderr=open(os.path.join(args.workdir, "serve-en.err"), "w"))
            try:
                driver.get(read_url(english_server) + "/")
                wait_ready(driver)
                check(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
                      and "Balance sheet as of" in driver.find_element(By.ID, "balance-h").text,
                      "serve --lang en opens the page in English")
            finally:
                english_server.terminate()
                try:
                    english_server.wait(10)
                except subprocess.TimeoutExpired:
                    english_server.kill()
                    english_server.wait()

        errors = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
        check(not errors, "no errors in the browser log: " + json.dumps(errors)[:500])
    finally:
        signal.alarm(0)
        if driver is not None:
            try:
                driver.quit()
            except Exception as e:  # the browser may be gone already
                print("quit:", e)
        if service is not None and service.process is not None and service.process.poll() is None:
            service.process.kill()
        if server is not None:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
