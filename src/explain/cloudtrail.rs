//! CloudTrail events whose `errorCode` is a denial: one JSON document (an event, a list of
//! events, `{"Records": […]}`) or JSON lines.

use serde_json::Value;

use super::{Denied, Event, Reason, Source, message};

/// The `errorCode`s of a denied request.
pub const DENIED_CODES: [&str; 4] = [
    "AccessDenied",
    "AccessDeniedException",
    "Client.UnauthorizedOperation",
    "UnauthorizedOperation",
];

/// The denials of a text that is one JSON document holding CloudTrail events; `None` when it
/// is not JSON or holds no event (then it is read line by line).
pub(super) fn whole_document(text: &str) -> Option<Vec<Denied>> {
    let trimmed = text.trim_start();
    if !trimmed.starts_with(['{', '[']) {
        return None;
    }
    let value: Value = serde_json::from_str(text).ok()?;
    let offset = text.len() - trimmed.len();
    let first_line = 1 + text[..offset].matches('\n').count();
    let mut found = events_of(&value, first_line)?;
    place_on_lines(text, &value, &mut found);
    Some(found)
}

/// The line of each event of a document, where its `"eventSource"` key is (one per event, in
/// order); left on the document's first line when the keys cannot be told apart.
fn place_on_lines(text: &str, value: &Value, found: &mut [Denied]) {
    let keys: Vec<usize> = text
        .match_indices("\"eventSource\"")
        .map(|(at, _)| at)
        .collect();
    if keys.len() != count_events(value) {
        return;
    }
    let newlines: Vec<usize> = text.match_indices('\n').map(|(at, _)| at).collect();
    let line_of = |at: usize| 1 + newlines.partition_point(|&n| n < at);
    for denied in found.iter_mut() {
        if let Some(&at) = denied.event.as_ref().and_then(|e| keys.get(e.index - 1)) {
            denied.line = line_of(at);
        }
    }
}

fn count_events(value: &Value) -> usize {
    event_list(value).map_or(0, |events| events.len())
}

/// The denials of one JSON line holding CloudTrail events; `None` when the line is not one.
pub(super) fn json_line(line: &str, number: usize) -> Option<Vec<Denied>> {
    let trimmed = line.trim();
    if !trimmed.starts_with('{') || !trimmed.contains("eventSource") {
        return None;
    }
    let value: Value = serde_json::from_str(trimmed).ok()?;
    events_of(&value, number)
}

/// The events of a document, `None` when it holds none (it is some other JSON).
fn events_of(value: &Value, line: usize) -> Option<Vec<Denied>> {
    let events = event_list(value)?;
    if events.is_empty() {
        return None;
    }
    Some(
        events
            .into_iter()
            .enumerate()
            .filter_map(|(i, e)| denied_event(e, line, i + 1))
            .collect(),
    )
}

/// The CloudTrail events of a document: itself, its items, or its `Records`.
fn event_list(value: &Value) -> Option<Vec<&Value>> {
    let events: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        Value::Object(map) => match map.get("Records") {
            Some(Value::Array(items)) => items.iter().collect(),
            _ => vec![value],
        },
        _ => return None,
    };
    Some(events.into_iter().filter(|e| is_event(e)).collect())
}

fn is_event(value: &Value) -> bool {
    value.get("eventSource").is_some_and(Value::is_string)
        && value.get("eventName").is_some_and(Value::is_string)
}

fn text_of<'a>(event: &'a Value, key: &str) -> Option<&'a str> {
    event.get(key).and_then(Value::as_str)
}

/// A denied event: its standard message when `errorMessage` holds one, else the event
/// source's prefix and the event name.
fn denied_event(event: &Value, line: usize, index: usize) -> Option<Denied> {
    let code = text_of(event, "errorCode")?;
    if !DENIED_CODES.contains(&code) {
        return None;
    }
    let source = text_of(event, "eventSource")?;
    let name = text_of(event, "eventName")?;
    let parsed =
        text_of(event, "errorMessage").map_or(Vec::new(), |m| message::parse_line(m, line));
    let encoded = parsed.iter().find_map(|d| d.encoded_message.clone());
    let mut denied = parsed
        .into_iter()
        .find(|d| d.action.is_some())
        .unwrap_or_else(|| {
            let mut d = Denied::new(line, Source::CloudTrail, Reason::Unstated);
            d.action = Some(format!("{}:{name}", service_prefix(source)));
            d.encoded_message = encoded;
            d
        });
    denied.source = Source::CloudTrail;
    if denied.principal.is_none() {
        denied.principal = event
            .get("userIdentity")
            .and_then(|u| text_of(u, "arn"))
            .map(String::from);
    }
    denied.event = Some(Event {
        event_source: source.to_string(),
        event_name: name.to_string(),
        error_code: code.to_string(),
        event_time: text_of(event, "eventTime").map(String::from),
        index,
    });
    Some(denied)
}

/// The service prefix of an event source (`s3.amazonaws.com` → `s3`). CloudWatch's events
/// come from `monitoring`; other sources are their prefix.
pub fn service_prefix(event_source: &str) -> &str {
    let host = event_source
        .strip_suffix(".amazonaws.com")
        .unwrap_or(event_source);
    match host {
        "monitoring" => "cloudwatch",
        other => other,
    }
}
