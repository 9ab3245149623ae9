//! The `analyze --html` report: one self-contained page (inline style and script, a Content
//! Security Policy that forbids every fetch) with the summary per risk category, a table of
//! the policies and their finding counts (sortable by clicking a header; without the script it
//! stays in its static order, most findings first), and each policy's JSON with the risky
//! `Action` entries marked. Everything that comes from the policies is HTML-escaped.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::analyze::{PolicyReport, Report};
use super::json::{self, Kind, Span, Value};
use super::risk::RiskCategory;
use crate::expand::glob_match;

/// Text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
td.num,th.num{text-align:right}thead th{background:#f0f2f5}
table.sortable thead th{cursor:pointer;user-select:none}
table.sortable thead th[aria-sort=ascending]::after{content:' \\25B2'}
table.sortable thead th[aria-sort=descending]::after{content:' \\25BC'}
td.zero{color:#888}
pre{background:#f6f8fa;border:1px solid #ddd;padding:.8rem;overflow:auto;font-size:13px}
mark{background:#ffd54f;padding:0 .1rem}code{font-size:13px}
section.policy{margin-top:1.5rem}ul.actions{columns:3 16rem;margin:.3rem 0}
";

/// Sorts a `table.sortable` by the clicked header: numbers (`th.num`) most first, text A to Z;
/// a second click reverses. Rows keep their order among equals (Array.prototype.sort is stable).
const SCRIPT: &str = "
document.querySelectorAll('table.sortable').forEach(function (table) {
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  heads.forEach(function (th, column) {
    th.tabIndex = 0;
    th.title = 'Sort by ' + th.textContent;
    var sort = function () {
      var numeric = th.classList.contains('num');
      var first = numeric ? 'descending' : 'ascending';
      var order = th.getAttribute('aria-sort') === first
        ? (numeric ? 'ascending' : 'descending') : first;
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[column].textContent, y = b.cells[column].textContent;
        var c = numeric ? Number(x) - Number(y) : x.localeCompare(y);
        return order === 'ascending' ? c : -c;
      });
      rows.forEach(function (row) { body.appendChild(row); });
      heads.forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', order);
    };
    th.addEventListener('click', sort);
    th.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); }
    });
  });
});
";

/// No fetch of any kind: the page is read offline and passed around.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'";

/// The page for `report`; `documents` maps a report key to the policy's text as read (a
/// policy without one is listed without its JSON).
pub fn to_html(report: &Report, documents: &BTreeMap<String, String>) -> String {
    let mut page = String::new();
    page.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(
        page,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">"
    );
    page.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    page.push_str("<title>Policy Sentry analyze report</title>\n");
    let _ = writeln!(page, "<style>{STYLE}</style>\n</head>\n<body>");
    page.push_str("<h1>Policy Sentry analyze report</h1>\n");
    let n = report.policies.len();
    let _ = writeln!(
        page,
        "<p id=\"policy-count\">{n} polic{} with findings. The JSON report has the same data.</p>",
        if n == 1 { "y" } else { "ies" }
    );
    summary(&mut page, report);
    let order = static_order(report);
    policy_table(&mut page, report, &order);
    page.push_str("<h2>Policies</h2>\n");
    for (index, name) in order.iter().enumerate() {
        let document = documents.get(*name).map(String::as_str);
        policy_section(&mut page, index, name, &report.policies[*name], document);
    }
    let _ = write!(page, "<script>{SCRIPT}</script>\n</body>\n</html>\n");
    page
}

/// Per category: the policies with findings in it and the actions found (the lengths of the
/// JSON report's lists, added up).
fn summary(page: &mut String, report: &Report) {
    page.push_str("<h2>Summary</h2>\n<table id=\"summary\">\n<thead><tr><th>Risk category</th><th class=\"num\">Policies</th><th class=\"num\">Actions</th></tr></thead>\n<tbody>\n");
    for category in RiskCategory::ALL {
        let counts = report.policies.values().map(|p| p.count(category));
        let policies = counts.clone().filter(|&c| c > 0).count();
        let actions: usize = counts.sum();
        let _ = writeln!(
            page,
            "<tr id=\"summary-{}\"><th scope=\"row\">{}</th><td class=\"num\">{policies}</td><td class=\"num\">{actions}</td></tr>",
            category.report_key(),
            category.title()
        );
    }
    page.push_str("</tbody>\n</table>\n");
}

