//! TLS: configs, tls+tcp and wss for every protocol, every auth mode, and clean handshake
//! failures. Certificates are generated at run time with `openssl` into a temp directory.
mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

struct Certs {
    dir: PathBuf,
}

impl Certs {
    fn read(&self, name: &str) -> CString {
        c(&std::fs::read_to_string(self.dir.join(name)).unwrap())
    }
    fn path(&self, name: &str) -> CString {
        c(self.dir.join(name).to_str().unwrap())
    }
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl runs");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A private CA; a server certificate for localhost/127.0.0.1/::1; a client certificate; an
/// expired server certificate; a second CA nobody trusts; combined cert+key files.
fn certs() -> &'static Certs {
    static CERTS: OnceLock<Certs> = OnceLock::new();
    CERTS.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("pnng-tls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let key = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
        ];
        for (ca, cn) in [("ca", "pnng test CA"), ("other-ca", "untrusted CA")] {
            let subj = format!("/CN={cn}");
            let (k, crt) = (format!("{ca}.key"), format!("{ca}.crt"));
            let mut a = vec!["req", "-x509"];
            a.extend(key);
            a.extend(["-keyout", &k, "-out", &crt, "-days", "30", "-subj", &subj]);
            openssl(&dir, &a);
        }
        std::fs::write(
            dir.join("server.ext"),
            "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n",
        )
        .unwrap();
        std::fs::write(dir.join("client.ext"), "extendedKeyUsage=clientAuth\n").unwrap();
        for (name, cn, ext, days) in [
            ("server", "localhost", "server.ext", "30"),
            ("expired", "localhost", "server.ext", "-1"),
            ("client", "pnng client", "client.ext", "30"),
        ] {
            let subj = format!("/CN={cn}");
            let (k, csr, crt) = (
                format!("{name}.key"),
                format!("{name}.csr"),
                format!("{name}.crt"),
            );
            let mut a = vec!["req"];
            a.extend(key);
            a.extend(["-keyout", &k, "-out", &csr, "-subj", &subj]);
            openssl(&dir, &a);
            openssl(
                &dir,
                &[
                    "x509",
                    "-req",
                    "-in",
                    &csr,
                    "-CA",
                    "ca.crt",
                    "-CAkey",
                    "ca.key",
                    "-CAcreateserial",
                    "-out",
                    &crt,
                    "-days",
                    days,
                    "-extfile",
                    ext,
                ],
            );
            let both = std::fs::read_to_string(dir.join(&crt)).unwrap()
                + &std::fs::read_to_string(dir.join(&k)).unwrap();
            std::fs::write(dir.join(format!("{name}.pem")), both).unwrap();
        }
        Certs { dir }
    })
}

fn config(mode: c_int) -> *mut pnng_tls_config {
    let mut cfg = std::ptr::null_mut();
    assert_eq!(unsafe { pnng_tls_config_new(mode, &mut cfg) }, PNNG_OK);
    cfg
}

fn server_config(cert: &str, auth: c_int) -> *mut pnng_tls_config {
    let k = certs();
    let cfg = config(PNNG_TLS_MODE_SERVER);
    let (crt, key) = (
        k.read(&format!("{cert}.crt")),
        k.read(&format!("{cert}.key")),
    );
    assert_eq!(
        unsafe { pnng_tls_config_own_cert(cfg, crt.as_ptr(), key.as_ptr(), std::ptr::null()) },
        PNNG_OK
    );
    assert_eq!(
        unsafe { pnng_tls_config_ca_chain(cfg, k.read("ca.crt").as_ptr(), std::ptr::null()) },
        PNNG_OK
    );
    assert_eq!(unsafe { pnng_tls_config_auth_mode(cfg, auth) }, PNNG_OK);
    cfg
}

fn client_config(
    ca: Option<&str>,
    name: Option<&str>,
    with_cert: bool,
    auth: c_int,
) -> *mut pnng_tls_config {
    let k = certs();
    let cfg = config(PNNG_TLS_MODE_CLIENT);
    if let Some(ca) = ca {
        assert_eq!(
            unsafe { pnng_tls_config_ca_chain(cfg, k.read(ca).as_ptr(), std::ptr::null()) },
            PNNG_OK
        );
    }
    if let Some(n) = name {
        assert_eq!(
            unsafe { pnng_tls_config_server_name(cfg, c(n).as_ptr()) },
            PNNG_OK
        );
    }
    if with_cert {
        let (crt, key) = (k.read("client.crt"), k.read("client.key"));
        assert_eq!(
            unsafe { pnng_tls_config_own_cert(cfg, crt.as_ptr(), key.as_ptr(), std::ptr::null()) },
            PNNG_OK
        );
    }
    assert_eq!(unsafe { pnng_tls_config_auth_mode(cfg, auth) }, PNNG_OK);
    cfg
}

