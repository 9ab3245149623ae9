#!/usr/bin/env python3
"""Render the `analyze --html` report in a real browser (headless Chromium) and check it.

Standard library only. Copies the fixture folder (tests/files/analyze-html, the layout
download-policies writes), adds a policy whose name and action hold `<script>` and `&`, runs
`policy_sentry analyze downloaded-policies --html`, then with Chromium:
  - takes a screenshot and checks a PNG was written;
  - clicks the policy table's headers from a harness page that frames the report (its
    script reports the row order after each click into its own DOM, which is dumped) and
    checks that the rows sort by name both ways and by a count, most first;
  - dumps the DOM (after the page's script ran) and checks that the summary and the policy table
    hold the counts of the JSON report printed on stdout, that the hostile name is text (no
    second script element, no injected element), that the page's own script ran under its
    Content Security Policy (it gives each sortable header a tabindex), and that nothing
    points outside the page.

Usage: render.py --binary POLICY_SENTRY --chromium CHROMIUM --fixtures DIR --out DIR
Exit 0 and "ok: ..." lines when every check passes; exit 1 naming the failed check.
"""

import argparse
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from html.parser import HTMLParser

CATEGORIES = [
    ("resource_exposure", "Resource Exposure"),
    ("privilege_escalation", "Privilege Escalation"),
    ("network_exposure", "Network Exposure"),
    ("credentials_exposure", "Credentials Exposure"),
]
HOSTILE_NAME = "<script>alert(1)<&script>"
HOSTILE_ACTION = "s3:<script>alert(2)</script>&amp;"