fn total(report: &PolicyReport) -> usize {
    RiskCategory::ALL.iter().map(|c| report.count(*c)).sum()
}

/// Most findings first, then by name: the order a reader without the script wants.
fn static_order(report: &Report) -> Vec<&String> {
    let mut names: Vec<&String> = report.policies.keys().collect();
    names.sort_by_key(|name| std::cmp::Reverse(total(&report.policies[*name])));
    names
}

fn policy_table(page: &mut String, report: &Report, order: &[&String]) {
    page.push_str("<h2>Policies and findings</h2>\n");
    if order.is_empty() {
        page.push_str("<p>No policy has findings.</p>\n");
        return;
    }
    page.push_str(
        "<table id=\"policies\" class=\"sortable\">\n<thead><tr><th>Policy</th><th>Account ID</th>",
    );
    for category in RiskCategory::ALL {
        let _ = write!(page, "<th class=\"num\">{}</th>", category.title());
    }
    page.push_str("<th class=\"num\" aria-sort=\"descending\">Total</th><th class=\"num\">Escalation methods</th></tr></thead>\n<tbody>\n");
    for (index, name) in order.iter().enumerate() {
        let policy = &report.policies[*name];
        let _ = write!(
            page,
            "<tr data-policy=\"{}\"><td><a href=\"#policy-{index}\">{}</a></td><td>{}</td>",
            escape(name),
            escape(name),
            escape(&policy.account_id)
        );
        for category in RiskCategory::ALL {
            let count = policy.count(category);
            let class = if count == 0 { "num zero" } else { "num" };
            let _ = write!(page, "<td class=\"{class}\">{count}</td>");
        }
        let _ = writeln!(
            page,
            "<td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            total(policy),
            policy.escalation_methods.len()
        );
    }
    page.push_str("</tbody>\n</table>\n");
}

fn policy_section(
    page: &mut String,
    index: usize,
    name: &str,
    policy: &PolicyReport,
    document: Option<&str>,
) {
    let _ = writeln!(
        page,
        "<section class=\"policy\" id=\"policy-{index}\">\n<h3>{}</h3>\n<p>Account ID {}</p>",
        escape(name),
        escape(&policy.account_id)
    );
    for (category, actions) in &policy.categories {
        let _ = write!(
            page,
            "<details><summary>{}: {} action{}</summary><ul class=\"actions\">",
            category.title(),
            actions.len(),
            if actions.len() == 1 { "" } else { "s" }
        );
        for action in actions {
            let _ = write!(page, "<li><code>{}</code></li>", escape(action));
        }
        page.push_str("</ul></details>\n");
    }
    if !policy.escalation_methods.is_empty() {
        let methods: Vec<String> = policy
            .escalation_methods
            .keys()
            .map(|m| escape(m))
            .collect();
        let _ = writeln!(
            page,
            "<p>Privilege-escalation methods: {}.</p>",
            methods.join(", ")
        );
    }
    match document {
        Some(text) => {
            let _ = writeln!(
                page,
                "<pre><code>{}</code></pre>",
                marked_json(text, policy)
            );
        }
        None => page.push_str("<p>(The policy's text is not part of this report.)</p>\n"),
    }
    page.push_str("</section>\n");
}

/// Where to put a `<mark>` in a policy's text, and what it says on hover.
struct Mark {
    span: Span,
    title: String,
}

/// The policy's text, escaped, with every risky `Action` entry of its Allow statements marked
/// (an entry is risky when it is, or as a wildcard matches, an action of the report), and the
/// `NotAction` key of Allow statements when the policy has findings (they grant the rest).
fn marked_json(text: &str, policy: &PolicyReport) -> String {
    let marks = match json::parse(text) {
        Ok(root) => marks(&root, policy),
        Err(_) => Vec::new(),
    };
    let mut out = String::new();
    let mut at = 0;
    for mark in marks {
        out.push_str(&escape(&text[at..mark.span.start]));
        let _ = write!(
            out,
            "<mark title=\"{}\">{}</mark>",
            escape(&mark.title),
            escape(&text[mark.span.start..mark.span.end])
        );
        at = mark.span.end;
    }
    out.push_str(&escape(&text[at..]));
    out
}

