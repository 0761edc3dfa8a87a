//! pnng: pynng's object model as a C ABI, over NNG 1.12.0.
//!
//! `core` holds the safe Rust over nng-sys, one module per pynng object; `ffi` holds the thin
//! `extern "C"` layer that cbindgen turns into `include/pnng.h`. Rust item names in `ffi` are
//! the C names.

#![allow(non_camel_case_types)]
#![allow(clippy::missing_safety_doc)]

pub mod core;
pub mod error;
pub mod ffi;
pub mod version;
