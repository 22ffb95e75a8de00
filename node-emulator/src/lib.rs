//! The emulator of the CreateAICall service for Node.js tests, as a native module of its own (npm package
//! `ccc-aicall-emulator`): the runtime module (`node/`, package `ccc-aicall`) does not link it, so an application
//! ships without the test server. `ccc-aicall`'s `Emulator` class loads this module on its first `start()`.
// `#[napi]` registers items only in the cdylib: a test build (clippy --all-targets) sees them as unused.
#![cfg_attr(test, allow(dead_code))]

mod emulator;

pub use emulator::NativeEmulator;