fn member<'v>(value: &'v Value, key: &str) -> Option<&'v Value> {
    match &value.kind {
        Kind::Object(members) => members.iter().find(|m| m.key == key).map(|m| &m.value),
        _ => None,
    }
}

fn strings(value: &Value) -> Vec<&Value> {
    match &value.kind {
        Kind::String(_) => vec![value],
        Kind::Array(items) => items
            .iter()
            .filter(|i| matches!(i.kind, Kind::String(_)))
            .collect(),
        _ => Vec::new(),
    }
}

/// The marks of a parsed policy, in text order.
fn marks(root: &Value, policy: &PolicyReport) -> Vec<Mark> {
    let statements = match member(root, "Statement") {
        Some(
            v @ Value {
                kind: Kind::Object(_),
                ..
            },
        ) => vec![v],
        Some(Value {
            kind: Kind::Array(items),
            ..
        }) => items.iter().collect(),
        _ => Vec::new(),
    };
    let mut marks = Vec::new();
    for statement in statements {
        let allows = member(statement, "Effect")
            .is_some_and(|e| matches!(&e.kind, Kind::String(s) if s == "Allow"));
        if !allows {
            continue;
        }
        for entry in member(statement, "Action").map(strings).unwrap_or_default() {
            let Kind::String(pattern) = &entry.kind else {
                continue;
            };
            if let Some(title) = risky_title(pattern, policy) {
                marks.push(Mark {
                    span: entry.span,
                    title,
                });
            }
        }
        let not_action = match &statement.kind {
            Kind::Object(members) => members.iter().find(|m| m.key == "NotAction"),
            _ => None,
        };
        if let Some(not_action) = not_action.filter(|_| !policy.categories.is_empty()) {
            marks.push(Mark {
                span: not_action.key_span,
                title: "NotAction allows every other action: the findings above may come from here"
                    .to_string(),
            });
        }
    }
    marks.sort_by_key(|m| m.span.start);
    marks
}