fn tls_url(scheme: &str) -> String {
    // tls+tcp listens on port 0 (`listen_url` gives the port bound); NNG shares one HTTP
    // server among the ws listeners of a host:port, so wss takes a free port
    match scheme {
        "wss" => format!("wss://localhost:{}/pnng", free_port()),
        "tls+tcp6" => "tls+tcp6://[::1]:0".to_string(),
        s => format!("{s}://127.0.0.1:0"),
    }
}

/// Listens with `srv` and dials with `cli` (blocking); the dial's result.
fn connect(
    srv_open: Opener,
    cli_open: Opener,
    url: &str,
    srv: *mut pnng_tls_config,
    cli: *mut pnng_tls_config,
) -> (pnng_socket, pnng_socket, pnng_result) {
    let (a, b) = (open(srv_open), open(cli_open));
    for s in [a, b] {
        set_ms(s, "recv-timeout", 5000);
        set_ms(s, "send-timeout", 5000);
    }
    assert_eq!(unsafe { pnng_socket_set_tls(a, srv) }, PNNG_OK);
    assert_eq!(unsafe { pnng_socket_set_tls(b, cli) }, PNNG_OK);
    unsafe {
        pnng_tls_config_free(srv);
        pnng_tls_config_free(cli);
    }
    let (_, url) = listen_url(a, url);
    let u = c(&url);
    let rv = unsafe { pnng_socket_dial(b, u.as_ptr(), 0, std::ptr::null_mut()) };
    (a, b, rv)
}

/// Does a message get through from the client to the server within a short time?
fn delivers(server: pnng_socket, client: pnng_socket) -> bool {
    set_ms(server, "recv-timeout", 1000);
    let _ = send(client, b"ping");
    recv(server).is_ok()
}

#[test]
fn mutual_tls_req_rep_over_tls_tcp_and_wss() {
    for scheme in ["tls+tcp", "tls+tcp4", "wss"] {
        let url = tls_url(scheme);
        let srv = server_config("server", PNNG_TLS_AUTH_MODE_REQUIRED);
        let cli = client_config(
            Some("ca.crt"),
            Some("localhost"),
            true,
            PNNG_TLS_AUTH_MODE_REQUIRED,
        );
        let (rep, req, rv) = connect(pnng_rep0_open, pnng_req0_open, &url, srv, cli);
        assert_eq!(rv, PNNG_OK, "{scheme}");
        assert_eq!(send(req, b"secret question"), PNNG_OK);
        assert_eq!(recv(rep).unwrap(), b"secret question", "{scheme}");
        assert_eq!(send(rep, b"secret answer"), PNNG_OK);
        assert_eq!(recv(req).unwrap(), b"secret answer", "{scheme}");
        close(rep);
        close(req);
    }
}

#[test]
fn tls_over_ipv6_when_available() {
    let url = tls_url("tls+tcp6");
    let a = open(pnng_pair0_open);
    let srv = server_config("server", PNNG_TLS_AUTH_MODE_NONE);
    assert_eq!(unsafe { pnng_socket_set_tls(a, srv) }, PNNG_OK);
    let u = c(&url);
    let mut l = pnng_listener { id: 0 };
    let rv = unsafe { pnng_socket_listen(a, u.as_ptr(), 0, &mut l) };
    if rv != PNNG_OK {
        // No IPv6 loopback on this host: a clean address error, not a crash.
        assert!(rv == PNNG_EADDRINVAL || rv & PNNG_ESYSERR != 0, "{rv}");
    } else {
        let b = open(pnng_pair0_open);
        let cli = client_config(
            Some("ca.crt"),
            Some("localhost"),
            false,
            PNNG_TLS_AUTH_MODE_REQUIRED,
        );
        assert_eq!(unsafe { pnng_socket_set_tls(b, cli) }, PNNG_OK);
        dial(b, &bound_url(l, &url));
        assert!(delivers(a, b));
        close(b);
        unsafe { pnng_tls_config_free(cli) };
    }
    unsafe { pnng_tls_config_free(srv) };
    close(a);
}

