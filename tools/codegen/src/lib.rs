//! `ccc-aicall-codegen`: writes the bindings' generated blocks from the core's declarations (`ccc_aicall::SCHEMA`,
//! `ccc_aicall::tts::VENDORS`, `ccc_aicall::config::OPTIONS`), so that a parameter, a TTS setting or a client
//! option is declared once, in the core, and appears typed and documented in Python, Node and the READMEs.
//!
//! `write` rewrites every block in place; `check` rewrites nothing and reports each block that differs from what
//! `write` would produce (`make lint` runs it, so a declaration changed without `make gen` fails the gate).

pub mod blocks;
pub mod diff;
mod docs;
mod markdown;
mod python;
mod python_tts;
pub mod targets;
mod typescript;

pub use targets::{run, Mode, Stale, MAX_COLUMNS, TARGETS};