/// "Privilege Escalation: iam:passrole" for an entry that is (or matches) risky actions of
/// the report; `None` for one that matches none.
fn risky_title(pattern: &str, policy: &PolicyReport) -> Option<String> {
    let mut parts = Vec::new();
    for (category, actions) in &policy.categories {
        let hits: Vec<&str> = actions
            .iter()
            .filter(|a| glob_match(pattern, a))
            .map(String::as_str)
            .collect();
        if hits.is_empty() {
            continue;
        }
        const SHOWN: usize = 5;
        let mut list = hits[..hits.len().min(SHOWN)].join(", ");
        if hits.len() > SHOWN {
            let _ = write!(list, " and {} more", hits.len() - SHOWN);
        }
        parts.push(format!("{}: {list}", category.title()));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::ParsedPolicy;
    use crate::audit::analyze::{ReportConfig, analyze_policy};
    use crate::data::LevelSource;

    const HOSTILE_NAME: &str = "<script>alert('x')</script> & \"co\"";

    fn report_of(name: &str, text: &str) -> Report {
        let policy = ParsedPolicy::parse("p.json", text).unwrap();
        let mut warnings = Vec::new();
        let analysed = analyze_policy(
            &policy,
            name,
            "123456789012",
            &ReportConfig::default(),
            &LevelSource::Bundled,
            &mut warnings,
        );
        let mut report = Report::default();
        report
            .policies
            .extend(analysed.map(|r| (name.to_string(), r)));
        report
    }

    fn page(name: &str, text: &str) -> String {
        let report = report_of(name, text);
        let documents = BTreeMap::from([(name.to_string(), text.to_string())]);
        to_html(&report, &documents)
    }

    /// The page with the inline style and script cut out: what comes from the data.
    fn body(page: &str) -> &str {
        let start = page.find("<body>").unwrap();
        let end = page.rfind("<script>").unwrap();
        &page[start..end]
    }

    #[test]
    fn escape_covers_the_five_characters() {
        assert_eq!(
            escape(r#"<a href="x" title='y'>&amp;</a>"#),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;"
        );
    }

    #[test]
    fn names_and_policy_text_are_escaped() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Sid":"</pre><script>x()</script>","Effect":"Allow","Action":["iam:PassRole","s3:Get<b>&"],"Resource":"*"}]}"#;
        let html = page(HOSTILE_NAME, text);
        let body = body(&html);
        assert!(!body.contains("<script>"), "{body}");
        assert!(!body.contains("<b>"), "{body}");
        assert!(
            body.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;")
        );
        assert!(body.contains("s3:Get&lt;b&gt;&amp;"));
        // Exactly one script element: the page's own.
        assert_eq!(html.matches("<script>").count(), 1);
    }

    #[test]
    fn risky_entries_are_marked_and_others_not() {
        let text = r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":["iam:PassRole","ec2:RunInstances","s3:GetObject","ecr:Get*"],"Resource":"*"},
            {"Effect":"Deny","Action":"iam:CreateAccessKey","Resource":"arn:aws:iam::1:user/x"}]}"#;
        let html = page("p", text);
        let marked: Vec<&str> = html
            .split("<mark title=")
            .skip(1)
            .map(|m| &m[m.find('>').unwrap() + 1..m.find("</mark>").unwrap()])
            .collect();
        assert_eq!(
            marked,
            [
                "&quot;iam:PassRole&quot;",
                "&quot;ec2:RunInstances&quot;",
                "&quot;ecr:Get*&quot;"
            ]
        );
        assert!(html.contains(
            "<mark title=\"Credentials Exposure: ecr:getauthorizationtoken\">&quot;ecr:Get*&quot;</mark>"
        ));
        // The Deny's action is not marked, the JSON text is otherwise unchanged.
        let unmarked = html.replace("</mark>", "");
        assert!(unmarked.contains("&quot;Action&quot;:&quot;iam:CreateAccessKey&quot;"));
    }

    #[test]
    fn not_action_of_an_allow_is_marked() {
        let text = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"s3:*","Resource":"*"}}"#;
        let html = page("p", text);
        assert!(html.contains("\">&quot;NotAction&quot;</mark>"), "{html}");
    }

    #[test]
    fn counts_match_the_json_report() {
        let mut report = report_of(
            "a",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:PassRole","ec2:RunInstances","ecr:GetAuthorizationToken"],"Resource":"*"}]}"#,
        );
        let b = report_of(
            "b",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:CreateAccessKey","iam:PutUserPolicy","s3:PutBucketPolicy"],"Resource":"*"}]}"#,
        );
        report.policies.extend(b.policies);
        let html = to_html(&report, &BTreeMap::new());
        let json = report.to_json();
        for category in RiskCategory::ALL {
            let lengths: Vec<usize> = json
                .as_object()
                .unwrap()
                .values()
                .filter_map(|p| p.get(category.report_key()))
                .map(|a| a.as_array().unwrap().len())
                .collect();
            let row = format!(
                "<tr id=\"summary-{}\"><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                category.report_key(),
                category.title(),
                lengths.len(),
                lengths.iter().sum::<usize>()
            );
            assert!(html.contains(&row), "{row}\n{html}");
        }
        // Static order: most findings first; every policy has a row and a section.
        let first_a = html.find("data-policy=\"a\"").unwrap();
        let first_b = html.find("data-policy=\"b\"").unwrap();
        let (ta, tb) = (total(&report.policies["a"]), total(&report.policies["b"]));
        assert_eq!(first_a < first_b, ta >= tb, "a {ta}, b {tb}");
        assert!(html.contains("(The policy's text is not part of this report.)"));
    }

    #[test]
    fn an_empty_report_says_so() {
        let html = to_html(&Report::default(), &BTreeMap::new());
        assert!(html.contains("0 policies with findings"));
        assert!(html.contains("No policy has findings."));
        assert!(!html.contains("http://") && !html.contains("https://"));
    }
}