#[test]
fn every_protocol_over_tls_and_wss() {
    let pairs: [(Opener, Opener); 7] = [
        (pnng_pair0_open, pnng_pair0_open),
        (pnng_pair1_open, pnng_pair1_open),
        (pnng_rep0_open, pnng_req0_open),
        (pnng_pull0_open, pnng_push0_open),
        (pnng_respondent0_open, pnng_surveyor0_open),
        (pnng_bus0_open, pnng_bus0_open),
        (pnng_sub0_open, pnng_pub0_open),
    ];
    for scheme in ["tls+tcp", "wss"] {
        for (i, (srv_open, cli_open)) in pairs.into_iter().enumerate() {
            let url = tls_url(scheme);
            let srv = server_config("server", PNNG_TLS_AUTH_MODE_NONE);
            let cli = client_config(
                Some("ca.crt"),
                Some("localhost"),
                false,
                PNNG_TLS_AUTH_MODE_REQUIRED,
            );
            let (a, b, rv) = connect(srv_open, cli_open, &url, srv, cli);
            assert_eq!(rv, PNNG_OK, "{scheme} pair {i}");
            if i == 6 {
                assert_eq!(
                    unsafe { pnng_sub0_subscribe(a, std::ptr::null(), 0) },
                    PNNG_OK
                );
                // A subscriber only hears messages published after it is connected and subscribed.
                assert!(eventually(|| delivers(a, b)), "{scheme} pub/sub");
            } else if i == 4 {
                // Respondent listens, surveyor dials and asks.
                assert!(eventually(|| delivers(a, b)), "{scheme} survey");
            } else {
                assert!(delivers(a, b), "{scheme} pair {i}");
            }
            close(a);
            close(b);
        }
    }
}

#[test]
fn auth_modes_are_all_honoured() {
    // NONE on the client: no CA needed (pynng silently ignored NONE).
    let (a, b, rv) = connect(
        pnng_pair0_open,
        pnng_pair0_open,
        &tls_url("tls+tcp"),
        server_config("server", PNNG_TLS_AUTH_MODE_NONE),
        client_config(None, None, false, PNNG_TLS_AUTH_MODE_NONE),
    );
    assert_eq!(rv, PNNG_OK);
    assert!(delivers(a, b));
    close(a);
    close(b);
    // OPTIONAL on the server: a client without a certificate is accepted.
    let (a, b, rv) = connect(
        pnng_pair0_open,
        pnng_pair0_open,
        &tls_url("tls+tcp"),
        server_config("server", PNNG_TLS_AUTH_MODE_OPTIONAL),
        client_config(
            Some("ca.crt"),
            Some("localhost"),
            false,
            PNNG_TLS_AUTH_MODE_REQUIRED,
        ),
    );
    assert_eq!(rv, PNNG_OK);
    assert!(delivers(a, b));
    close(a);
    close(b);
    // REQUIRED on the client without the CA: refused.
    let (a, b, rv) = connect(
        pnng_pair0_open,
        pnng_pair0_open,
        &tls_url("tls+tcp"),
        server_config("server", PNNG_TLS_AUTH_MODE_NONE),
        client_config(None, Some("localhost"), false, PNNG_TLS_AUTH_MODE_REQUIRED),
    );
    assert_handshake_failed(rv, a, b, "client without CA");
}

/// Error codes accepted for a failed handshake, as documented in the README.
const HANDSHAKE_ERRORS: [pnng_result; 6] = [
    PNNG_EPEERAUTH,
    PNNG_ECRYPTO,
    PNNG_ECONNSHUT,
    PNNG_ECONNRESET,
    PNNG_ECLOSED,
    PNNG_ECONNREFUSED,
];

fn assert_handshake_failed(rv: pnng_result, a: pnng_socket, b: pnng_socket, what: &str) {
    assert!(
        HANDSHAKE_ERRORS.contains(&rv),
        "{what}: dial gave {rv} ({})",
        strerror(rv)
    );
    assert!(!delivers(a, b), "{what}: nothing gets through");
    close(a);
    close(b);
}

