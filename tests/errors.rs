//! Error codes, their texts, and the panic boundary.
mod common;
use common::*;

#[test]
fn every_code_has_nng_number_and_text() {
    let table = [
        (PNNG_EINTR, 1),
        (PNNG_ENOMEM, 2),
        (PNNG_EINVAL, 3),
        (PNNG_EBUSY, 4),
        (PNNG_ETIMEDOUT, 5),
        (PNNG_ECONNREFUSED, 6),
        (PNNG_ECLOSED, 7),
        (PNNG_EAGAIN, 8),
        (PNNG_ENOTSUP, 9),
        (PNNG_EADDRINUSE, 10),
        (PNNG_ESTATE, 11),
        (PNNG_ENOENT, 12),
        (PNNG_EPROTO, 13),
        (PNNG_EUNREACHABLE, 14),
        (PNNG_EADDRINVAL, 15),
        (PNNG_EPERM, 16),
        (PNNG_EMSGSIZE, 17),
        (PNNG_ECONNABORTED, 18),
        (PNNG_ECONNRESET, 19),
        (PNNG_ECANCELED, 20),
        (PNNG_ENOFILES, 21),
        (PNNG_ENOSPC, 22),
        (PNNG_EEXIST, 23),
        (PNNG_EREADONLY, 24),
        (PNNG_EWRITEONLY, 25),
        (PNNG_ECRYPTO, 26),
        (PNNG_EPEERAUTH, 27),
        (PNNG_ENOARG, 28),
        (PNNG_EAMBIGUOUS, 29),
        (PNNG_EBADTYPE, 30),
        (PNNG_ECONNSHUT, 31),
        (PNNG_EINTERNAL, 1000),
    ];
    let mut texts = std::collections::HashSet::new();
    for (code, n) in table {
        assert_eq!(code, n);
        let text = strerror(code);
        assert!(
            !text.is_empty() && text != "Unknown error",
            "{code}: {text}"
        );
        assert!(texts.insert(text), "texts are distinct");
        assert_eq!(Error::from_code(code).code(), code, "round trip {code}");
        // The Rust enum's text is the C text.
        assert_eq!(Error::from_code(code).to_string(), strerror(code));
    }
    assert_eq!(PNNG_ESYSERR, 0x1000_0000);
    assert_eq!(PNNG_ETRANERR, 0x2000_0000);
}

#[test]
fn ranges_and_unknown_codes_never_give_null() {
    for code in [
        PNNG_ESYSERR | 2,
        PNNG_ETRANERR | 5,
        999,
        -1,
        12345,
        i32::MIN,
    ] {
        let p = unsafe { pnng_strerror(code) };
        assert!(!p.is_null());
        assert!(!strerror(code).is_empty());
    }
    assert_eq!(
        Error::from_code(PNNG_ESYSERR | 2),
        Error::System(PNNG_ESYSERR | 2)
    );
    assert_eq!(
        Error::from_code(PNNG_ETRANERR | 5).code(),
        PNNG_ETRANERR | 5
    );
    assert_eq!(strerror(0), "Success");
}

#[test]
fn a_panic_inside_the_boundary_becomes_einternal() {
    std::panic::set_hook(Box::new(|_| {}));
    assert_eq!(boundary_probe(true), PNNG_EINTERNAL);
    let _ = std::panic::take_hook();
    assert_eq!(boundary_probe(false), PNNG_OK);
}
