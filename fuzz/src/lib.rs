//! Fuzz targets for ccc-aicall's untrusted-input surfaces: the invariants they assert ([`checks`]), the
//! structured request generator ([`gen`]) and the emulator's request check ([`emulator`]). Run them with
//! `make fuzz`.

pub mod checks;
pub mod emulator;
pub mod gen;