/// A handshake case: (what, server certificate, client auth mode, client CA file, client
/// server name, whether it should succeed).
type HandshakeCase<'a> = (
    &'a str,
    &'a str,
    c_int,
    Option<&'a str>,
    Option<&'a str>,
    bool,
);

#[test]
fn handshake_failures_are_clean_errors() {
    let cases: [HandshakeCase; 4] = [
        (
            "wrong server name",
            "server",
            PNNG_TLS_AUTH_MODE_NONE,
            Some("ca.crt"),
            Some("not-localhost.example"),
            false,
        ),
        (
            "expired certificate",
            "expired",
            PNNG_TLS_AUTH_MODE_NONE,
            Some("ca.crt"),
            Some("localhost"),
            false,
        ),
        (
            "untrusted CA",
            "server",
            PNNG_TLS_AUTH_MODE_NONE,
            Some("other-ca.crt"),
            Some("localhost"),
            false,
        ),
        (
            "client certificate required but missing",
            "server",
            PNNG_TLS_AUTH_MODE_REQUIRED,
            Some("ca.crt"),
            Some("localhost"),
            false,
        ),
    ];
    for (what, cert, srv_auth, ca, name, with_cert) in cases {
        let (a, b, rv) = connect(
            pnng_pair0_open,
            pnng_pair0_open,
            &tls_url("tls+tcp"),
            server_config(cert, srv_auth),
            client_config(ca, name, with_cert, PNNG_TLS_AUTH_MODE_REQUIRED),
        );
        if what.starts_with("client certificate") && rv == PNNG_OK {
            // The client may finish its side before the server rejects it: then nothing flows
            // and the pipe is dropped.
            assert!(!delivers(a, b), "{what}");
            close(a);
            close(b);
            continue;
        }
        assert_handshake_failed(rv, a, b, what);
    }
}

#[test]
fn plain_peers_and_tls_peers_do_not_mix() {
    // A plain tcp dialer at a TLS listener, and a TLS dialer at a plain listener: errors, no hang.
    let a = open(pnng_pair0_open);
    let srv = server_config("server", PNNG_TLS_AUTH_MODE_NONE);
    assert_eq!(unsafe { pnng_socket_set_tls(a, srv) }, PNNG_OK);
    let (_, tls) = listen_url(a, "tls+tcp://127.0.0.1:0");
    let port = tls.rsplit_once(':').unwrap().1.to_string();
    let b = open(pnng_pair0_open);
    let u = c(&format!("tcp://127.0.0.1:{port}"));
    let rv = unsafe { pnng_socket_dial(b, u.as_ptr(), 0, std::ptr::null_mut()) };
    if rv == PNNG_OK {
        assert!(!delivers(a, b));
    } else {
        assert!(
            HANDSHAKE_ERRORS.contains(&rv) || rv == PNNG_EPROTO,
            "plain dialer: {rv}"
        );
    }
    close(b);
    // The TLS listener still serves real TLS clients afterwards.
    let good = open(pnng_pair0_open);
    let cli = client_config(
        Some("ca.crt"),
        Some("localhost"),
        false,
        PNNG_TLS_AUTH_MODE_REQUIRED,
    );
    assert_eq!(unsafe { pnng_socket_set_tls(good, cli) }, PNNG_OK);
    dial(good, &format!("tls+tcp://127.0.0.1:{port}"));
    assert!(delivers(a, good));
    close(good);
    close(a);
    let plain = open(pnng_pair0_open);
    let (_, url) = listen_url(plain, &addr("tcp"));
    let t = open(pnng_pair0_open);
    assert_eq!(unsafe { pnng_socket_set_tls(t, cli) }, PNNG_OK);
    let u = c(&url.replace("tcp://", "tls+tcp://"));
    let rv = unsafe { pnng_socket_dial(t, u.as_ptr(), 0, std::ptr::null_mut()) };
    assert!(
        HANDSHAKE_ERRORS.contains(&rv) || rv == PNNG_EPROTO,
        "tls dialer at plain listener: {rv}"
    );
    unsafe { pnng_tls_config_free(cli) };
    close(t);
    close(plain);
}

