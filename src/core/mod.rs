//! The safe core: Rust over nng-sys, one module per pynng object. It names the C types it
//! shares with the `extern "C"` layer from `crate::abi` only, never that layer itself; the
//! layer above only checks pointers and converts C values into the types of `types` before
//! calling in here.

pub(crate) use nng_sys as sys;

pub mod aio;
pub mod cq;
pub mod ctx;
pub mod device;
pub mod endpoint;
pub mod extern_nng;
pub(crate) mod held;
pub mod interruptible;
pub mod log;
pub mod msg;
pub(crate) mod oneshot;
pub mod options;
pub mod pipe;
pub mod sockaddr;
pub mod socket;
pub mod stats;
pub(crate) mod sync;
pub mod tls;
/// cbindgen:ignore
pub mod types;

/// Releases NNG's global state and pnng's registries. Every handle becomes invalid.
pub fn fini() {
    socket::forget_all();
    ctx::forget_all();
    interruptible::abandon();
    oneshot::retire_spares();
    // SAFETY: nng_fini closes every socket and joins NNG's threads; no handle is used afterwards.
    unsafe { sys::nng_fini() };
}
