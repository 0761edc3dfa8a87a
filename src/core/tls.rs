//! TLS configuration over NNG's mbedTLS engine.
//!
//! A config records the settings applied to it, so that clearing the server name (which NNG
//! cannot do in place) rebuilds the NNG config from the rest. Sockets, dialers and listeners
//! hold NNG's own reference to the config they were given, so freeing ours never pulls a
//! config out from under a live endpoint.

use super::extern_nng::{self as ext, NngTlsConfig};
use super::options::{self, Target};
use super::sync::lock;
use super::types::{TlsAuthMode, TlsMode};
use crate::error::{Result, check};
use std::ffi::{CStr, CString};
use std::sync::Mutex;

/// One setting, kept so the config can be rebuilt.
#[derive(Clone)]
enum Setting {
    CaChain(CString, Option<CString>),
    OwnCert(CString, CString, Option<CString>),
    CaFile(CString),
    CertKeyFile(CString, Option<CString>),
    AuthMode(TlsAuthMode),
}

struct Live {
    raw: *mut NngTlsConfig,
    server_name: Option<CString>,
    settings: Vec<Setting>,
}

pub struct TlsConfig {
    mode: TlsMode,
    live: Mutex<Live>,
}

// SAFETY: the NNG config is internally locked; our pointer is only used under `live`'s mutex.
unsafe impl Send for TlsConfig {}
// SAFETY: as Send: every use of the pointer holds `live`'s mutex.
unsafe impl Sync for TlsConfig {}

fn opt_ptr(s: &Option<CString>) -> *const std::ffi::c_char {
    s.as_ref().map_or(std::ptr::null(), |c| c.as_ptr())
}

fn alloc(mode: TlsMode) -> Result<*mut NngTlsConfig> {
    let mut raw = std::ptr::null_mut();
    // SAFETY: the out-pointer is a live local; the mode is one of NNG's.
    check(unsafe { ext::nng_tls_config_alloc(&mut raw, mode.code()) })?;
    Ok(raw)
}

fn apply(raw: *mut NngTlsConfig, s: &Setting) -> Result<()> {
    // SAFETY: raw is a live config; strings are NUL-terminated and outlive the call.
    check(unsafe {
        match s {
            Setting::CaChain(pem, crl) => {
                ext::nng_tls_config_ca_chain(raw, pem.as_ptr(), opt_ptr(crl))
            }
            Setting::OwnCert(cert, key, pass) => {
                ext::nng_tls_config_own_cert(raw, cert.as_ptr(), key.as_ptr(), opt_ptr(pass))
            }
            Setting::CaFile(path) => ext::nng_tls_config_ca_file(raw, path.as_ptr()),
            Setting::CertKeyFile(path, pass) => {
                ext::nng_tls_config_cert_key_file(raw, path.as_ptr(), opt_ptr(pass))
            }
            Setting::AuthMode(m) => ext::nng_tls_config_auth_mode(raw, m.code()),
        }
    })
}

impl TlsConfig {
    /// A new configuration for one side of a connection.
    pub fn new(mode: TlsMode) -> Result<TlsConfig> {
        let raw = alloc(mode)?;
        Ok(TlsConfig {
            mode,
            live: Mutex::new(Live {
                raw,
                server_name: None,
                settings: Vec::new(),
            }),
        })
    }

    fn add(&self, s: Setting) -> Result<()> {
        let mut live = lock(&self.live);
        apply(live.raw, &s)?;
        live.settings.push(s);
        Ok(())
    }

    /// Sets the name to verify the server's certificate against (and to send as SNI).
    /// `None` or an empty name clears it: no host name check.
    pub fn server_name(&self, name: Option<&CStr>) -> Result<()> {
        let mut live = lock(&self.live);
        match name.filter(|n| !n.is_empty()) {
            Some(n) => {
                // SAFETY: live config, valid string.
                check(unsafe { ext::nng_tls_config_server_name(live.raw, n.as_ptr()) })?;
                live.server_name = Some(n.to_owned());
            }
            None if live.server_name.is_none() => {}
            None => {
                // NNG cannot unset a name: rebuild without it. Endpoints already configured
                // keep their own reference to the old config.
                let raw = alloc(self.mode)?;
                for s in &live.settings {
                    if let Err(e) = apply(raw, s) {
                        // SAFETY: raw is ours and unused.
                        unsafe { ext::nng_tls_config_free(raw) };
                        return Err(e);
                    }
                }
                // SAFETY: we drop our reference to the old config.
                unsafe { ext::nng_tls_config_free(live.raw) };
                live.raw = raw;
                live.server_name = None;
            }
        }
        Ok(())
    }

    pub fn ca_chain(&self, pem: &CStr, crl: Option<&CStr>) -> Result<()> {
        self.add(Setting::CaChain(pem.to_owned(), crl.map(CStr::to_owned)))
    }

    pub fn own_cert(&self, cert: &CStr, key: &CStr, pass: Option<&CStr>) -> Result<()> {
        self.add(Setting::OwnCert(
            cert.to_owned(),
            key.to_owned(),
            pass.map(CStr::to_owned),
        ))
    }

    pub fn ca_file(&self, path: &CStr) -> Result<()> {
        self.add(Setting::CaFile(path.to_owned()))
    }

    pub fn cert_key_file(&self, path: &CStr, pass: Option<&CStr>) -> Result<()> {
        self.add(Setting::CertKeyFile(
            path.to_owned(),
            pass.map(CStr::to_owned),
        ))
    }

    /// How the peer is verified.
    pub fn auth_mode(&self, mode: TlsAuthMode) -> Result<()> {
        self.add(Setting::AuthMode(mode))
    }

    /// Gives the config to a socket, dialer or listener (which holds its own reference).
    pub fn attach(&self, target: Target) -> Result<()> {
        let live = lock(&self.live);
        options::set_ptr(target, c"tls-config", live.raw.cast())
    }
}

impl Drop for TlsConfig {
    fn drop(&mut self) {
        let live = lock(&self.live);
        // SAFETY: drops our reference; endpoints keep theirs.
        unsafe { ext::nng_tls_config_free(live.raw) };
    }
}
