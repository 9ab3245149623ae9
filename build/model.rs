//! The IAM database as build.rs assembles it from the parsed pages, before code generation.
//! Maps keep insertion order and a re-inserted key keeps its place but takes the new value,
//! exactly like the Python dicts of upstream's iam-definition.json.

use indexmap::IndexMap;

use crate::floors::{Facts, KEY_ACTIONS, KeyAction};
use crate::html::{LinkSeen, Page, ResourceTypeRow};
use crate::overrides_format::OverridesFile;

pub use crate::overrides_format::LEVELS;

#[derive(Debug)]
pub struct Privilege {
    pub name: String,
    pub description: String,
    /// Index into [`LEVELS`] after the bundled overrides.
    pub level: u8,
    /// Index into [`LEVELS`] as the page says.
    pub raw_level: u8,
    pub resource_types: IndexMap<String, ResourceTypeRow>,
    pub link: Option<String>,
}

/// A resource type and a condition key are kept as a page lists them.
pub use crate::html::{PageCondition as Condition, PageResource as Resource};

#[derive(Debug)]
pub struct Service {
    pub prefix: String,
    pub name: String,
    pub url: String,
    pub privileges: IndexMap<String, Privilege>,
    pub resources: IndexMap<String, Resource>,
    pub conditions: IndexMap<String, Condition>,
}

#[derive(Debug, Default)]
pub struct Database {
    pub services: IndexMap<String, Service>,
    /// (page file, last action before the stop, row number) of actions tables cut short.
    pub truncations: Vec<(String, String, usize)>,
    /// Actions whose level the bundled overrides changed.
    pub overridden: usize,
    /// Pages without a `main-content` element (redirect stubs), skipped like upstream.
    pub skipped_pages: Vec<String>,
}

pub fn level_index(level: &str) -> Option<u8> {
    LEVELS.iter().position(|l| *l == level).map(|i| i as u8)
}

const AUTHORIZATION_URL_PREFIX: &str =
    "https://docs.aws.amazon.com/service-authorization/latest/reference";

impl Database {
    /// Merge pages in file-name order (the caller sorts them).
    pub fn from_pages(pages: Vec<Page>, overrides: &OverridesFile) -> Result<Database, String> {
        let mut db = Database::default();
        // Upstream never resets its `api_documentation_link` variable between actions.
        let mut current_link: Option<String> = None;
        for page in pages {
            let service = db
                .services
                .entry(page.prefix.clone())
                .or_insert_with(|| Service {
                    prefix: page.prefix.clone(),
                    name: page.service_name.clone(),
                    url: format!("{AUTHORIZATION_URL_PREFIX}/{}", page.file),
                    privileges: IndexMap::new(),
                    resources: IndexMap::new(),
                    conditions: IndexMap::new(),
                });
            for action in page.actions {
                if let LinkSeen::Set(link) = action.link {
                    current_link = link;
                }
                let raw_level = level_index(&action.access_level).ok_or_else(|| {
                    format!(
                        "{}: action {}: access level {:?} is none of {:?}",
                        page.file, action.name, action.access_level, LEVELS
                    )
                })?;
                let level = overrides
                    .level_for(&page.prefix, &action.name_for_override)
                    .and_then(level_index)
                    .unwrap_or(raw_level);
                service.privileges.insert(
                    action.name.clone(),
                    Privilege {
                        name: action.name,
                        description: action.description,
                        level,
                        raw_level,
                        resource_types: action.resource_types,
                        link: current_link.clone(),
                    },
                );
            }
            for r in page.resources {
                service.resources.insert(r.name.clone(), r);
            }
            for c in page.conditions {
                service.conditions.insert(c.name.clone(), c);
            }
            for (action, row) in page.truncations {
                db.truncations.push((page.file.clone(), action, row));
            }
        }
        db.count_overridden();
        Ok(db)
    }

    /// Set [`Database::overridden`] from the levels.
    pub fn count_overridden(&mut self) {
        self.overridden = self
            .services
            .values()
            .flat_map(|s| s.privileges.values())
            .filter(|p| p.level != p.raw_level)
            .count();
    }

    pub fn action_count(&self) -> usize {
        self.services.values().map(|s| s.privileges.len()).sum()
    }

    /// What `build/floors.rs` decides on.
    pub fn facts(&self) -> Facts {
        let key_actions = KEY_ACTIONS.map(|(prefix, action)| match self.services.get(prefix) {
            None => KeyAction::ServiceMissing,
            Some(s) if !s.privileges.contains_key(action) => KeyAction::ActionMissing,
            Some(s) if s.resources.is_empty() => KeyAction::NoResourceTypes,
            Some(_) => KeyAction::Present,
        });
        Facts {
            services: self.services.len(),
            actions: self.action_count(),
            key_actions,
        }
    }
}