#[test]
fn bad_pem_mismatched_keys_and_bad_arguments() {
    let k = certs();
    let cfg = config(PNNG_TLS_MODE_SERVER);
    let garbage = c("-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n");
    assert_ne!(
        unsafe { pnng_tls_config_ca_chain(cfg, garbage.as_ptr(), std::ptr::null()) },
        PNNG_OK
    );
    assert_ne!(
        unsafe { pnng_tls_config_ca_chain(cfg, c("hello").as_ptr(), std::ptr::null()) },
        PNNG_OK
    );
    mismatched_key_fails_cleanly();
    let rv = unsafe {
        pnng_tls_config_own_cert(
            cfg,
            garbage.as_ptr(),
            k.read("server.key").as_ptr(),
            std::ptr::null(),
        )
    };
    assert!(
        rv == PNNG_ECRYPTO || rv == PNNG_EINVAL,
        "garbage cert: {rv}"
    );
    assert_ne!(
        unsafe { pnng_tls_config_ca_file(cfg, c("/nonexistent/ca.pem").as_ptr()) },
        PNNG_OK
    );
    assert_eq!(
        unsafe {
            pnng_tls_config_cert_key_file(cfg, k.path("server.pem").as_ptr(), std::ptr::null())
        },
        PNNG_OK
    );
    assert_eq!(
        unsafe { pnng_tls_config_ca_file(cfg, k.path("ca.crt").as_ptr()) },
        PNNG_OK
    );
    assert_eq!(unsafe { pnng_tls_config_auth_mode(cfg, 3) }, PNNG_EINVAL);
    assert_eq!(unsafe { pnng_tls_config_auth_mode(cfg, -1) }, PNNG_EINVAL);
    assert_eq!(
        unsafe { pnng_tls_config_ca_chain(cfg, std::ptr::null(), std::ptr::null()) },
        PNNG_EINVAL
    );
    assert_eq!(
        unsafe {
            pnng_tls_config_ca_chain(std::ptr::null_mut(), garbage.as_ptr(), std::ptr::null())
        },
        PNNG_EINVAL
    );
    let mut out = std::ptr::null_mut();
    assert_eq!(unsafe { pnng_tls_config_new(2, &mut out) }, PNNG_EINVAL);
    assert_eq!(unsafe { pnng_tls_config_new(-1, &mut out) }, PNNG_EINVAL);
    assert!(out.is_null());
    // TLS on a non-TLS endpoint.
    let s = open(pnng_pair0_open);
    let mut d = pnng_dialer { id: 0 };
    assert_eq!(
        unsafe { pnng_dialer_create(s, c(&dial_first_addr("tcp")).as_ptr(), &mut d) },
        PNNG_OK
    );
    assert_eq!(unsafe { pnng_dialer_set_tls(d, cfg) }, PNNG_ENOTSUP);
    assert_eq!(
        unsafe { pnng_socket_set_tls(s, std::ptr::null_mut()) },
        PNNG_EINVAL
    );
    close(s);
    unsafe {
        pnng_tls_config_free(cfg);
        pnng_tls_config_free(std::ptr::null_mut());
    }
}

/// A key that does not match its certificate: mbedTLS 2.x accepts the pair at configuration
/// time, so the failure comes at the handshake (the server cannot prove the certificate).
/// Either way it is a clean error code, and nothing gets through.
fn mismatched_key_fails_cleanly() {
    let k = certs();
    let srv = config(PNNG_TLS_MODE_SERVER);
    let rv = unsafe {
        pnng_tls_config_own_cert(
            srv,
            k.read("server.crt").as_ptr(),
            k.read("client.key").as_ptr(),
            std::ptr::null(),
        )
    };
    if rv != PNNG_OK {
        assert!(
            rv == PNNG_ECRYPTO || rv == PNNG_EINVAL,
            "mismatched key: {rv}"
        );
        unsafe { pnng_tls_config_free(srv) };
        return;
    }
    let cli = client_config(
        Some("ca.crt"),
        Some("localhost"),
        false,
        PNNG_TLS_AUTH_MODE_REQUIRED,
    );
    let (a, b, rv) = connect(
        pnng_pair0_open,
        pnng_pair0_open,
        &tls_url("tls+tcp"),
        srv,
        cli,
    );
    assert_handshake_failed(rv, a, b, "mismatched key");
}

