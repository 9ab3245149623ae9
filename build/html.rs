//! Parser of one AWS "Actions, resources, and condition keys" page.
//!
//! Follows the rules of upstream policy_sentry's `create_database` (0.15.2) exactly, quirks
//! included, because the embedded data must equal upstream's parse field by field: tables are
//! found by their header text, an actions table ends at the first row that does not have six
//! cells, rows of a `rowspan` are merged, and a later row with the same resource type replaces
//! an earlier one.

use indexmap::IndexMap;
use scraper::{ElementRef, Html, Node, Selector};

/// Collapse every run of whitespace to one space and trim (upstream's `chomp`).
pub fn chomp(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Delete all whitespace (upstream's `no_white_space`).
pub fn no_white_space(s: &str) -> String {
    s.split_whitespace().collect()
}

/// One row of an action's resource-type table.
#[derive(Debug, Clone)]
pub struct ResourceTypeRow {
    pub resource_type: String,
    pub required: bool,
    pub condition_keys: Vec<String>,
    pub dependent_actions: Vec<String>,
}

/// What the action's first cell said about its API documentation link.
#[derive(Debug, Clone)]
pub enum LinkSeen {
    /// The cell had no `<a>` at all: upstream keeps the link of the previous action (its
    /// variable is not reset), which the merge step reproduces.
    Unchanged,
    Set(Option<String>),
}

#[derive(Debug, Clone)]
pub struct PageAction {
    /// Name as stored (after dropping " [permission only]").
    pub name: String,
    /// Name as the override lookup sees it (before that drop).
    pub name_for_override: String,
    pub description: String,
    pub access_level: String,
    pub resource_types: IndexMap<String, ResourceTypeRow>,
    pub link: LinkSeen,
}

#[derive(Debug, Clone)]
pub struct PageResource {
    pub name: String,
    pub arn: String,
    pub condition_keys: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct PageCondition {
    pub name: String,
    pub description: String,
    pub value_type: String,
}

#[derive(Debug)]
pub struct Page {
    pub file: String,
    pub service_name: String,
    pub prefix: String,
    pub actions: Vec<PageAction>,
    pub resources: Vec<PageResource>,
    pub conditions: Vec<PageCondition>,
    /// Actions tables that ended early at a row without six cells: (last action read, row
    /// number of the stop). Upstream loses what follows; so do we, for parity, and we report it.
    pub truncations: Vec<(String, usize)>,
}

struct Selectors {
    main: Selector,
    title: Selector,
    table_div: Selector,
    th: Selector,
    tr: Selector,
    td: Selector,
    a: Selector,
    p: Selector,
    code: Selector,
}

fn selector(s: &str) -> Selector {
    // The selectors are literals in this file; a parse failure is a programming error.
    Selector::parse(s).unwrap_or_else(|e| panic!("invalid selector {s}: {e:?}"))
}

impl Selectors {
    fn new() -> Self {
        Selectors {
            main: selector("#main-content"),
            title: selector("h1.topictitle"),
            table_div: selector("div.table-contents"),
            th: selector("th"),
            tr: selector("tr"),
            td: selector("td"),
            a: selector("a"),
            p: selector("p"),
            code: selector("code"),
        }
    }
}

fn text(e: ElementRef<'_>) -> String {
    e.text().collect()
}

/// Upstream compares each `<th>`'s serialised HTML, whitespace-collapsed and lower-cased, with
/// a substring (`"actions"`, `"<th> condition keys </th>"`).
fn header_matches(headers: &[String], needle: &str) -> bool {
    headers.iter().any(|h| h.contains(needle))
}

/// Remove `.*Actions, resources, and condition keys for *` (case-insensitive, `.` not matching
/// a newline) as upstream's `re.sub` does, line by line.
fn strip_title_phrase(title: &str) -> String {
    const PHRASE: &str = "actions, resources, and condition keys for";
    let mut out = String::with_capacity(title.len());
    for (i, line) in title.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let lower = line.to_ascii_lowercase();
        match lower.rfind(PHRASE) {
            Some(pos) => {
                let rest = &line[pos + PHRASE.len()..];
                out.push_str(rest.trim_start_matches(' '));
            }
            None => out.push_str(line),
        }
    }
    out
}

/// `Ok(None)`: the page has no `id="main-content"` element — not a reference page (the 2026
/// set has a "301 Moved Permanently" stub). Upstream skips such pages; we skip and report them.
pub fn parse_page(file: &str, html: &str) -> Result<Option<Page>, String> {
    let sel = Selectors::new();
    let doc = Html::parse_document(html);
    let Some(main) = doc.select(&sel.main).next() else {
        return Ok(None);
    };
    let title = main
        .select(&sel.title)
        .next()
        .ok_or_else(|| format!("{file}: no <h1 class=\"topictitle\"> in main-content"))?;
    let mut page = Page {
        file: file.to_string(),
        service_name: chomp(&strip_title_phrase(&text(title)).replace("</h1>", "")),
        prefix: service_prefix(file, title, &sel)?,
        actions: Vec::new(),
        resources: Vec::new(),
        conditions: Vec::new(),
        truncations: Vec::new(),
    };

    // Each table is recognised by its header cells, as upstream does: every actions table
    // first, then every resource-types table, then every condition-keys table.
    let tables: Vec<(ElementRef<'_>, Vec<String>)> = main
        .select(&sel.table_div)
        .map(|div| {
            let headers = div
                .select(&sel.th)
                .map(|th| chomp(&th.html()).to_lowercase())
                .collect();
            (div, headers)
        })
        .collect();
    let having = |a: &'static str, b: &'static str| {
        tables
            .iter()
            .filter(move |(_, h)| header_matches(h, a) && header_matches(h, b))
            .map(|(div, _)| *div)
    };
    for div in having("actions", "description") {
        parse_actions_table(file, div, &sel, &mut page)?;
    }
    for div in having("resource types", "arn") {
        for cells in three_cell_rows(
            file,
            div,
            &sel,
            "resource types",
            "resource type, ARN, condition keys",
        )? {
            page.resources.push(PageResource {
                name: chomp(&text(cells[0])),
                arn: no_white_space(&text(cells[1])),
                condition_keys: paragraphs(cells[2], &sel),
            });
        }
    }
    for div in having("<th> condition keys </th>", "<th> type </th>") {
        for cells in three_cell_rows(file, div, &sel, "condition keys", "key, description, type")? {
            page.conditions.push(PageCondition {
                name: no_white_space(&text(cells[0])),
                description: chomp(&text(cells[1])),
                value_type: chomp(&text(cells[2])),
            });
        }
    }
    Ok(Some(page))
}

/// The prefix: the first child of the title's parent whose serialisation mentions "prefix",
/// then the first `<code class="code">` in it.
fn service_prefix(file: &str, title: ElementRef<'_>, sel: &Selectors) -> Result<String, String> {
    let parent = title
        .parent()
        .and_then(ElementRef::wrap)
        .ok_or_else(|| format!("{file}: the page title has no parent element"))?;
    for child in parent.children() {
        let holder = match child.value() {
            Node::Element(_) => ElementRef::wrap(child),
            Node::Text(t) if t.contains("prefix") => {
                return Err(format!(
                    "{file}: text mentioning the prefix outside an element"
                ));
            }
            _ => None,
        };
        let Some(holder) = holder else { continue };
        if !holder.html().contains("prefix") {
            continue;
        }
        let code = holder
            .select(&sel.code)
            .find(|c| c.value().attr("class") == Some("code") && c.value().attrs().count() == 1)
            .ok_or_else(|| {
                format!(
                    "{file}: the paragraph naming the service prefix has no <code class=\"code\">"
                )
            })?;
        let prefix = chomp(&code.inner_html());
        if prefix.is_empty() {
            return Err(format!("{file}: empty service prefix"));
        }
        return Ok(prefix);
    }
    Err(format!(
        "{file}: no \"service prefix:\" paragraph after the title"
    ))
}

/// The `<td>` rows of a resource-types or condition-keys table, each of exactly three cells
/// (`columns` names them for the error); header rows (no `<td>`) are skipped.
fn three_cell_rows<'a>(
    file: &str,
    div: ElementRef<'a>,
    sel: &Selectors,
    table: &str,
    columns: &str,
) -> Result<Vec<Vec<ElementRef<'a>>>, String> {
    let mut rows = Vec::new();
    for (i, row) in div.select(&sel.tr).enumerate() {
        let cells: Vec<ElementRef<'a>> = row.select(&sel.td).collect();
        if cells.is_empty() {
            continue;
        }
        if cells.len() != 3 {
            return Err(format!(
                "{file}: {table} table row {i} has {} cells, expected 3 ({columns})",
                cells.len()
            ));
        }
        rows.push(cells);
    }
    Ok(rows)
}

/// The whitespace-collapsed text of each `<p>` of a cell.
fn paragraphs(cell: ElementRef<'_>, sel: &Selectors) -> Vec<String> {
    cell.select(&sel.p).map(|p| chomp(&text(p))).collect()
}

/// Read one actions table into `page`. A row of six cells starts an action; its `rowspan`
/// says how many rows (the first with six cells, the others with three) hold its resource
/// types. The table ends at the first row with another number of cells, as upstream's does.
fn parse_actions_table(
    file: &str,
    div: ElementRef<'_>,
    sel: &Selectors,
    page: &mut Page,
) -> Result<(), String> {
    let rows: Vec<ElementRef<'_>> = div.select(&sel.tr).collect();
    let mut row_number = 0;
    while row_number < rows.len() {
        let cells: Vec<ElementRef<'_>> = rows[row_number].select(&sel.td).collect();
        if cells.is_empty() {
            row_number += 1;
            continue;
        }
        if cells.len() != 6 {
            let last = page
                .actions
                .last()
                .map(|a| a.name.clone())
                .unwrap_or_default();
            page.truncations.push((last, row_number));
            break;
        }
        let rowspan: usize = match cells[0].value().attr("rowspan") {
            Some(v) => v.trim().parse().map_err(|_| {
                format!("{file}: actions table row {row_number}: rowspan {v:?} is not a number")
            })?,
            None => 1,
        };
        let (name, link) = action_name_and_link(cells[0], sel);
        let mut resource_types = IndexMap::new();
        for span_row in 0..rowspan {
            let (cells, first_cell) = if span_row == 0 {
                (cells.clone(), 3)
            } else {
                let row = rows.get(row_number + span_row).ok_or_else(|| {
                    format!("{file}: action {name}: rowspan runs past the end of the actions table")
                })?;
                (row.select(&sel.td).collect(), 0)
            };
            // Upstream reads a row of three or six cells; other rows of a span add nothing.
            if cells.len() == 3 || cells.len() == 6 {
                let row = resource_type_row(file, &name, &cells[first_cell..], sel)?;
                // A later row with the same resource type replaces the earlier one.
                resource_types.insert(row.resource_type.clone(), row);
            }
        }
        // A `rowspan="0"` row holds no resource type and still counts as one row.
        row_number += rowspan.max(1);
        page.actions.push(PageAction {
            // Upstream keeps the text before " [permission only]", but looks the override up
            // under the whole text.
            name: if name.contains("[permission only]") {
                name.split(' ').next().unwrap_or_default().to_string()
            } else {
                name.clone()
            },
            name_for_override: name,
            description: chomp(&text(cells[1])),
            access_level: chomp(&text(cells[2])),
            resource_types,
            link,
        });
    }
    Ok(())
}

/// The action's name and link from its first cell: the text and `href` of the last `<a>` with
/// an `href` (an `<a>` without one, an anchor, clears the link); without such a link the name
/// is the whole cell's text.
fn action_name_and_link(cell: ElementRef<'_>, sel: &Selectors) -> (String, LinkSeen) {
    let mut link = LinkSeen::Unchanged;
    let mut name = String::new();
    for a in cell.select(&sel.a) {
        match a.value().attr("href") {
            None => link = LinkSeen::Set(None),
            Some(href) => {
                link = LinkSeen::Set(Some(href.to_string()));
                name = chomp(&text(a));
            }
        }
    }
    if name.is_empty() {
        name = chomp(&text(cell));
    }
    (name, link)
}

/// One resource-type row from its three cells: resource type (a trailing `*` marks it
/// required), condition keys, dependent actions (service part lower-cased).
fn resource_type_row(
    file: &str,
    action: &str,
    cells: &[ElementRef<'_>],
    sel: &Selectors,
) -> Result<ResourceTypeRow, String> {
    let mut resource_type = chomp(&text(cells[0]));
    let required = resource_type.contains('*');
    if required {
        resource_type = resource_type.trim_matches('*').to_string();
    }
    let condition_keys = if text(cells[1]).is_empty() {
        Vec::new()
    } else {
        paragraphs(cells[1], sel)
    };
    let mut dependent_actions = Vec::new();
    if !text(cells[2]).is_empty() {
        for dependent in paragraphs(cells[2], sel) {
            let mut parts = dependent.split(':');
            let (Some(service), Some(rest), None) = (parts.next(), parts.next(), parts.next())
            else {
                return Err(format!(
                    "{file}: action {action}: dependent action {dependent:?} is not of the form service:Action"
                ));
            };
            dependent_actions.push(format!("{}:{rest}", service.to_lowercase()));
        }
    }
    Ok(ResourceTypeRow {
        resource_type,
        required,
        condition_keys,
        dependent_actions,
    })
}
