//! The bundled access-level overrides (`aws-docs/access-level-overrides.yml`):
//! service prefix → access level → lower-case action names.

use indexmap::IndexMap;

use crate::model::level_index;

#[derive(Debug, Default)]
pub struct Overrides {
    /// prefix → [(level index, lower-case action names)] in file order.
    by_service: IndexMap<String, Vec<(u8, Vec<String>)>>,
}

impl Overrides {
    pub fn parse(path: &str, text: &str) -> Result<Overrides, String> {
        let raw: IndexMap<String, IndexMap<String, Vec<String>>> =
            serde_saphyr::from_str(text).map_err(|e| format!("{path}: {e}"))?;
        let mut by_service = IndexMap::new();
        for (prefix, levels) in raw {
            let mut entries = Vec::new();
            for (level, actions) in levels {
                let index = level_index(&level).ok_or_else(|| {
                    format!("{path}: service {prefix}: unknown access level {level:?}")
                })?;
                entries.push((index, actions));
            }
            by_service.insert(prefix, entries);
        }
        Ok(Overrides { by_service })
    }

    /// The level an action is overridden to, if the file lists it (first listing wins).
    pub fn level_for(&self, prefix: &str, action: &str) -> Option<u8> {
        let lower = action.to_lowercase();
        self.by_service
            .get(prefix)?
            .iter()
            .find(|(_, actions)| actions.contains(&lower))
            .map(|(level, _)| *level)
    }

    /// (prefix, level, lower-case action) for every entry, in file order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, u8, &str)> {
        self.by_service.iter().flat_map(|(prefix, levels)| {
            levels.iter().flat_map(move |(level, actions)| {
                actions
                    .iter()
                    .map(move |a| (prefix.as_str(), *level, a.as_str()))
            })
        })
    }
}
