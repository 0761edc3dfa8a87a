//! The safe core: Rust over nng-sys, one module per pynng object. The `extern "C"` layer in
//! `crate::ffi` only checks pointers and converts types before calling in here.

pub(crate) use nng_sys as sys;

pub mod aio;
pub mod cq;
pub mod ctx;
pub mod device;
pub mod endpoint;
pub mod extern_nng;
pub mod interruptible;
pub mod log;
pub mod msg;
pub(crate) mod oneshot;
pub mod options;
pub mod pipe;
pub mod sockaddr;
pub mod socket;
pub mod stats;
pub mod tls;

/// NNG's handle structs are opaque 32-bit blobs; these build them from ids.
pub(crate) fn nng_socket(id: u32) -> sys::nng_socket {
    sys::nng_socket_s {
        _bindgen_opaque_blob: id,
    }
}
pub(crate) fn nng_dialer(id: u32) -> sys::nng_dialer {
    sys::nng_dialer_s {
        _bindgen_opaque_blob: id,
    }
}
pub(crate) fn nng_listener(id: u32) -> sys::nng_listener {
    sys::nng_listener_s {
        _bindgen_opaque_blob: id,
    }
}
pub(crate) fn nng_pipe(id: u32) -> sys::nng_pipe {
    sys::nng_pipe_s {
        _bindgen_opaque_blob: id,
    }
}
pub(crate) fn nng_ctx(id: u32) -> sys::nng_ctx {
    sys::nng_ctx_s {
        _bindgen_opaque_blob: id,
    }
}

/// Releases NNG's global state and pnng's registries. Every handle becomes invalid.
pub fn fini() {
    socket::forget_all();
    ctx::forget_all();
    interruptible::abandon();
    oneshot::retire_spares();
    // SAFETY: nng_fini closes every socket and joins NNG's threads; no handle is used afterwards.
    unsafe { sys::nng_fini() };
}
