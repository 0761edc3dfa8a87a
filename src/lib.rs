//! pnng: pynng's object model as a C ABI, over NNG 1.12.0.
//!
//! Three layers, each depending only on the ones before it:
//! - `abi` (with `error`'s codes): the C types, callback types and constants both other
//!   layers share;
//! - `core`: the safe Rust over nng-sys, one module per pynng object, with typed ids, flags
//!   and events;
//! - `ffi`: the thin `extern "C"` layer that checks pointers, converts C values into the
//!   core's types and calls the core. cbindgen turns `abi` and `ffi` into `include/pnng.h`;
//!   Rust item names there are the C names.

// The C types keep their C names (pnng_socket, pnng_msg, ...), as the header spells them.
#![allow(non_camel_case_types)]
// The exports' safety contract is their C documentation, which cbindgen copies into the header;
// a `# Safety` section in each would repeat it there word for word.
#![allow(clippy::missing_safety_doc)]
#![warn(clippy::undocumented_unsafe_blocks)]

pub mod abi;
pub mod core;
pub mod error;
pub mod ffi;
pub mod version;