#[test]
fn config_is_reference_counted_and_endpoints_take_configs() {
    let srv = server_config("server", PNNG_TLS_AUTH_MODE_NONE);
    let cli = client_config(
        Some("ca.crt"),
        Some("localhost"),
        false,
        PNNG_TLS_AUTH_MODE_REQUIRED,
    );
    assert_eq!(unsafe { pnng_tls_config_clone(cli) }, cli);
    unsafe { pnng_tls_config_free(cli) }; // one reference left
    let url = tls_url("tls+tcp");
    let (a, b) = (open(pnng_pair0_open), open(pnng_pair0_open));
    let (mut l, mut d) = (pnng_listener { id: 0 }, pnng_dialer { id: 0 });
    assert_eq!(
        unsafe { pnng_listener_create(a, c(&url).as_ptr(), &mut l) },
        PNNG_OK
    );
    assert_eq!(unsafe { pnng_listener_set_tls(l, srv) }, PNNG_OK);
    unsafe { pnng_tls_config_free(srv) }; // the listener keeps it alive
    assert_eq!(unsafe { pnng_listener_start(l, 0) }, PNNG_OK);
    let url = bound_url(l, &url);
    assert_eq!(
        unsafe { pnng_dialer_create(b, c(&url).as_ptr(), &mut d) },
        PNNG_OK
    );
    assert_eq!(unsafe { pnng_dialer_set_tls(d, cli) }, PNNG_OK);
    unsafe { pnng_tls_config_free(cli) };
    assert_eq!(unsafe { pnng_dialer_start(d, 0) }, PNNG_OK);
    assert!(delivers(a, b));
    // Peer verification read-outs on the pipe.
    let mut n = 0usize;
    let mut p = [pnng_pipe { id: 0 }];
    assert_eq!(
        unsafe { pnng_socket_pipes(b, p.as_mut_ptr(), 1, &mut n) },
        PNNG_OK
    );
    let mut verified = false;
    assert_eq!(
        unsafe { pnng_pipe_get_bool(p[0], c("tls-verified").as_ptr(), &mut verified) },
        PNNG_OK
    );
    assert!(verified);
    close(a);
    close(b);
}

#[test]
fn server_name_can_be_cleared() {
    // A client with no server name verifies the chain but no host name (see README): the same
    // certificate then passes whatever host the URL names. NNG tells mbedTLS so explicitly
    // (vendor/nng-patches/0012-mbedtls-hostname.patch), which mbedTLS 3.6.3 / 2.28.10 and later
    // require.
    let cli = client_config(
        Some("ca.crt"),
        Some("wrong.example"),
        false,
        PNNG_TLS_AUTH_MODE_REQUIRED,
    );
    assert_eq!(
        unsafe { pnng_tls_config_server_name(cli, std::ptr::null()) },
        PNNG_OK
    );
    assert_eq!(
        unsafe { pnng_tls_config_server_name(cli, c("").as_ptr()) },
        PNNG_OK
    );
    let (a, b, rv) = connect(
        pnng_pair0_open,
        pnng_pair0_open,
        &tls_url("tls+tcp"),
        server_config("server", PNNG_TLS_AUTH_MODE_NONE),
        cli,
    );
    assert_eq!(rv, PNNG_OK, "{}", strerror(rv));
    assert!(delivers(a, b));
    close(a);
    close(b);
}

#[test]
fn dialer_failing_its_handshake_can_start_again_and_fall_back() {
    for scheme in ["tls+tcp", "wss"] {
        let url = tls_url(scheme);
        let (a, b) = (open(pnng_pair0_open), open(pnng_pair0_open));
        assert_eq!(
            unsafe { pnng_socket_set_tls(a, server_config("server", PNNG_TLS_AUTH_MODE_NONE)) },
            PNNG_OK
        );
        let (_, url) = listen_url(a, &url);
        let u = c(&url);
        let mut d = pnng_dialer { id: 0 };
        assert_eq!(
            unsafe { pnng_dialer_create(b, u.as_ptr(), &mut d) },
            PNNG_OK
        );
        let cli = client_config(
            Some("ca.crt"),
            Some("not-localhost.example"),
            false,
            PNNG_TLS_AUTH_MODE_REQUIRED,
        );
        assert_eq!(unsafe { pnng_dialer_set_tls(d, cli) }, PNNG_OK);
        unsafe { pnng_tls_config_free(cli) };
        let rv = unsafe { pnng_dialer_start(d, 0) };
        assert_ne!(
            rv, PNNG_OK,
            "{scheme}: a wrong host name fails verification"
        );
        let again = unsafe { pnng_dialer_start(d, 0) };
        assert!(
            again != PNNG_OK && again != PNNG_ESTATE,
            "{scheme}: {}",
            strerror(again)
        );
        // A verification failure is worth retrying: fallback starts it in the background.
        assert_eq!(
            unsafe { pnng_dialer_start(d, PNNG_DIAL_FALLBACK) },
            PNNG_OK,
            "{scheme}"
        );
        assert_eq!(unsafe { pnng_dialer_start(d, 0) }, PNNG_ESTATE, "{scheme}");
        close(a);
        close(b);
    }
}

