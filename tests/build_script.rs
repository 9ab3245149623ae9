//! The build script's decisions, compiled from its own files: which data the build-time
//! variables choose (`build/choice.rs`) and which checks the parsed data must pass
//! (`build/floors.rs`). The tests are the `#[cfg(test)]` modules of those files.

#[path = "../build/choice.rs"]
mod choice;
#[path = "../build/floors.rs"]
mod floors;
