//! Socket addresses: NNG's address union as the plain C struct `pnng_sockaddr` (in
//! `crate::abi`), and its URL-like text.

use super::sys;
use crate::abi::{
    PNNG_AF_ABSTRACT, PNNG_AF_INET, PNNG_AF_INET6, PNNG_AF_INPROC, PNNG_AF_IPC, PNNG_AF_UNSPEC,
    PNNG_AF_ZT, PNNG_MAXADDRLEN, pnng_sockaddr,
};
use std::fmt::Write;

/// The core's name for the C address struct.
pub type SockAddr = pnng_sockaddr;

/// The bytes of a NUL-terminated name held in a fixed array.
fn c_chars(src: &[std::ffi::c_char]) -> &[u8] {
    // NNG leaves the bytes after the NUL uninitialised (e.g. inproc_ep_get_addr), so this
    // must not read past it: libc's strnlen stops there, where a vectorised scan would not.
    // SAFETY: `src` is valid for `src.len()` bytes; c_char and u8 share size and alignment.
    unsafe {
        let end = libc::strnlen(src.as_ptr(), src.len());
        std::slice::from_raw_parts(src.as_ptr().cast::<u8>(), end)
    }
}

impl pnng_sockaddr {
    pub fn from_nng(sa: &sys::nng_sockaddr) -> SockAddr {
        let mut out = SockAddr::default();
        // SAFETY: every union variant starts with the family; we read the variant it names.
        unsafe {
            out.family = sa.s_family;
            match sa.s_family {
                PNNG_AF_INPROC => out.set_path(c_chars(&sa.s_inproc.sa_name)),
                PNNG_AF_IPC => out.set_path(c_chars(&sa.s_ipc.sa_path)),
                PNNG_AF_ABSTRACT => {
                    let n = (sa.s_abstract.sa_len as usize).min(sa.s_abstract.sa_name.len());
                    out.set_path(&sa.s_abstract.sa_name[..n]);
                }
                PNNG_AF_INET => {
                    out.port = u16::from_be(sa.s_in.sa_port);
                    out.addr[..4].copy_from_slice(&sa.s_in.sa_addr.to_ne_bytes());
                }
                PNNG_AF_INET6 => {
                    out.port = u16::from_be(sa.s_in6.sa_port);
                    out.addr = sa.s_in6.sa_addr;
                    out.scope_id = sa.s_in6.sa_scope;
                }
                PNNG_AF_ZT => {
                    out.zt_nwid = sa.s_zt.sa_nwid;
                    out.zt_nodeid = sa.s_zt.sa_nodeid;
                    out.port = sa.s_zt.sa_port as u16;
                }
                _ => out.family = PNNG_AF_UNSPEC,
            }
        }
        out
    }

    fn set_path(&mut self, bytes: &[u8]) {
        let n = bytes.len().min(PNNG_MAXADDRLEN - 1);
        self.path[..n].copy_from_slice(&bytes[..n]);
        self.path_len = n;
    }

    fn path_bytes(&self) -> &[u8] {
        &self.path[..self.path_len.min(PNNG_MAXADDRLEN)]
    }

    /// The URL-like text: `tcp://127.0.0.1:5555`, `tcp://[::1]:5555`, `ipc:///tmp/x`,
    /// `inproc://name`, `abstract://name` (bytes outside printable ASCII %-escaped).
    pub fn format(&self) -> String {
        let mut s = String::new();
        match self.family {
            PNNG_AF_INPROC => {
                let name = String::from_utf8_lossy(self.path_bytes());
                if name.starts_with("inproc://") {
                    s.push_str(&name);
                } else {
                    let _ = write!(s, "inproc://{name}");
                }
            }
            PNNG_AF_IPC => {
                let _ = write!(s, "ipc://{}", String::from_utf8_lossy(self.path_bytes()));
            }
            PNNG_AF_ABSTRACT => {
                s.push_str("abstract://");
                for &b in self.path_bytes() {
                    if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
                        s.push(b as char);
                    } else {
                        let _ = write!(s, "%{b:02X}");
                    }
                }
            }
            PNNG_AF_INET => {
                let a = &self.addr;
                let _ = write!(s, "tcp://{}.{}.{}.{}:{}", a[0], a[1], a[2], a[3], self.port);
            }
            PNNG_AF_INET6 => {
                let ip = std::net::Ipv6Addr::from(self.addr);
                let _ = write!(s, "tcp://[{ip}]:{}", self.port);
            }
            PNNG_AF_ZT => {
                let _ = write!(
                    s,
                    "zt://{:x}.{:x}:{}",
                    self.zt_nodeid, self.zt_nwid, self.port
                );
            }
            _ => s.push_str("unspecified"),
        }
        s
    }
}
