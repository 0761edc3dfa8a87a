//! TLS configuration (pynng `TLSConfig`) for `tls+tcp://` and `wss://`.

use super::cast::{clone_arc, free_arc, to_arc_ptr, try_ref};
use super::{
    cstr, ffi_boundary, ffi_result, opt_cstr, out_ptr, pnng_dialer, pnng_listener, pnng_socket, put,
};
use crate::core::options::Target;
use crate::core::tls::TlsConfig;
use crate::core::types::{TlsAuthMode, TlsMode};
use crate::error::{Result, pnng_result};
use std::ffi::{c_char, c_int};
use std::sync::Arc;

/// A TLS configuration: mode (client or server), certificates, keys, peer verification.
///
/// Create it with `pnng_tls_config_new`, configure it, then give it to a socket, dialer or
/// listener with `pnng_socket_set_tls` / `pnng_dialer_set_tls` / `pnng_listener_set_tls`
/// (before dialing or listening); they keep their own reference, so the caller may release
/// its one with `pnng_tls_config_free` right away. `pnng_tls_config_clone` adds a reference.
/// Changes after attaching do not affect connections already made.
///
/// Verification: a client verifies the server's certificate against the CA chain (auth mode
/// REQUIRED by default for clients) and, when a server name is set, that the certificate
/// matches it. With no server name, no host name check is made (see README: mbedTLS 3.6.3+).
///
/// Methods: `pnng_tls_config_server_name`, `_ca_chain`, `_own_cert`, `_ca_file`,
/// `_cert_key_file`, `_auth_mode`, `_clone`, `_free`.
///
/// Thread safety: shareable.
///
/// @ingroup tls
pub struct pnng_tls_config {
    _private: [u8; 0],
}

fn cfg<'a>(c: *const pnng_tls_config) -> Result<&'a TlsConfig> {
    try_ref(c)
}

/// A new configuration for `mode` (`PNNG_TLS_MODE_CLIENT` or `PNNG_TLS_MODE_SERVER`; anything else
/// `PNNG_EINVAL`). The caller owns one reference.
///
/// @param mode `PNNG_TLS_MODE_CLIENT` or `PNNG_TLS_MODE_SERVER`.
/// @param cfg_out Receives the configuration on success; the caller owns one reference.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL `mode` is not a TLS mode, or `cfg_out` is NULL.
/// @ingroup tls
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_tls_config_new(
    mode: c_int,
    cfg_out: *mut *mut pnng_tls_config,
) -> pnng_result {
    ffi_result! {
        let out = out_ptr(cfg_out)?;
        put(out, to_arc_ptr(Arc::new(TlsConfig::new(TlsMode::try_from(mode)?)?)));
        Ok(())
    }
}

/// Adds a reference and returns `cfg` (NULL for NULL).
///
/// @param c The TLS configuration.
/// @return `c` itself, now with one more reference (NULL for NULL).
/// @ingroup tls
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_tls_config_clone(c: *mut pnng_tls_config) -> *mut pnng_tls_config {
    ffi_boundary! {
        // The new reference is the caller's: it leaves Rust's hands as the returned pointer.
        clone_arc(c).map_or(std::ptr::null_mut(), to_arc_ptr)
    }
}

/// Drops one reference. NULL is fine.
///
/// @param c The TLS configuration.
/// @ingroup tls
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_tls_config_free(c: *mut pnng_tls_config) {
    ffi_boundary! {
        free_arc(c)
    }
}

/// The name the server's certificate must match (also sent as SNI). NULL or "" clears it (no host
/// name check).
///
/// @param c The TLS configuration.
/// @param name The server name; NULL or "" clears it.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup tls
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_tls_config_server_name(
    c: *mut pnng_tls_config,
    name: *const c_char,
) -> pnng_result {
    ffi_result! { cfg(c)?.server_name(opt_cstr(name)) }
}

/// Trusted CA certificates as a PEM string, with an optional CRL (PEM, NULL for none). Garbage PEM
/// gives `PNNG_ECRYPTO` or `PNNG_EINVAL`.
///
/// @param c The TLS configuration.
/// @param pem The CA certificates, PEM.
/// @param crl_pem A certificate revocation list, PEM; may be NULL.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECRYPTO The PEM could not be parsed.
/// @retval PNNG_EINVAL Garbage PEM, or a required pointer argument is NULL.
/// @ingroup tls
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_tls_config_ca_chain(
    c: *mut pnng_tls_config,
    pem: *const c_char,
    crl_pem: *const c_char,
) -> pnng_result {
    ffi_result! { cfg(c)?.ca_chain(cstr(pem)?, opt_cstr(crl_pem)) }
}

