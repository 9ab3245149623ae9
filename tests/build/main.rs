//! The build script on its own, compiled from its own files without a build and without
//! `../shared`: which data the build-time variables choose (`build/choice.rs`), which checks
//! the parsed data must pass (`build/floors.rs`) — their `#[cfg(test)]` modules — and the page
//! parser (`build/html.rs`, `build/model.rs`, the overrides reader shared with the runtime)
//! over the saved page fragments of `tests/files/build-parser/` ([`parser`]).
//!
//! A binary of its own: the build modules refer to each other from the crate root
//! (`crate::floors`), and this binary does not link the library (a few MB, not ~200).

#[path = "../../build/choice.rs"]
mod choice;
#[allow(dead_code)]
#[path = "../../build/floors.rs"]
mod floors;
#[allow(dead_code)]
#[path = "../../build/html.rs"]
mod html;
#[allow(dead_code)]
#[path = "../../build/model.rs"]
mod model;
#[allow(dead_code)]
#[path = "../../src/data/overrides_format.rs"]
mod overrides_format;
#[path = "../../build/pieces.rs"]
mod pieces;

mod parser;