/// A TCP peer that accepts connections and never answers (nor reads): a TLS client waits for
/// the server's handshake reply forever. Returns its port; the thread lives as long as the test.
fn silent_peer() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in l.incoming().flatten() {
            held.push(s);
        }
    });
    port
}

/// Closes `s` on another thread; whether it returned within `limit` (a hang guard, not a timing
/// assertion: a close normally takes milliseconds).
fn closes_within(s: pnng_socket, limit: std::time::Duration) -> bool {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rv = unsafe { pnng_socket_close(s) };
        let _ = tx.send(rv);
    });
    rx.recv_timeout(limit) == Ok(PNNG_OK)
}

/// HANG (NNG 1.12 tls stream; fixed by vendor/nng-patches/0020): a req0 socket dialing
/// `wss://` (or `tls+tcp://`) to a peer that accepts TCP and never answers the TLS handshake
/// could not be closed: the reaper waited in ws_fini -> nni_http_conn_fini -> nni_aio_stop on
/// the HTTP request's write, which the tls stream queued behind the handshake and whose cancel
/// aborted an idle tcp operation. Expected: the close returns, for a background dial and for a
/// blocking dial running on another thread.
#[test]
fn closing_a_dialer_whose_peer_never_answers_the_handshake_returns() {
    let port = silent_peer();
    for (scheme, path) in [("wss", "/x"), ("tls+tcp", "")] {
        let url = format!("{scheme}://127.0.0.1:{port}{path}");
        for blocking in [false, true] {
            let s = open(pnng_req0_open);
            let cli = client_config(
                Some("ca.crt"),
                Some("localhost"),
                false,
                PNNG_TLS_AUTH_MODE_REQUIRED,
            );
            assert_eq!(unsafe { pnng_socket_set_tls(s, cli) }, PNNG_OK);
            unsafe { pnng_tls_config_free(cli) };
            let u = c(&url);
            if blocking {
                let id = s.id;
                std::thread::spawn(move || {
                    let s = pnng_socket { id };
                    unsafe { pnng_socket_dial(s, u.as_ptr(), 0, std::ptr::null_mut()) }
                });
            } else {
                let rv = unsafe {
                    pnng_socket_dial(s, u.as_ptr(), PNNG_FLAG_NONBLOCK, std::ptr::null_mut())
                };
                assert_eq!(rv, PNNG_OK, "{url}");
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
            assert!(
                closes_within(s, std::time::Duration::from_secs(20)),
                "{url} (blocking dial: {blocking}): close did not return"
            );
        }
    }
}

/// A server that requires a client certificate, dialed (blocking) by a client without one: the
/// dial fails with `PNNG_ECRYPTO`, whichever mbedTLS is linked (pynng, with mbedTLS 3.6, gets
/// NNG_ECRYPTO from the server's fatal alert; mbedTLS 2.28's server closes the connection
/// without an alert, which NNG reported as `PNNG_ECONNSHUT` before
/// vendor/nng-patches/0023).
#[test]
fn missing_client_certificate_fails_the_dial_with_ecrypto() {
    for scheme in ["tls+tcp", "wss"] {
        let (a, b, rv) = connect(
            pnng_pair0_open,
            pnng_pair0_open,
            &tls_url(scheme),
            server_config("server", PNNG_TLS_AUTH_MODE_REQUIRED),
            client_config(
                Some("ca.crt"),
                Some("localhost"),
                false,
                PNNG_TLS_AUTH_MODE_REQUIRED,
            ),
        );
        assert_eq!(rv, PNNG_ECRYPTO, "{scheme}: {}", strerror(rv));
        close(a);
        close(b);
    }
}
