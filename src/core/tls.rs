//! TLS configuration over NNG's mbedTLS engine.
//!
//! A config records the settings applied to it, so that clearing the server name (which NNG
//! cannot do in place) rebuilds the NNG config from the rest. Sockets, dialers and listeners
//! hold NNG's own reference to the config they were given, so freeing ours never pulls a
//! config out from under a live endpoint.

use super::extern_nng::{self as ext, NngTlsConfig};
use super::options::{self, Target};
use super::socket::lock;
use crate::error::{Error, Result, check};
use std::ffi::{CStr, CString, c_int};
use std::sync::Mutex;

use crate::ffi::consts::{
    PNNG_TLS_AUTH_MODE_NONE as AUTH_NONE, PNNG_TLS_AUTH_MODE_REQUIRED as AUTH_REQUIRED,
    PNNG_TLS_MODE_CLIENT as MODE_CLIENT, PNNG_TLS_MODE_SERVER as MODE_SERVER,
};

/// One setting, kept so the config can be rebuilt.
#[derive(Clone)]
enum Setting {
    CaChain(CString, Option<CString>),
    OwnCert(CString, CString, Option<CString>),
    CaFile(CString),
    CertKeyFile(CString, Option<CString>),
    AuthMode(c_int),
}

struct Live {
    raw: *mut NngTlsConfig,
    server_name: Option<CString>,
    settings: Vec<Setting>,
}

pub struct TlsConfig {
    mode: c_int,
    live: Mutex<Live>,
}

// SAFETY: the NNG config is internally locked; our pointer is only used under `live`'s mutex.
unsafe impl Send for TlsConfig {}
unsafe impl Sync for TlsConfig {}

fn opt_ptr(s: &Option<CString>) -> *const std::ffi::c_char {
    s.as_ref().map_or(std::ptr::null(), |c| c.as_ptr())
}

fn alloc(mode: c_int) -> Result<*mut NngTlsConfig> {
    let mut raw = std::ptr::null_mut();
    // SAFETY: out-pointer valid; mode checked by callers.
    check(unsafe { ext::nng_tls_config_alloc(&mut raw, mode) })?;
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
            Setting::AuthMode(m) => ext::nng_tls_config_auth_mode(raw, *m),
        }
    })
}

impl TlsConfig {
    pub fn new(mode: c_int) -> Result<TlsConfig> {
        if mode != MODE_CLIENT && mode != MODE_SERVER {
            return Err(Error::Invalid);
        }
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

    pub fn auth_mode(&self, mode: c_int) -> Result<()> {
        if !(AUTH_NONE..=AUTH_REQUIRED).contains(&mode) {
            return Err(Error::Invalid);
        }
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