/// This side's certificate (chain) and private key as PEM strings; `pass` decrypts the key (NULL
/// for none). A key that does not match the certificate fails.
///
/// @param c The TLS configuration.
/// @param cert_pem The certificate (chain), PEM.
/// @param key_pem The private key, PEM.
/// @param pass The key's password; may be NULL.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECRYPTO The PEM could not be parsed, or the key does not match.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup tls
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_tls_config_own_cert(
    c: *mut pnng_tls_config,
    cert_pem: *const c_char,
    key_pem: *const c_char,
    pass: *const c_char,
) -> pnng_result {
    ffi_result! { cfg(c)?.own_cert(cstr(cert_pem)?, cstr(key_pem)?, opt_cstr(pass)) }
}

/// Adds trusted CAs from a PEM file (and CRLs in it).
///
/// @param c The TLS configuration.
/// @param path The PEM file's path.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECRYPTO The PEM could not be parsed, or the key does not match.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup tls
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_tls_config_ca_file(
    c: *mut pnng_tls_config,
    path: *const c_char,
) -> pnng_result {
    ffi_result! { cfg(c)?.ca_file(cstr(path)?) }
}

/// This side's certificate and key from one PEM file; `pass` may be NULL.
///
/// @param c The TLS configuration.
/// @param path The PEM file's path (certificate and key).
/// @param pass The key's password; may be NULL.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECRYPTO The PEM could not be parsed, or the key does not match.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup tls
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_tls_config_cert_key_file(
    c: *mut pnng_tls_config,
    path: *const c_char,
    pass: *const c_char,
) -> pnng_result {
    ffi_result! { cfg(c)?.cert_key_file(cstr(path)?, opt_cstr(pass)) }
}

/// Peer verification, `PNNG_TLS_AUTH_MODE_NONE`, `_OPTIONAL` or `_REQUIRED` (all three honoured);
/// anything else `PNNG_EINVAL`.
///
/// @param c The TLS configuration.
/// @param mode `PNNG_TLS_AUTH_MODE_NONE`, `PNNG_TLS_AUTH_MODE_OPTIONAL` or
///        `PNNG_TLS_AUTH_MODE_REQUIRED`.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_EINVAL `mode` is not an auth mode, or `c` is NULL.
/// @ingroup tls
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_tls_config_auth_mode(
    c: *mut pnng_tls_config,
    mode: c_int,
) -> pnng_result {
    ffi_result! { cfg(c)?.auth_mode(TlsAuthMode::try_from(mode)?) }
}

/// Uses `cfg` for the socket's future `tls+tcp://` and `wss://` dialers and listeners. The socket
/// keeps its own reference.
///
/// @param s The socket.
/// @param c The TLS configuration.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ECLOSED The socket is closed or was never opened.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup socket
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_socket_set_tls(
    s: pnng_socket,
    c: *mut pnng_tls_config,
) -> pnng_result {
    ffi_result! { cfg(c)?.attach(Target::Socket(s.into())) }
}

/// Uses `cfg` for a dialer not yet started (`pnng_dialer_create`). `PNNG_ENOTSUP` on a non-TLS
/// dialer.
///
/// @param d The dialer.
/// @param c The TLS configuration.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The dialer is closed or was never created.
/// @retval PNNG_ENOTSUP The dialer's transport does not use TLS.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup dialer
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_dialer_set_tls(
    d: pnng_dialer,
    c: *mut pnng_tls_config,
) -> pnng_result {
    ffi_result! { cfg(c)?.attach(Target::Dialer(d.into())) }
}

/// Uses `cfg` for a listener not yet started (`pnng_listener_create`). `PNNG_ENOTSUP` on a non-TLS
/// listener.
///
/// @param l The listener.
/// @param c The TLS configuration.
/// @return 0 (`PNNG_OK`) on success, else an error code:
/// @retval PNNG_OK Success.
/// @retval PNNG_ENOENT The listener is closed or was never created.
/// @retval PNNG_ENOTSUP The listener's transport does not use TLS.
/// @retval PNNG_EINVAL A required pointer argument is NULL.
/// @ingroup listener
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pnng_listener_set_tls(
    l: pnng_listener,
    c: *mut pnng_tls_config,
) -> pnng_result {
    ffi_result! { cfg(c)?.attach(Target::Listener(l.into())) }
}