class Dom(HTMLParser):
    """Rows of the tables by id (cell texts), every element's tag and attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables = {}
        self.table = None
        self.row = None
        self.cell = None
        self.elements = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if tag == "table":
            self.table = attrs.get("id")
            self.tables.setdefault(self.table, [])
        elif tag == "tr" and self.table is not None:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(self.cell.strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[self.table].append(self.row)
            self.row = None
        elif tag == "table":
            self.table = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def fail(message):
    print(f"FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def chromium(binary, *extra):
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    command = [
        binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={profile}", *extra,
    ]
    # Its own process group, so a timeout ends the browser's helper processes too.
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)
    try:
        stdout, stderr = child.communicate(timeout=90)
        return subprocess.CompletedProcess(command, child.returncode, stdout, stderr)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        fail("chromium did not finish in 90 s (a dialog such as alert() blocks headless "
             "Chromium: did a script get into the page?)")
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def write_report(args):
    policies = os.path.join(args.out, "policies")
    shutil.copytree(args.fixtures, policies)
    hostile = os.path.join(policies, "111111111111", "customer-managed", HOSTILE_NAME + ".json")
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": ["iam:PutUserPolicy", HOSTILE_ACTION], "Resource": "*"}]}
    with open(hostile, "w", encoding="utf-8") as f:
        json.dump(document, f, indent=4)
    page = os.path.join(args.out, "report.html")
    run = subprocess.run(
        [args.binary, "analyze", "downloaded-policies", "--input-dir", policies, "--html", page],
        capture_output=True, text=True, check=False)
    if run.returncode != 0:
        fail(f"analyze exited {run.returncode}: {run.stderr}")
    return page, json.loads(run.stdout)


def expected_rows(report):
    summary = []
    for key, title in CATEGORIES:
        lengths = [len(p[key]) for p in report.values() if key in p]
        summary.append([title, str(len(lengths)), str(sum(lengths))])
    policies = []
    for name, p in report.items():
        counts = [len(p.get(key, [])) for key, _ in CATEGORIES]
        methods = len(p.get("privilege_escalation_methods", {}))
        policies.append([name, p["account_id"], *map(str, counts), str(sum(counts)), str(methods)])
    return summary, policies


def check_dom(dom, report):
    summary, policies = expected_rows(report)
    if dom.tables.get("summary", [])[1:] != summary:
        fail(f"summary table {dom.tables.get('summary')} != {summary}")
    print(f"ok: summary per category matches the JSON report: {summary}")
    rows = dom.tables.get("policies", [])[1:]
    if sorted(rows) != sorted(policies):
        fail(f"policy table {rows} != {policies}")
    totals = [int(r[6]) for r in rows]
    if totals != sorted(totals, reverse=True):
        fail(f"static order is not most findings first: {totals}")
    print(f"ok: {len(rows)} policy rows with the JSON report's counts, most findings first")
    if HOSTILE_NAME not in [r[0] for r in rows]:
        fail("the policy named with <script> and & is not in the table as text")
    scripts = [a for t, a in dom.elements if t == "script"]
    if len(scripts) != 1:
        fail(f"{len(scripts)} script elements: one came from the data")
    print("ok: <script> and & in a policy name and an action are text, one script element")
    heads = [a for t, a in dom.elements if t == "th" and a.get("tabindex") == "0"]
    if len(heads) != len(dom.tables["policies"][0]):
        fail("the page's script did not run (headers without tabindex)")
    print(f"ok: the inline script ran ({len(heads)} sortable headers)")
    marks = [a for t, a in dom.elements if t == "mark"]
    if not marks:
        fail("no risky action is marked")
    print(f"ok: {len(marks)} risky entries marked in the policies' JSON")
    external = [(t, a) for t, a in dom.elements
                if any(k in ("src", "href") and not v.startswith("#") for k, v in a.items())]
    if external:
        fail(f"references outside the page: {external}")
    print("ok: no src or href outside the page")


SORT_HARNESS = """<!DOCTYPE html><html><body><pre id="result">not run</pre>
<iframe id="report" src="report.html"></iframe>
<script>
document.getElementById('report').addEventListener('load', function () {
  var out = [];
  try {
    var table = this.contentDocument.getElementById('policies');
    var heads = table.tHead.rows[0].cells;
    var column = function (i) {
      return Array.prototype.map.call(table.tBodies[0].rows, function (r) {
        return r.cells[i].textContent;
      });
    };
    heads[0].click(); out.push([heads[0].getAttribute('aria-sort'), column(0)]);
    heads[0].click(); out.push([heads[0].getAttribute('aria-sort'), column(0)]);
    heads[3].click(); out.push([heads[3].getAttribute('aria-sort'), column(3)]);
  } catch (e) { out.push(['error: ' + e, []]); }
  document.getElementById('result').textContent = JSON.stringify(out);
});
</script></body></html>
"""


def check_sorting(out_dir, browser, report):
    harness = os.path.join(out_dir, "sort.html")
    with open(harness, "w", encoding="utf-8") as f:
        f.write(SORT_HARNESS)
    # File pages may reach into each other's DOM only with this flag.
    dump = chromium(browser, "--allow-file-access-from-files", "--dump-dom",
                    "file://" + os.path.abspath(harness))
    found = re.search(r'<pre id="result">(.*?)</pre>', dump.stdout, re.S)
    if not found:
        fail(f"sort harness gave no result (exit {dump.returncode}): {dump.stderr[-2000:]}")
    clicks = json.loads(html.unescape(found.group(1)))
    if len(clicks) != 3:
        fail(f"sort harness: {clicks}")
    (order_a, names_a), (order_b, names_b), (order_c, counts) = clicks
    if sorted(names_a) != sorted(report) or (order_a, order_b) != ("ascending", "descending"):
        fail(f"sorting by name: {clicks}")
    letters = [n for n in names_a if n in ("ci-deployer", "everything-but-s3", "key-rotator")]
    if names_b != names_a[::-1] or letters != sorted(letters) or names_a == list(report):
        fail(f"sorting by name does not order the rows A to Z and back: {clicks}")
    expected = sorted((len(p.get("privilege_escalation", [])) for p in report.values()),
                      reverse=True)
    if order_c != "descending" or [int(c) for c in counts] != expected:
        fail(f"sorting by Privilege Escalation: {counts} != {expected}")
    print(f"ok: clicking headers sorts the table (name A-Z: {names_a}; Privilege Escalation "
          f"most first: {counts})")


def main():
    parser = argparse.ArgumentParser()
    for name in ("--binary", "--chromium", "--fixtures", "--out"):
        parser.add_argument(name, required=True)
    args = parser.parse_args()
    page, report = write_report(args)
    url = "file://" + os.path.abspath(page)
    png = os.path.join(args.out, "report.png")
    shot = chromium(args.chromium, f"--screenshot={png}", "--window-size=1280,1600", url)
    head = b""
    if os.path.exists(png):
        with open(png, "rb") as f:
            head = f.read(8)
    if head != b"\x89PNG\r\n\x1a\n":
        fail(f"no PNG screenshot written (chromium exit {shot.returncode}): {shot.stderr[-2000:]}")
    print(f"ok: screenshot {png} ({os.path.getsize(png)} bytes)")
    dump = chromium(args.chromium, "--dump-dom", url)
    if dump.returncode != 0 or "<html" not in dump.stdout:
        fail(f"--dump-dom gave no page (exit {dump.returncode}): {dump.stderr[-2000:]}")
    dom = Dom()
    dom.feed(dump.stdout)
    check_dom(dom, report)
    check_sorting(args.out, args.chromium, report)


if __name__ == "__main__":
    main()
