"""Make the fragment pages of tests/files/build-parser/pages from the 2026 snapshot.

Usage: python3 make-fragments.py <folder with the pages of aws-docs/pages.tar.gz> <output folder>
(needs beautifulsoup4). Each fragment keeps the page's title, its service-prefix paragraph and its
tables, with the rows of the actions, resource types and condition keys named below; removed
rows are gone whole (an action with all the rows of its rowspan). list_awsiot1-click.html is
copied as it is, by hand.
"""
import sys, os, copy
from bs4 import BeautifulSoup

SRC, OUT = sys.argv[1], sys.argv[2]

def text(tag):
    return " ".join(tag.text.split())

def action_name(cell):
    links = [a for a in cell.find_all("a") if a.has_attr("href")]
    return text(links[-1]) if links else text(cell)

def fragment(name, actions=None, resources=None, conditions=None, out_name=None):
    soup = BeautifulSoup(open(os.path.join(SRC, name)).read(), "html.parser")
    main = soup.find(id="main-content")
    h1 = main.find("h1", class_="topictitle")
    prefix_p = next(c for c in h1.parent.children if "prefix" in str(c))
    kept_tables = []
    for div in main.find_all("div", class_="table-contents"):
        ths = " ".join(str(div.find_all("th")).split()).lower()
        rows = div.find_all("tr")
        if "description" in ths and "actions" in ths:
            keep, i = actions, 0
            while i < len(rows):
                cells = rows[i].find_all("td")
                if not cells:
                    i += 1
                    continue
                span = int(cells[0].get("rowspan", 1))
                if keep is not None and action_name(cells[0]).split(" [")[0] not in keep:
                    for r in rows[i:i + span]:
                        r.decompose()
                i += span
        else:
            keep = resources if "arn" in ths else conditions
            for r in rows:
                cells = r.find_all("td")
                if cells and keep is not None and text(cells[0]) not in keep:
                    r.decompose()
        kept_tables.append(div)
    body = "\n".join(str(x) for x in [h1, prefix_p] + kept_tables)
    page = ("<!DOCTYPE html>\n<html>\n <body>\n  <div id=\"main-content\">\n   <div id=\"main-col-body\">\n"
            + body + "\n   </div>\n  </div>\n </body>\n</html>\n")
    open(os.path.join(OUT, out_name or name), "w").write(page)

fragment("list_amazoncognitosync.html",
         actions=["ListRecords", "QueryRecords", "RegisterDevice"],
         resources=["identitypool"], conditions=[])
fragment("list_amazonec2instanceconnect.html",
         actions=["OpenTunnel"], resources=None, conditions=None)
fragment("list_amazoncloudwatch.html",
         actions=["TagResource"], resources=["alarm", "dashboard"],
         conditions=["aws:ResourceTag/${TagKey}", "cloudwatch:AlarmActions"])
fragment("list_awsidentityandaccessmanagementiam.html",
         actions=["PassRole", "PutRolePolicy"], resources=["role"],
         conditions=["iam:PassedToService", "iam:PermissionsBoundary"])
fragment("list_awselementalsupportcontent.html")
fragment("list_elementalsupportcontent.html")

# The modified page: the sumerian page with three changes (see README).
fragment("list_amazonsumerian.html", out_name="list_amazonsumerian.html")
p = os.path.join(OUT, "list_amazonsumerian.html")
s = open(p).read()
cell = s.index('id="amazonsumerian-Login"')
start = s.index("<a href=", cell)
end = s.index("</a>", start) + len("</a>")
assert end < s.index("</td>", cell)
inner = s[s.index(">", start) + 1:end - len("</a>")]
s = s[:start] + inner + s[end:]                        # 1. Login: an anchor, no link
i = s.index("</tr>", s.index('id="amazonsumerian-Login"'))
dep = s.rindex("</td>", 0, i)
s = s[:dep] + "<p>\n IAM:PassRole\n</p>\n" + s[dep:]    # 2. a dependent action, service in upper case
i = s.index("</tr>", s.index('id="amazonsumerian-Login"')) + len("</tr>")
s = s[:i] + "\n<tr>\n" + "".join("<td>\n scenario cell %d\n</td>\n" % n for n in range(1, 6)) + "</tr>" + s[i:]  # 3. a five-cell row
open(p, "w").write(s)

import re
for f in os.listdir(OUT):
    p = os.path.join(OUT, f)
    squeezed = re.sub(r"\n(\s*\n)+", "\n", open(p).read())
    open(p, "w").write(squeezed)
