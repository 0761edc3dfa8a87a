//! Property-based test of the C API (proptest, with shrinking): random sequences of 1..40 calls
//! on small pools of messages, sockets (every opener), contexts, listeners and dialers on
//! `inproc://` addresses unique to each case, with live, closed, never-issued and zero handles,
//! NULL pointers, junk flags, zero and oversize lengths. Cases start with 0..3 connected pairs
//! (`OpenPair`: a socket and one of its peer protocol, listen + blocking dial) and `Exchange`
//! sends on a pair and receives on the other side, so messages really flow.
//!
//! A shadow model is checked after every call:
//! - message bodies and headers equal a `Vec<u8>` shadow (new/append/insert/trim/chop/clear,
//!   header append/clear, in-place writes through `pnng_msg_body_mut`, dup; a failed send leaves
//!   the message with the caller, unchanged; a received body is a suffix of a body sent in the case);
//! - a closed or never-issued socket/context gives `PNNG_ECLOSED`, dialer/listener/pipe
//!   `PNNG_ENOENT`; ids are never reused;
//! - unknown option names give `PNNG_ENOTSUP`, the wrong type `PNNG_EBADTYPE`, read-only options
//!   `PNNG_EREADONLY`; option reads return what was last set (timeouts, `recv-size-max`,
//!   `socket-name`) or the protocol's constants (`raw`, `protocol`, `protocol-name`, `url`);
//! - NULL where a pointer is required and junk flags give `PNNG_EINVAL`;
//! - inproc listen on a taken address gives `PNNG_EADDRINUSE`, a blocking dial with no listener
//!   `PNNG_ECONNREFUSED`; the socket's listener and dialer lists equal the model's;
//! - subscriptions (`pnng_sub0_subscribe`/`_unsubscribe`) follow a set model (`PNNG_ENOENT`);
//! - a `PNNG_EMSGSIZE` receive keeps the message: the next receive returns it, same length;
//! - every return code is 0 or in NNG's documented set (1..=31, `PNNG_ESYSERR|n`,
//!   `PNNG_ETRANERR|n`); `PNNG_EINTERNAL` (a caught panic) fails the test.
//!
//! Nothing blocks for long: socket and context timeouts are 2 ms (surveys 2 ms) and the model
//! never sets them higher; most sends/receives use `PNNG_FLAG_NONBLOCK`. No timing is asserted.
//! Every case frees its messages and closes its sockets at its end, even when it fails.
//!
//! Run: `cargo test --release --test api_proptest` (2000 cases by default). More cases:
//! `PNNG_PROPTEST_CASES=100000 cargo test --release --test api_proptest`; a fixed seed:
//! `PROPTEST_RNG_SEED=<u64>`. A failure prints the minimal failing input after shrinking
//! (`minimal failing input: ops = [Open { proto: Req0, .. }, ...]`) and the failed assertion
//! with the call that broke it.
mod common;
use common::*;
use proptest::prelude::*;
use proptest::strategy::Union;
use proptest::test_runner::TestCaseError;
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicU32, Ordering};

const NB: c_int = PNNG_FLAG_NONBLOCK;
/// Socket and context send/receive timeouts (ms): every blocking call ends within this.
const TIMEO: i32 = 2;
const MSG_SLOTS: usize = 4;
const DEFAULT_CASES: u32 = 2000;
const DEFAULT_RECV_MAX: usize = 0;
/// Sizes the generated option values range over.
const SIZE_RANGE: usize = 1 << 20;

// ---------------------------------------------------------------------------------------------
// Inputs.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Proto {
    Pair0,
    Pair0Raw,
    Pair1,
    Pair1Raw,
    Pair1Poly,
    Req0,
    Req0Raw,
    Rep0,
    Rep0Raw,
    Pub0,
    Pub0Raw,
    Sub0,
    Sub0Raw,
    Push0,
    Push0Raw,
    Pull0,
    Pull0Raw,
    Surveyor0,
    Surveyor0Raw,
    Respondent0,
    Respondent0Raw,
    Bus0,
    Bus0Raw,
}
use Proto::*;
const PROTOS: [Proto; 23] = [
    Pair0,
    Pair0Raw,
    Pair1,
    Pair1Raw,
    Pair1Poly,
    Req0,
    Req0Raw,
    Rep0,
    Rep0Raw,
    Pub0,
    Pub0Raw,
    Sub0,
    Sub0Raw,
    Push0,
    Push0Raw,
    Pull0,
    Pull0Raw,
    Surveyor0,
    Surveyor0Raw,
    Respondent0,
    Respondent0Raw,
    Bus0,
    Bus0Raw,
];

impl Proto {
    fn opener(self) -> Opener {
        match self {
            Pair0 => pnng_pair0_open,
            Pair0Raw => pnng_pair0_open_raw,
            Pair1 => pnng_pair1_open,
            Pair1Raw => pnng_pair1_open_raw,
            Pair1Poly => pnng_pair1_open_poly,
            Req0 => pnng_req0_open,
            Req0Raw => pnng_req0_open_raw,
            Rep0 => pnng_rep0_open,
            Rep0Raw => pnng_rep0_open_raw,
            Pub0 => pnng_pub0_open,
            Pub0Raw => pnng_pub0_open_raw,
            Sub0 => pnng_sub0_open,
            Sub0Raw => pnng_sub0_open_raw,
            Push0 => pnng_push0_open,
            Push0Raw => pnng_push0_open_raw,
            Pull0 => pnng_pull0_open,
            Pull0Raw => pnng_pull0_open_raw,
            Surveyor0 => pnng_surveyor0_open,
            Surveyor0Raw => pnng_surveyor0_open_raw,
            Respondent0 => pnng_respondent0_open,
            Respondent0Raw => pnng_respondent0_open_raw,
            Bus0 => pnng_bus0_open,
            Bus0Raw => pnng_bus0_open_raw,
        }
    }
    fn raw(self) -> bool {
        matches!(
            self,
            Pair0Raw
                | Pair1Raw
                | Req0Raw
                | Rep0Raw
                | Pub0Raw
                | Sub0Raw
                | Push0Raw
                | Pull0Raw
                | Surveyor0Raw
                | Respondent0Raw
                | Bus0Raw
        )
    }
    fn cooked(self) -> Proto {
        match self {
            Pair0Raw => Pair0,
            Pair1Raw | Pair1Poly => Pair1,
            Req0Raw => Req0,
            Rep0Raw => Rep0,
            Pub0Raw => Pub0,
            Sub0Raw => Sub0,
            Push0Raw => Push0,
            Pull0Raw => Pull0,
            Surveyor0Raw => Surveyor0,
            Respondent0Raw => Respondent0,
            Bus0Raw => Bus0,
            p => p,
        }
    }
    /// NNG's protocol number and name (`protocol`, `protocol-name`).
    fn number_name(self) -> (i32, &'static str) {
        match self.cooked() {
            Pair0 => (0x10, "pair"),
            Pair1 => (0x11, "pair1"),
            Pub0 => (0x20, "pub"),
            Sub0 => (0x21, "sub"),
            Req0 => (0x30, "req"),
            Rep0 => (0x31, "rep"),
            Push0 => (0x50, "push"),
            Pull0 => (0x51, "pull"),
            Surveyor0 => (0x62, "surveyor"),
            Respondent0 => (0x63, "respondent"),
            Bus0 => (0x70, "bus"),
            _ => unreachable!(),
        }
    }
    fn peer(self) -> Proto {
        match self.cooked() {
            Pub0 => Sub0,
            Sub0 => Pub0,
            Req0 => Rep0,
            Rep0 => Req0,
            Push0 => Pull0,
            Pull0 => Push0,
            Surveyor0 => Respondent0,
            Respondent0 => Surveyor0,
            p => p,
        }
    }
    fn has_ctx(self) -> bool {
        matches!(self, Req0 | Rep0 | Sub0 | Surveyor0 | Respondent0)
    }
    fn can_send(self) -> bool {
        !matches!(self.cooked(), Sub0 | Pull0)
    }
    fn can_recv(self) -> bool {
        !matches!(self.cooked(), Pub0 | Push0)
    }
    /// pair0/pair1 (not polyamorous) take one peer: further connections are the protocol's call.
    fn single_peer(self) -> bool {
        matches!(self, Pair0 | Pair0Raw | Pair1 | Pair1Raw)
    }
}

/// A handle choice: the i-th live object, the i-th closed one, an id never issued, or 0.
/// With no live (closed) object of the kind, `Live` (`Dead`) falls back to a never-issued id.
#[derive(Debug, Clone, Copy)]
enum H {
    Live(u8),
    Dead(u8),
    Never(u8),
    Zero,
}

/// Ids no NNG id map issues (they hand out 1..=0x7fffffff) or that this process never reaches.
fn never_id(i: u8) -> u32 {
    match i % 3 {
        0 => 0x7fff_fff0 + (i as u32 % 16),
        1 => 0x8000_0000 + i as u32,
        _ => u32::MAX,
    }
}

/// A data argument: bytes, or NULL with a length.
#[derive(Debug, Clone)]
enum Data {
    Bytes(Vec<u8>),
    /// NULL, length 0: allowed.
    Null0,
    /// NULL with a length (1..): `PNNG_EINVAL`.
    NullN(u8),
    /// NULL with a huge length: `PNNG_EINVAL`, nothing read.
    NullHuge,
}
impl Data {
    fn ptr(&self) -> *const c_void {
        match self {
            Data::Bytes(b) => b.as_ptr().cast(),
            _ => null(),
        }
    }
    fn len(&self) -> usize {
        match self {
            Data::Bytes(b) => b.len(),
            Data::Null0 => 0,
            Data::NullN(n) => *n as usize + 1,
            Data::NullHuge => usize::MAX - 7,
        }
    }
    /// The bytes, or None when the call must fail with EINVAL.
    fn valid(&self) -> Option<&[u8]> {
        match self {
            Data::Bytes(b) => Some(b),
            Data::Null0 => Some(&[]),
            _ => None,
        }
    }
}

/// A size relative to the current body length.
#[derive(Debug, Clone, Copy)]
enum Sz {
    Zero,
    Small(u8),
    Len,
    LenPlus(u8),
    Huge,
}
impl Sz {
    fn resolve(self, len: usize) -> usize {
        match self {
            Sz::Zero => 0,
            Sz::Small(n) => n as usize,
            Sz::Len => len,
            Sz::LenPlus(k) => len + 1 + k as usize,
            Sz::Huge => usize::MAX,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum F {
    Zero,
    Nb,
    /// `PNNG_DIAL_FALLBACK`: valid for dial only.
    Fallback,
    Junk(i32),
}
impl F {
    fn bits(self) -> c_int {
        match self {
            F::Zero => 0,
            F::Nb => NB,
            F::Fallback => PNNG_DIAL_FALLBACK,
            F::Junk(j) => j,
        }
    }
}
const JUNK_FLAGS: [i32; 5] = [1, 4, 0x100, -1, 0x4000_0000];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Url {
    /// One of the case's inproc addresses.
    A(u8),
    BadScheme,
    NoScheme,
    Empty,
    Null,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Ms,
    Size,
    Int,
    Bool,
    Str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OptName {
    RecvTimeo,
    SendTimeo,
    RecvMax,
    SockName,
    Raw,
    Proto,
    ProtoName,
    Url,
    Bogus,
    Empty,
    Null,
}
impl OptName {
    fn text(self) -> &'static str {
        match self {
            OptName::RecvTimeo => "recv-timeout",
            OptName::SendTimeo => "send-timeout",
            OptName::RecvMax => "recv-size-max",
            OptName::SockName => "socket-name",
            OptName::Raw => "raw",
            OptName::Proto => "protocol",
            OptName::ProtoName => "protocol-name",
            OptName::Url => "url",
            OptName::Bogus => "bogus-opt",
            OptName::Empty => "",
            OptName::Null => "<NULL>",
        }
    }
    /// The type of a socket option (None: not a socket option as far as the model knows).
    fn socket_ty(self) -> Option<Ty> {
        match self {
            OptName::RecvTimeo | OptName::SendTimeo => Some(Ty::Ms),
            OptName::RecvMax => Some(Ty::Size),
            OptName::SockName | OptName::ProtoName => Some(Ty::Str),
            OptName::Raw => Some(Ty::Bool),
            OptName::Proto => Some(Ty::Int),
            _ => None,
        }
    }
    fn unknown(self) -> bool {
        matches!(self, OptName::Bogus | OptName::Empty)
    }
}

/// One option call: `set` with value `val` (numbers; strings are `"n<val>"`, or 70 bytes when
/// `long`), or `get`. `null` is a NULL output pointer (get) or a NULL string value (set string).
#[derive(Debug, Clone, Copy)]
struct Opt {
    name: OptName,
    ty: Ty,
    set: bool,
    val: i32,
    long: bool,
    null: bool,
}
impl Opt {
    /// The duration a set_ms writes: 0..=TIMEO, or -7 (invalid: below -1).
    fn ms(&self) -> i32 {
        if self.val < 0 {
            -7
        } else {
            self.val % (TIMEO + 1)
        }
    }
    fn size(&self) -> usize {
        self.val.unsigned_abs() as usize % (SIZE_RANGE + 1)
    }
    fn string(&self) -> String {
        if self.long {
            "L".repeat(70)
        } else {
            format!("n{}", self.val)
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Into_ {
    /// `pnng_socket_recv_msg` into a message slot.
    Msg(u8),
    /// `pnng_socket_recv` into a buffer of this capacity.
    Buf(u8),
    /// `pnng_socket_recv_msg` with a NULL output.
    NullOut,
}

#[derive(Debug, Clone)]
enum Op {
    MsgNew {
        slot: u8,
        data: Data,
        null_out: bool,
    },
    MsgAppend {
        slot: u8,
        data: Data,
    },
    MsgInsert {
        slot: u8,
        data: Data,
    },
    MsgTrim {
        slot: u8,
        n: Sz,
    },
    MsgChop {
        slot: u8,
        n: Sz,
    },
    MsgClear {
        slot: u8,
    },
    MsgHeaderAppend {
        slot: u8,
        data: Data,
    },
    MsgHeaderClear {
        slot: u8,
    },
    MsgBodyMut {
        slot: u8,
        at: u8,
        val: u8,
    },
    MsgDup {
        from: u8,
        to: u8,
        null_out: bool,
    },
    MsgFree {
        slot: u8,
    },
    /// A message function called with a NULL message.
    MsgNull {
        f: u8,
    },
    Open {
        proto: Proto,
        null_out: bool,
    },
    /// Opens a `proto` socket and one of its peer protocol, listens on address `url` with the
    /// first and dials it (blocking) with the second: the usual way messages start to flow.
    OpenPair {
        proto: Proto,
        peer_raw: bool,
        url: u8,
    },
    /// On the `p`-th pair from `OpenPair`: sends `data` from one side (`back`: the dialing one)
    /// and receives on the other, waiting a little (a sub0 receiver subscribes to everything).
    Exchange {
        p: u8,
        back: bool,
        data: Vec<u8>,
        buf: Option<u8>,
    },
    Close {
        s: H,
    },
    SockOpt {
        s: H,
        opt: Opt,
    },
    Subscribe {
        s: H,
        topic: Data,
        unsub: bool,
    },
    Listen {
        s: H,
        url: Url,
        flags: F,
        null_out: bool,
    },
    Dial {
        s: H,
        url: Url,
        flags: F,
        null_out: bool,
    },
    EpClose {
        dialer: bool,
        e: H,
    },
    EpOpt {
        dialer: bool,
        e: H,
        opt: Opt,
    },
    ListEps {
        s: H,
        dialers: bool,
        cap: u8,
        null_len: bool,
    },
    Send {
        s: H,
        data: Data,
        flags: F,
    },
    /// Sends the message in `slot` (NULL if the slot is empty).
    SendMsg {
        s: H,
        slot: u8,
        flags: F,
    },
    /// `wait`: retry a non-blocking receive a few times, 1 ms apart, while nothing is there
    /// (more messages get through; nothing about timing is asserted).
    Recv {
        s: H,
        flags: F,
        into: Into_,
        wait: bool,
    },
    NewCtx {
        s: H,
        null_out: bool,
    },
    CtxClose {
        c: H,
    },
    CtxOpt {
        c: H,
        opt: Opt,
    },
    CtxSend {
        c: H,
        data: Data,
        flags: F,
    },
    CtxRecv {
        c: H,
        flags: F,
        cap: Option<u8>,
    },
    /// A pipe function on an id that is no pipe (never issued, or 0).
    PipeStale {
        i: u8,
        f: u8,
    },
}

fn bytes_s() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..12)
}
fn data_s() -> impl Strategy<Value = Data> {
    prop_oneof![
        12 => bytes_s().prop_map(Data::Bytes),
        1 => Just(Data::Null0),
        1 => any::<u8>().prop_map(Data::NullN),
        1 => Just(Data::NullHuge),
    ]
}
fn h_s() -> impl Strategy<Value = H> {
    prop_oneof![
        14 => (0u8..8).prop_map(H::Live),
        2 => any::<u8>().prop_map(H::Dead),
        1 => any::<u8>().prop_map(H::Never),
        1 => Just(H::Zero),
    ]
}
fn sz_s() -> impl Strategy<Value = Sz> {
    prop_oneof![
        Just(Sz::Zero),
        (0u8..6).prop_map(Sz::Small),
        Just(Sz::Len),
        (0u8..3).prop_map(Sz::LenPlus),
        Just(Sz::Huge),
    ]
}
/// Send/receive flags: mostly non-blocking (blocking calls wait up to TIMEO).
fn flags_s() -> impl Strategy<Value = F> {
    prop_oneof![
        6 => Just(F::Nb),
        1 => Just(F::Zero),
        1 => prop::sample::select(JUNK_FLAGS.to_vec()).prop_map(F::Junk),
    ]
}
fn listen_flags_s() -> impl Strategy<Value = F> {
    prop_oneof![
        4 => Just(F::Zero),
        2 => Just(F::Nb),
        1 => Just(F::Fallback), // junk for listen
        1 => prop::sample::select(JUNK_FLAGS.to_vec()).prop_map(F::Junk),
    ]
}
fn dial_flags_s() -> impl Strategy<Value = F> {
    prop_oneof![
        3 => Just(F::Zero),
        3 => Just(F::Nb),
        2 => Just(F::Fallback),
        1 => prop::sample::select(JUNK_FLAGS.to_vec()).prop_map(F::Junk),
    ]
}
fn url_s() -> impl Strategy<Value = Url> {
    prop_oneof![
        12 => (0u8..3).prop_map(Url::A),
        1 => Just(Url::BadScheme),
        1 => Just(Url::NoScheme),
        1 => Just(Url::Empty),
        1 => Just(Url::Null),
    ]
}
fn opt_s() -> impl Strategy<Value = Opt> {
    let name = prop::sample::select(vec![
        OptName::RecvTimeo,
        OptName::SendTimeo,
        OptName::RecvMax,
        OptName::SockName,
        OptName::Raw,
        OptName::Proto,
        OptName::ProtoName,
        OptName::Url,
        OptName::Bogus,
        OptName::Empty,
        OptName::Null,
    ]);
    let ty = prop::sample::select(vec![Ty::Ms, Ty::Size, Ty::Int, Ty::Bool, Ty::Str]);
    (
        name,
        ty,
        any::<bool>(),
        prop_oneof![8 => 0i32..1000, 1 => Just(-1)],
        prop::bool::weighted(0.1),
        prop::bool::weighted(0.05),
    )
        .prop_map(|(name, ty, set, val, long, null)| {
            // mostly the option's own type, so the value checks run often
            let ty = match name.socket_ty() {
                Some(t) if val % 3 != 0 => t,
                None if name == OptName::Url && val % 3 != 0 => Ty::Str,
                _ => ty,
            };
            Opt {
                name,
                ty,
                set,
                val,
                long,
                null,
            }
        })
}

fn open_pair_s() -> impl Strategy<Value = Op> {
    (prop::sample::select(PROTOS.to_vec()), any::<bool>(), 0u8..3).prop_map(
        |(proto, peer_raw, url)| Op::OpenPair {
            proto,
            peer_raw,
            url,
        },
    )
}

/// A case: 0..3 connected pairs first (so most calls meet live objects), then 1..40 calls.
fn ops_s() -> impl Strategy<Value = Vec<Op>> {
    (
        prop::collection::vec(open_pair_s(), 0..3),
        prop::collection::vec(op_s(), 1..40),
    )
        .prop_map(|(mut a, b)| {
            a.extend(b);
            a
        })
}

fn op_s() -> impl Strategy<Value = Op> {
    let slot = || 0u8..MSG_SLOTS as u8;
    let arms: Vec<(u32, BoxedStrategy<Op>)> = vec![
        (6, (slot(), data_s(), prop::bool::weighted(0.05)).prop_map(|(slot, data, null_out)| Op::MsgNew { slot, data, null_out }).boxed()),
        (4, (slot(), data_s()).prop_map(|(slot, data)| Op::MsgAppend { slot, data }).boxed()),
        (4, (slot(), data_s()).prop_map(|(slot, data)| Op::MsgInsert { slot, data }).boxed()),
        (3, (slot(), sz_s()).prop_map(|(slot, n)| Op::MsgTrim { slot, n }).boxed()),
        (3, (slot(), sz_s()).prop_map(|(slot, n)| Op::MsgChop { slot, n }).boxed()),
        (1, slot().prop_map(|slot| Op::MsgClear { slot }).boxed()),
        (2, (slot(), data_s()).prop_map(|(slot, data)| Op::MsgHeaderAppend { slot, data }).boxed()),
        (1, slot().prop_map(|slot| Op::MsgHeaderClear { slot }).boxed()),
        (1, (slot(), any::<u8>(), any::<u8>()).prop_map(|(slot, at, val)| Op::MsgBodyMut { slot, at, val }).boxed()),
        (2, (slot(), slot(), prop::bool::weighted(0.1)).prop_map(|(from, to, null_out)| Op::MsgDup { from, to, null_out }).boxed()),
        (2, slot().prop_map(|slot| Op::MsgFree { slot }).boxed()),
        (1, (0u8..12).prop_map(|f| Op::MsgNull { f }).boxed()),
        (6, (prop::sample::select(PROTOS.to_vec()), prop::bool::weighted(0.05)).prop_map(|(proto, null_out)| Op::Open { proto, null_out }).boxed()),
        (3, open_pair_s().boxed()),
        (1, h_s().prop_map(|s| Op::Close { s }).boxed()),
        (5, (0u8..4, any::<bool>(), bytes_s(), prop::option::of(0u8..8)).prop_map(|(p, back, data, buf)| Op::Exchange { p, back, data, buf }).boxed()),
        (6, (h_s(), opt_s()).prop_map(|(s, opt)| Op::SockOpt { s, opt }).boxed()),
        (2, (h_s(), data_s(), any::<bool>()).prop_map(|(s, topic, unsub)| Op::Subscribe { s, topic, unsub }).boxed()),
        (4, (h_s(), url_s(), listen_flags_s(), prop::bool::weighted(0.2)).prop_map(|(s, url, flags, null_out)| Op::Listen { s, url, flags, null_out }).boxed()),
        (4, (h_s(), url_s(), dial_flags_s(), prop::bool::weighted(0.2)).prop_map(|(s, url, flags, null_out)| Op::Dial { s, url, flags, null_out }).boxed()),
        (2, (any::<bool>(), h_s()).prop_map(|(dialer, e)| Op::EpClose { dialer, e }).boxed()),
        (2, (any::<bool>(), h_s(), opt_s()).prop_map(|(dialer, e, opt)| Op::EpOpt { dialer, e, opt }).boxed()),
        (1, (h_s(), any::<bool>(), 0u8..4, prop::bool::weighted(0.1)).prop_map(|(s, dialers, cap, null_len)| Op::ListEps { s, dialers, cap, null_len }).boxed()),
        (5, (h_s(), data_s(), flags_s()).prop_map(|(s, data, flags)| Op::Send { s, data, flags }).boxed()),
        (3, (h_s(), slot(), flags_s()).prop_map(|(s, slot, flags)| Op::SendMsg { s, slot, flags }).boxed()),
        (
            6,
            (
                h_s(),
                flags_s(),
                prop_oneof![3 => slot().prop_map(Into_::Msg), 3 => (0u8..8).prop_map(Into_::Buf), 1 => Just(Into_::NullOut)],
                prop::bool::weighted(0.3),
            )
                .prop_map(|(s, flags, into, wait)| Op::Recv { s, flags, into, wait })
                .boxed(),
        ),
        (3, (h_s(), prop::bool::weighted(0.05)).prop_map(|(s, null_out)| Op::NewCtx { s, null_out }).boxed()),
        (1, h_s().prop_map(|c| Op::CtxClose { c }).boxed()),
        (2, (h_s(), opt_s()).prop_map(|(c, opt)| Op::CtxOpt { c, opt }).boxed()),
        (2, (h_s(), data_s(), flags_s()).prop_map(|(c, data, flags)| Op::CtxSend { c, data, flags }).boxed()),
        (2, (h_s(), flags_s(), prop::option::of(0u8..8)).prop_map(|(c, flags, cap)| Op::CtxRecv { c, flags, cap }).boxed()),
        (1, (any::<u8>(), 0u8..5).prop_map(|(i, f)| Op::PipeStale { i, f }).boxed()),
    ];
    Union::new_weighted(arms)
}

// ---------------------------------------------------------------------------------------------
// The model.

struct MsgS {
    m: *mut pnng_msg,
    body: Vec<u8>,
    hdr: Vec<u8>,
}

struct Sock {
    id: u32,
    proto: Proto,
    recv_timeo: i32,
    send_timeo: i32,
    recv_max: usize,
    name: Option<String>,
    subs: Vec<Vec<u8>>,
    /// Length of a message kept after `PNNG_EMSGSIZE`: the next receive returns it.
    pending: Option<usize>,
    /// Connections made or attempted to or from it (pair0/pair1 take only one peer).
    links: u32,
}

struct Ctx {
    id: u32,
    sock: u32,
    proto: Proto,
    recv_timeo: i32,
    send_timeo: i32,
    pending: Option<usize>,
}

struct Ep {
    id: u32,
    sock: u32,
    url: String,
    /// Listeners: the address index it holds.
    addr: Option<usize>,
}

struct World {
    case: u32,
    msgs: [Option<MsgS>; MSG_SLOTS],
    socks: Vec<Sock>,
    dead_socks: Vec<u32>,
    ctxs: Vec<Ctx>,
    dead_ctxs: Vec<u32>,
    listeners: Vec<Ep>,
    dialers: Vec<Ep>,
    dead_dialers: Vec<u32>,
    dead_listeners: Vec<u32>,
    /// Bodies sent in this case (a received body is a suffix of one of them).
    sent: Vec<Vec<u8>>,
    /// A message with a header was sent: protocols may move header bytes into bodies.
    sent_header: bool,
    /// Every id seen, per kind, to check ids are not reused.
    seen_socks: Vec<u32>,
    seen_ctxs: Vec<u32>,
    /// Socket ids (listening, dialing) connected by `OpenPair`.
    pairs: Vec<(u32, u32)>,
}

static CASE: AtomicU32 = AtomicU32::new(0);

/// 0, or in NNG's documented set: 1..=31 and the ESYSERR / ETRANERR ranges.
fn nng_code(rv: i32) -> bool {
    const LOW: i32 = 0x0FFF_FFFF;
    (0..=31).contains(&rv)
        || (rv & !LOW == PNNG_ESYSERR && rv & LOW != 0)
        || (rv & !LOW == PNNG_ETRANERR && rv & LOW != 0)
}

macro_rules! expect {
    ($rv:expr, [$($c:expr),+ $(,)?], $($what:tt)+) => {{
        let rv = $rv;
        let allowed: &[i32] = &[$($c),+];
        prop_assert!(allowed.contains(&rv), "{}: got {} ({}), expected one of {:?}", format!($($what)+), rv, strerror(rv), allowed);
    }};
}

impl World {
    fn new() -> World {
        World {
            case: CASE.fetch_add(1, Ordering::Relaxed),
            msgs: Default::default(),
            socks: vec![],
            dead_socks: vec![],
            ctxs: vec![],
            dead_ctxs: vec![],
            listeners: vec![],
            dialers: vec![],
            dead_dialers: vec![],
            dead_listeners: vec![],
            sent: vec![],
            sent_header: false,
            seen_socks: vec![],
            seen_ctxs: vec![],
            pairs: vec![],
        }
    }

    fn url(&self, u: Url) -> Option<String> {
        match u {
            Url::A(k) => Some(format!(
                "inproc://pnng-pt-{}-{}-{}",
                std::process::id(),
                self.case,
                k
            )),
            Url::BadScheme => Some("bogus://x".into()),
            Url::NoScheme => Some("no-scheme-here".into()),
            Url::Empty => Some(String::new()),
            Url::Null => None,
        }
    }

    /// (id, index of the live socket).
    fn sock(&self, h: H) -> (u32, Option<usize>) {
        pick(h, self.socks.len(), &self.dead_socks, |k| self.socks[k].id)
    }
    fn ctx(&self, h: H) -> (u32, Option<usize>) {
        pick(h, self.ctxs.len(), &self.dead_ctxs, |k| self.ctxs[k].id)
    }
    fn ep(&self, dialer: bool, h: H) -> (u32, Option<usize>) {
        let (v, dead) = if dialer {
            (&self.dialers, &self.dead_dialers)
        } else {
            (&self.listeners, &self.dead_listeners)
        };
        pick(h, v.len(), dead, |k| v[k].id)
    }

    fn slot(&self, s: u8) -> usize {
        s as usize % MSG_SLOTS
    }

    fn free_slot(&mut self, i: usize) {
        if let Some(m) = self.msgs[i].take() {
            unsafe { pnng_msg_free(m.m) };
        }
    }

    /// Puts a message the test now owns into slot `i` (reading its actual contents).
    fn adopt(&mut self, i: usize, m: *mut pnng_msg) {
        self.free_slot(i);
        let hdr = header(m);
        self.msgs[i] = Some(MsgS {
            m,
            body: body(m),
            hdr,
        });
    }

    /// Closes the socket in the model: its contexts, listeners and dialers go with it.
    fn drop_sock(&mut self, k: usize) {
        let s = self.socks.remove(k);
        self.dead_socks.push(s.id);
        for c in self.ctxs.iter().filter(|c| c.sock == s.id) {
            self.dead_ctxs.push(c.id);
        }
        self.ctxs.retain(|c| c.sock != s.id);
        for e in self.listeners.iter().filter(|e| e.sock == s.id) {
            self.dead_listeners.push(e.id);
        }
        for e in self.dialers.iter().filter(|e| e.sock == s.id) {
            self.dead_dialers.push(e.id);
        }
        self.listeners.retain(|e| e.sock != s.id);
        self.dialers.retain(|e| e.sock != s.id);
    }

    /// A received body must be a suffix of a sent one (protocols only strip their headers).
    fn check_received(&self, what: &str, b: &[u8]) -> Result<(), TestCaseError> {
        if !self.sent_header {
            prop_assert!(
                self.sent.iter().any(|s| s.ends_with(b)),
                "{what}: received {b:?}, not a suffix of any sent body {:?}",
                self.sent
            );
        }
        Ok(())
    }

    /// After every op: each message equals its shadow.
    fn check_msgs(&self, what: &str) -> Result<(), TestCaseError> {
        for (i, m) in self.msgs.iter().enumerate() {
            if let Some(m) = m {
                prop_assert_eq!(
                    unsafe { pnng_msg_len(m.m) },
                    m.body.len(),
                    "after {}: msg slot {} length",
                    what,
                    i
                );
                prop_assert_eq!(&body(m.m), &m.body, "after {}: msg slot {} body", what, i);
                prop_assert_eq!(
                    unsafe { pnng_msg_header_len(m.m) },
                    m.hdr.len(),
                    "after {}: msg slot {} header length",
                    what,
                    i
                );
                prop_assert_eq!(
                    &header(m.m),
                    &m.hdr,
                    "after {}: msg slot {} header",
                    what,
                    i
                );
            }
        }
        Ok(())
    }

    fn step(&mut self, op: &Op) -> Result<(), TestCaseError> {
        let what = format!("{op:?}");
        let w = what.as_str();
        match op {
            // ---------------------------------------------------------------- messages
            Op::MsgNew {
                slot,
                data,
                null_out,
            } => {
                let i = self.slot(*slot);
                let mut m = null_mut();
                let out: *mut *mut pnng_msg = if *null_out { null_mut() } else { &mut m };
                let rv = unsafe { pnng_msg_new(data.ptr(), data.len(), out) };
                match (data.valid(), null_out) {
                    (Some(b), false) => {
                        expect!(rv, [PNNG_OK], "{w}");
                        prop_assert!(!m.is_null());
                        self.free_slot(i);
                        self.msgs[i] = Some(MsgS {
                            m,
                            body: b.to_vec(),
                            hdr: vec![],
                        });
                    }
                    _ => expect!(rv, [PNNG_EINVAL], "{w}"),
                }
            }
            Op::MsgAppend { slot, data }
            | Op::MsgInsert { slot, data }
            | Op::MsgHeaderAppend { slot, data } => {
                let i = self.slot(*slot);
                let Some(ms) = self.msgs[i].as_mut() else {
                    return Ok(());
                };
                let rv = unsafe {
                    match op {
                        Op::MsgAppend { .. } => pnng_msg_append(ms.m, data.ptr(), data.len()),
                        Op::MsgInsert { .. } => pnng_msg_insert(ms.m, data.ptr(), data.len()),
                        _ => pnng_msg_header_append(ms.m, data.ptr(), data.len()),
                    }
                };
                match data.valid() {
                    Some(b) => {
                        expect!(rv, [PNNG_OK], "{w}");
                        match op {
                            Op::MsgAppend { .. } => ms.body.extend_from_slice(b),
                            Op::MsgInsert { .. } => {
                                ms.body.splice(0..0, b.iter().copied());
                            }
                            _ => ms.hdr.extend_from_slice(b),
                        }
                    }
                    None => expect!(rv, [PNNG_EINVAL], "{w}"),
                }
            }
            Op::MsgTrim { slot, n } | Op::MsgChop { slot, n } => {
                let i = self.slot(*slot);
                let Some(ms) = self.msgs[i].as_mut() else {
                    return Ok(());
                };
                let len = ms.body.len();
                let n = n.resolve(len);
                let trim = matches!(op, Op::MsgTrim { .. });
                let rv = unsafe {
                    if trim {
                        pnng_msg_trim(ms.m, n)
                    } else {
                        pnng_msg_chop(ms.m, n)
                    }
                };
                if n <= len {
                    expect!(rv, [PNNG_OK], "{w} (n={n}, len={len})");
                    if trim {
                        ms.body.drain(..n);
                    } else {
                        ms.body.truncate(len - n);
                    }
                } else {
                    expect!(rv, [PNNG_EINVAL], "{w} (n={n}, len={len})");
                }
            }
            Op::MsgClear { slot } | Op::MsgHeaderClear { slot } => {
                let i = self.slot(*slot);
                let Some(ms) = self.msgs[i].as_mut() else {
                    return Ok(());
                };
                if matches!(op, Op::MsgClear { .. }) {
                    expect!(unsafe { pnng_msg_clear(ms.m) }, [PNNG_OK], "{w}");
                    ms.body.clear();
                } else {
                    expect!(unsafe { pnng_msg_header_clear(ms.m) }, [PNNG_OK], "{w}");
                    ms.hdr.clear();
                }
            }
            Op::MsgBodyMut { slot, at, val } => {
                let i = self.slot(*slot);
                let Some(ms) = self.msgs[i].as_mut() else {
                    return Ok(());
                };
                if !ms.body.is_empty() {
                    let p = unsafe { pnng_msg_body_mut(ms.m) };
                    prop_assert!(!p.is_null(), "{w}: body_mut is NULL");
                    let k = *at as usize % ms.body.len();
                    unsafe { *p.add(k) = *val };
                    ms.body[k] = *val;
                }
            }
            Op::MsgDup { from, to, null_out } => {
                let (f, t) = (self.slot(*from), self.slot(*to));
                let Some(src) = self.msgs[f].as_ref() else {
                    return Ok(());
                };
                let mut m = null_mut();
                let out: *mut *mut pnng_msg = if *null_out { null_mut() } else { &mut m };
                let rv = unsafe { pnng_msg_dup(src.m, out) };
                if *null_out {
                    expect!(rv, [PNNG_EINVAL], "{w}");
                } else {
                    expect!(rv, [PNNG_OK], "{w}");
                    let (b, h) = (src.body.clone(), src.hdr.clone());
                    self.free_slot(t);
                    self.msgs[t] = Some(MsgS { m, body: b, hdr: h });
                }
            }
            Op::MsgFree { slot } => {
                let i = self.slot(*slot);
                self.free_slot(i);
            }
            Op::MsgNull { f } => unsafe {
                let n = null_mut();
                let b = [1u8, 2];
                let mut out = null_mut();
                match f % 12 {
                    0 => expect!(
                        pnng_msg_append(n, b.as_ptr().cast(), 2),
                        [PNNG_EINVAL],
                        "{w}"
                    ),
                    1 => expect!(
                        pnng_msg_insert(n, b.as_ptr().cast(), 2),
                        [PNNG_EINVAL],
                        "{w}"
                    ),
                    2 => expect!(pnng_msg_trim(n, 0), [PNNG_EINVAL], "{w}"),
                    3 => expect!(pnng_msg_chop(n, 1), [PNNG_EINVAL], "{w}"),
                    4 => expect!(pnng_msg_clear(n), [PNNG_EINVAL], "{w}"),
                    5 => expect!(
                        pnng_msg_header_append(n, b.as_ptr().cast(), 2),
                        [PNNG_EINVAL],
                        "{w}"
                    ),
                    6 => expect!(pnng_msg_header_clear(n), [PNNG_EINVAL], "{w}"),
                    7 => {
                        expect!(pnng_msg_dup(n, &mut out), [PNNG_EINVAL], "{w}");
                        prop_assert!(out.is_null(), "{w}: output written on failure");
                    }
                    8 => {
                        prop_assert_eq!(pnng_msg_len(n), 0);
                        prop_assert_eq!(pnng_msg_header_len(n), 0);
                    }
                    9 => {
                        prop_assert!(pnng_msg_body(n).is_null());
                        prop_assert!(pnng_msg_body_mut(n).is_null());
                    }
                    10 => {
                        let mut p = pnng_pipe { id: 7 };
                        expect!(pnng_msg_pipe(n, &mut p), [PNNG_EINVAL], "{w}");
                        prop_assert_eq!(p.id, 7, "{}: output written on failure", w);
                    }
                    _ => pnng_msg_free(n),
                }
            },

            // ---------------------------------------------------------------- sockets
            Op::Open { proto, null_out } => {
                let mut s = pnng_socket { id: 0 };
                if *null_out {
                    expect!(
                        unsafe { (proto.opener())(null_mut()) },
                        [PNNG_EINVAL],
                        "{w}"
                    );
                    return Ok(());
                }
                expect!(unsafe { (proto.opener())(&mut s) }, [PNNG_OK], "{w}");
                prop_assert!(s.id > 0, "{w}: id 0");
                prop_assert!(
                    !self.seen_socks.contains(&s.id),
                    "{w}: socket id {} reused",
                    s.id
                );
                self.seen_socks.push(s.id);
                let mut sock = Sock {
                    id: s.id,
                    proto: *proto,
                    recv_timeo: TIMEO,
                    send_timeo: TIMEO,
                    recv_max: DEFAULT_RECV_MAX,
                    name: None,
                    subs: vec![],
                    pending: None,
                    links: 0,
                };
                for o in ["recv-timeout", "send-timeout"] {
                    let o = c(o);
                    expect!(
                        unsafe { pnng_socket_set_ms(s, o.as_ptr(), TIMEO) },
                        [PNNG_OK],
                        "{w}: setting timeouts"
                    );
                }
                if *proto == Surveyor0 {
                    let o = c("surveyor:survey-time");
                    expect!(
                        unsafe { pnng_socket_set_ms(s, o.as_ptr(), TIMEO) },
                        [PNNG_OK],
                        "{w}: survey time"
                    );
                }
                // the documented default
                let mut v = 0usize;
                let o = c("recv-size-max");
                expect!(
                    unsafe { pnng_socket_get_size(s, o.as_ptr(), &mut v) },
                    [PNNG_OK],
                    "{w}: recv-size-max"
                );
                prop_assert_eq!(v, DEFAULT_RECV_MAX, "{}: default recv-size-max", w);
                sock.recv_max = v;
                self.socks.push(sock);
            }
            Op::OpenPair {
                proto,
                peer_raw,
                url,
            } => {
                let peer = PROTOS
                    .iter()
                    .copied()
                    .find(|p| p.cooked() == proto.peer() && p.raw() == *peer_raw && *p != Pair1Poly)
                    .unwrap();
                for p in [*proto, peer] {
                    self.step(&Op::Open {
                        proto: p,
                        null_out: false,
                    })?;
                }
                let n = self.socks.len() as u8;
                self.listen(w, H::Live(n - 2), Url::A(*url), F::Zero, false)?;
                self.dial(w, H::Live(n - 1), Url::A(*url), F::Zero, false)?;
                let (a, b) = (self.socks[n as usize - 2].id, self.socks[n as usize - 1].id);
                if self.dialers.iter().any(|d| d.sock == b) {
                    self.pairs.push((a, b));
                }
            }
            Op::Exchange { p, back, data, buf } => {
                let live: Vec<(u32, u32)> = self
                    .pairs
                    .iter()
                    .copied()
                    .filter(|(a, b)| {
                        self.socks.iter().any(|s| s.id == *a)
                            && self.socks.iter().any(|s| s.id == *b)
                    })
                    .collect();
                if live.is_empty() {
                    return Ok(());
                }
                let (a, b) = live[*p as usize % live.len()];
                let (tx, rx) = if *back { (b, a) } else { (a, b) };
                let ix =
                    |id: u32| H::Live(self.socks.iter().position(|s| s.id == id).unwrap() as u8);
                let (htx, hrx) = (ix(tx), ix(rx));
                let rxp = self.socks.iter().find(|s| s.id == rx).unwrap().proto;
                if rxp == Sub0 {
                    self.step(&Op::Subscribe {
                        s: hrx,
                        topic: Data::Bytes(vec![]),
                        unsub: false,
                    })?;
                }
                self.step(&Op::Send {
                    s: htx,
                    data: Data::Bytes(data.clone()),
                    flags: F::Nb,
                })?;
                let into = match buf {
                    Some(cp) => Into_::Buf(*cp),
                    None => Into_::Msg(0),
                };
                self.recv(w, hrx, F::Nb, into, true)?;
            }
            Op::Close { s } => {
                let (id, live) = self.sock(*s);
                let rv = unsafe { pnng_socket_close(pnng_socket { id }) };
                match live {
                    Some(k) => {
                        expect!(rv, [PNNG_OK], "{w}");
                        self.drop_sock(k);
                    }
                    None => expect!(rv, [PNNG_ECLOSED], "{w} (id {id})"),
                }
            }
            Op::SockOpt { s, opt } => {
                let (id, live) = self.sock(*s);
                self.sock_opt(w, id, live, opt)?;
            }
            Op::Subscribe { s, topic, unsub } => {
                let (id, live) = self.sock(*s);
                let rv = unsafe {
                    if *unsub {
                        pnng_sub0_unsubscribe(pnng_socket { id }, topic.ptr(), topic.len())
                    } else {
                        pnng_sub0_subscribe(pnng_socket { id }, topic.ptr(), topic.len())
                    }
                };
                match (live, topic.valid()) {
                    (_, None) => expect!(rv, [PNNG_EINVAL, PNNG_ECLOSED, PNNG_ENOTSUP], "{w}"),
                    (None, _) => expect!(rv, [PNNG_ECLOSED], "{w} (id {id})"),
                    (Some(k), Some(t)) => {
                        let sk = &mut self.socks[k];
                        if sk.proto != Sub0 {
                            expect!(rv, [PNNG_ENOTSUP], "{w} on {:?}", sk.proto);
                        } else if !*unsub {
                            expect!(rv, [PNNG_OK], "{w}");
                            if !sk.subs.iter().any(|x| x == t) {
                                sk.subs.push(t.to_vec());
                            }
                        } else if let Some(p) = sk.subs.iter().position(|x| x == t) {
                            expect!(rv, [PNNG_OK], "{w} (subscribed: {:?})", sk.subs);
                            sk.subs.remove(p);
                        } else {
                            expect!(rv, [PNNG_ENOENT], "{w} (subscribed: {:?})", sk.subs);
                        }
                    }
                }
            }
            Op::Listen {
                s,
                url,
                flags,
                null_out,
            } => self.listen(w, *s, *url, *flags, *null_out)?,
            Op::Dial {
                s,
                url,
                flags,
                null_out,
            } => self.dial(w, *s, *url, *flags, *null_out)?,
            Op::EpClose { dialer, e } => {
                let (id, live) = self.ep(*dialer, *e);
                let rv = unsafe {
                    if *dialer {
                        pnng_dialer_close(pnng_dialer { id })
                    } else {
                        pnng_listener_close(pnng_listener { id })
                    }
                };
                match live {
                    Some(k) => {
                        expect!(rv, [PNNG_OK], "{w}");
                        if *dialer {
                            let e = self.dialers.remove(k);
                            self.dead_dialers.push(e.id);
                        } else {
                            let e = self.listeners.remove(k);
                            self.dead_listeners.push(e.id);
                        }
                    }
                    None => expect!(rv, [PNNG_ENOENT], "{w} (id {id})"),
                }
            }
            Op::EpOpt { dialer, e, opt } => {
                let (id, live) = self.ep(*dialer, *e);
                let url = live.map(|k| {
                    if *dialer {
                        self.dialers[k].url.clone()
                    } else {
                        self.listeners[k].url.clone()
                    }
                });
                self.ep_opt(w, *dialer, id, url, opt)?;
            }
            Op::ListEps {
                s,
                dialers,
                cap,
                null_len,
            } => {
                let (id, live) = self.sock(*s);
                let mut buf = [0u32; 8];
                let mut n = usize::MAX;
                let np: *mut usize = if *null_len { null_mut() } else { &mut n };
                let cap = *cap as usize;
                let rv = unsafe {
                    if *dialers {
                        pnng_socket_dialers(pnng_socket { id }, buf.as_mut_ptr().cast(), cap, np)
                    } else {
                        pnng_socket_listeners(pnng_socket { id }, buf.as_mut_ptr().cast(), cap, np)
                    }
                };
                match live {
                    _ if *null_len => expect!(rv, [PNNG_EINVAL, PNNG_ECLOSED], "{w}"),
                    None => expect!(rv, [PNNG_ECLOSED], "{w} (id {id})"),
                    Some(k) => {
                        let sid = self.socks[k].id;
                        let v = if *dialers {
                            &self.dialers
                        } else {
                            &self.listeners
                        };
                        let mut want: Vec<u32> =
                            v.iter().filter(|e| e.sock == sid).map(|e| e.id).collect();
                        want.sort();
                        if want.len() > cap {
                            expect!(rv, [PNNG_EMSGSIZE], "{w} (model: {want:?})");
                            prop_assert_eq!(n, want.len(), "{}: count", w);
                        } else {
                            expect!(rv, [PNNG_OK], "{w}");
                            prop_assert_eq!(n, want.len(), "{}: count", w);
                            let mut got = buf[..n].to_vec();
                            got.sort();
                            prop_assert_eq!(got, want, "{}: ids", w);
                        }
                    }
                }
            }
            Op::Send { s, data, flags } => {
                let (id, live) = self.sock(*s);
                let rv = unsafe {
                    pnng_socket_send(pnng_socket { id }, data.ptr(), data.len(), flags.bits())
                };
                let proto = live.map(|k| self.socks[k].proto);
                self.sent_bytes(w, id, proto, data, *flags, rv)?;
            }
            Op::SendMsg { s, slot, flags } => {
                let (id, live) = self.sock(*s);
                let i = self.slot(*slot);
                let m = self.msgs[i].as_ref().map_or(null_mut(), |m| m.m);
                if let Some(ms) = &self.msgs[i] {
                    if ms.hdr.is_empty() {
                        self.sent.push(ms.body.clone());
                    } else {
                        self.sent_header = true;
                    }
                }
                let rv = unsafe { pnng_socket_send_msg(pnng_socket { id }, m, flags.bits()) };
                let bad = m.is_null() || !matches!(flags, F::Zero | F::Nb);
                match live {
                    _ if bad => expect!(rv, [PNNG_EINVAL, PNNG_ECLOSED], "{w}"),
                    None => expect!(rv, [PNNG_ECLOSED], "{w} (id {id})"),
                    Some(k) => {
                        let p = self.socks[k].proto;
                        if !p.can_send() {
                            expect!(rv, [PNNG_ENOTSUP], "{w} on {p:?}");
                        }
                        prop_assert!(nng_code(rv), "{w}: undocumented code {rv}");
                    }
                }
                if rv == PNNG_OK {
                    // consumed: not ours to free any more
                    self.msgs[i] = None;
                }
            }
            Op::Recv {
                s,
                flags,
                into,
                wait,
            } => self.recv(w, *s, *flags, *into, *wait)?,

            // ---------------------------------------------------------------- contexts
            Op::NewCtx { s, null_out } => {
                let (id, live) = self.sock(*s);
                let mut c_ = pnng_ctx { id: 0 };
                let out: *mut pnng_ctx = if *null_out { null_mut() } else { &mut c_ };
                let rv = unsafe { pnng_socket_new_context(pnng_socket { id }, out) };
                match live {
                    _ if *null_out => expect!(rv, [PNNG_EINVAL, PNNG_ECLOSED], "{w}"),
                    None => expect!(rv, [PNNG_ECLOSED], "{w} (id {id})"),
                    Some(k) => {
                        let p = self.socks[k].proto;
                        if !p.has_ctx() {
                            expect!(rv, [PNNG_ENOTSUP], "{w} on {p:?}");
                            return Ok(());
                        }
                        expect!(rv, [PNNG_OK], "{w} on {p:?}");
                        prop_assert!(c_.id > 0, "{w}: ctx id 0");
                        prop_assert!(
                            !self.seen_ctxs.contains(&c_.id),
                            "{w}: ctx id {} reused",
                            c_.id
                        );
                        self.seen_ctxs.push(c_.id);
                        for o in ["recv-timeout", "send-timeout"] {
                            let o = c(o);
                            expect!(
                                unsafe { pnng_ctx_set_ms(c_, o.as_ptr(), TIMEO) },
                                [PNNG_OK],
                                "{w}: ctx timeouts"
                            );
                        }
                        if p == Surveyor0 {
                            let o = c("surveyor:survey-time");
                            expect!(
                                unsafe { pnng_ctx_set_ms(c_, o.as_ptr(), TIMEO) },
                                [PNNG_OK],
                                "{w}: ctx survey time"
                            );
                        }
                        self.ctxs.push(Ctx {
                            id: c_.id,
                            sock: id,
                            proto: p,
                            recv_timeo: TIMEO,
                            send_timeo: TIMEO,
                            pending: None,
                        });
                    }
                }
            }
            Op::CtxClose { c: h } => {
                let (id, live) = self.ctx(*h);
                let rv = unsafe { pnng_ctx_close(pnng_ctx { id }) };
                match live {
                    Some(k) => {
                        expect!(rv, [PNNG_OK], "{w}");
                        let x = self.ctxs.remove(k);
                        self.dead_ctxs.push(x.id);
                    }
                    None => expect!(rv, [PNNG_ECLOSED], "{w} (id {id})"),
                }
            }
            Op::CtxOpt { c: h, opt } => {
                let (id, live) = self.ctx(*h);
                self.ctx_opt(w, id, live, opt)?;
            }
            Op::CtxSend { c: h, data, flags } => {
                let (id, live) = self.ctx(*h);
                let rv =
                    unsafe { pnng_ctx_send(pnng_ctx { id }, data.ptr(), data.len(), flags.bits()) };
                let proto = live.map(|k| self.ctxs[k].proto);
                self.sent_bytes(w, id, proto, data, *flags, rv)?;
            }
            Op::CtxRecv { c: h, flags, cap } => {
                let (id, live) = self.ctx(*h);
                let bad = !matches!(flags, F::Zero | F::Nb);
                let mut buf = [0u8; 8];
                let mut n = usize::MAX;
                let mut m = null_mut();
                let rv = unsafe {
                    match cap {
                        Some(cp) => pnng_ctx_recv(
                            pnng_ctx { id },
                            buf.as_mut_ptr().cast(),
                            *cp as usize,
                            flags.bits(),
                            &mut n,
                        ),
                        None => pnng_ctx_recv_msg(pnng_ctx { id }, flags.bits(), &mut m),
                    }
                };
                match live {
                    _ if bad => expect!(rv, [PNNG_EINVAL, PNNG_ECLOSED], "{w}"),
                    None => expect!(rv, [PNNG_ECLOSED], "{w} (id {id})"),
                    Some(k) => {
                        let p = self.ctxs[k].proto;
                        if !p.can_recv() {
                            expect!(rv, [PNNG_ENOTSUP], "{w} on {p:?} ctx");
                        }
                        prop_assert!(nng_code(rv), "{w}: undocumented code {rv}");
                        let pending = self.ctxs[k].pending;
                        if let Some(len) = pending {
                            // the message kept after EMSGSIZE comes back first
                            match cap {
                                Some(cp) if (*cp as usize) < len => {
                                    expect!(rv, [PNNG_EMSGSIZE], "{w} (kept message of {len})");
                                    prop_assert_eq!(n, len, "{}: needed size", w);
                                }
                                _ => expect!(rv, [PNNG_OK], "{w} (kept message of {len})"),
                            }
                        }
                        let got = match cap {
                            Some(_) if rv == PNNG_OK => Some(buf[..n].to_vec()),
                            None if rv == PNNG_OK => Some(take(m)),
                            _ => None,
                        };
                        if rv == PNNG_EMSGSIZE {
                            prop_assert!(n > cap.unwrap_or(0) as usize, "{w}: EMSGSIZE with n={n}");
                            self.ctxs[k].pending = Some(n);
                        }
                        if let Some(b) = got {
                            if let Some(len) = pending {
                                prop_assert_eq!(b.len(), len, "{}: kept message length", w);
                            }
                            self.ctxs[k].pending = None;
                            self.check_received(w, &b)?;
                        }
                    }
                }
            }
            Op::PipeStale { i, f } => {
                let id = if i % 4 == 0 {
                    0
                } else {
                    0x8000_0000 | *i as u32 | ((*i as u32) << 16)
                };
                let p = pnng_pipe { id };
                let o = c("remote-address");
                let rv = unsafe {
                    match f % 5 {
                        0 => pnng_pipe_close(p),
                        1 => {
                            let mut s = pnng_socket { id: 99 };
                            let rv = pnng_pipe_socket(p, &mut s);
                            prop_assert_eq!(s.id, 99, "{}: output written on failure", w);
                            rv
                        }
                        2 => {
                            let mut a: pnng_sockaddr = std::mem::zeroed();
                            pnng_pipe_get_addr(p, o.as_ptr(), &mut a)
                        }
                        3 => pnng_pipe_send(p, b"x".as_ptr().cast(), 1, NB),
                        _ => {
                            let mut d = pnng_dialer { id: 0 };
                            pnng_pipe_dialer(p, &mut d)
                        }
                    }
                };
                expect!(rv, [PNNG_ENOENT], "{w} (pipe id {id:#x})");
            }
        }
        Ok(())
    }

    /// Checks a buffer send on a socket or context (`proto`: its protocol, None when stale) and
    /// records the bytes: even a failed (timed-out) send may still be delivered.
    fn sent_bytes(
        &mut self,
        w: &str,
        id: u32,
        proto: Option<Proto>,
        data: &Data,
        flags: F,
        rv: i32,
    ) -> Result<(), TestCaseError> {
        let bad = data.valid().is_none() || !matches!(flags, F::Zero | F::Nb);
        match proto {
            _ if bad => expect!(rv, [PNNG_EINVAL, PNNG_ECLOSED], "{w}"),
            None => expect!(rv, [PNNG_ECLOSED], "{w} (id {id})"),
            Some(p) => {
                if !p.can_send() {
                    expect!(rv, [PNNG_ENOTSUP], "{w} on {p:?}");
                }
                prop_assert!(nng_code(rv), "{w}: undocumented code {rv}");
                self.sent.push(data.valid().unwrap().to_vec());
            }
        }
        Ok(())
    }

    fn sock_opt(
        &mut self,
        w: &str,
        id: u32,
        live: Option<usize>,
        o: &Opt,
    ) -> Result<(), TestCaseError> {
        let (rv, got) = opt_call(Target::Socket(id), o);
        if opt_common(rv, w, id, live.is_some(), o, PNNG_ECLOSED)? {
            return Ok(());
        }
        let k = live.expect("opt_common settles stale handles");
        let Some(t) = o.name.socket_ty() else {
            return Ok(()); // url on a socket etc.: any documented code
        };
        let sk = &mut self.socks[k];
        let read_only = matches!(o.name, OptName::Raw | OptName::Proto | OptName::ProtoName);
        if t != o.ty {
            if o.set && read_only {
                expect!(rv, [PNNG_EBADTYPE, PNNG_EREADONLY], "{w}");
            } else {
                expect!(rv, [PNNG_EBADTYPE], "{w}");
            }
            return Ok(());
        }
        if o.set {
            match o.name {
                _ if read_only => expect!(rv, [PNNG_EREADONLY], "{w}"),
                OptName::RecvTimeo | OptName::SendTimeo => {
                    if o.ms() < -1 {
                        expect!(rv, [PNNG_EINVAL], "{w} (value {})", o.ms());
                    } else {
                        expect!(rv, [PNNG_OK], "{w} (value {})", o.ms());
                        if o.name == OptName::RecvTimeo {
                            sk.recv_timeo = o.ms()
                        } else {
                            sk.send_timeo = o.ms()
                        }
                    }
                }
                OptName::RecvMax => {
                    expect!(rv, [PNNG_OK], "{w}");
                    sk.recv_max = o.size();
                }
                OptName::SockName => {
                    if o.long {
                        expect!(rv, [PNNG_EINVAL], "{w} (70-byte name)");
                    } else {
                        expect!(rv, [PNNG_OK], "{w}");
                        sk.name = Some(o.string());
                    }
                }
                _ => unreachable!(),
            }
            return Ok(());
        }
        expect!(rv, [PNNG_OK], "{w} on {:?}", sk.proto);
        let (num, pname) = sk.proto.number_name();
        let want = match o.name {
            OptName::RecvTimeo => Val::I(sk.recv_timeo as i64),
            OptName::SendTimeo => Val::I(sk.send_timeo as i64),
            OptName::RecvMax => Val::I(sk.recv_max as i64),
            OptName::Raw => Val::B(sk.proto.raw()),
            OptName::Proto => Val::I(num as i64),
            OptName::ProtoName => Val::S(pname.into()),
            OptName::SockName => match &sk.name {
                Some(n) => Val::S(n.clone()),
                None => return Ok(()),
            },
            _ => return Ok(()),
        };
        prop_assert_eq!(got, Some(want), "{}: value read on {:?}", w, sk.proto);
        Ok(())
    }

    fn ctx_opt(
        &mut self,
        w: &str,
        id: u32,
        live: Option<usize>,
        o: &Opt,
    ) -> Result<(), TestCaseError> {
        let (rv, got) = opt_call(Target::Ctx(id), o);
        if opt_common(rv, w, id, live.is_some(), o, PNNG_ECLOSED)? {
            return Ok(());
        }
        let k = live.expect("opt_common settles stale handles");
        if !matches!(o.name, OptName::RecvTimeo | OptName::SendTimeo) {
            return Ok(()); // other socket options on a context: any documented code
        }
        if o.ty != Ty::Ms {
            expect!(rv, [PNNG_EBADTYPE], "{w}");
            return Ok(());
        }
        let cx = &mut self.ctxs[k];
        if o.set {
            if o.ms() < -1 {
                expect!(rv, [PNNG_EINVAL], "{w} (value {})", o.ms());
            } else {
                expect!(rv, [PNNG_OK], "{w} (value {})", o.ms());
                if o.name == OptName::RecvTimeo {
                    cx.recv_timeo = o.ms()
                } else {
                    cx.send_timeo = o.ms()
                }
            }
        } else {
            expect!(rv, [PNNG_OK], "{w}");
            let want = if o.name == OptName::RecvTimeo {
                cx.recv_timeo
            } else {
                cx.send_timeo
            };
            prop_assert_eq!(got, Some(Val::I(want as i64)), "{}: value read", w);
        }
        Ok(())
    }

    fn ep_opt(
        &mut self,
        w: &str,
        dialer: bool,
        id: u32,
        url: Option<String>,
        o: &Opt,
    ) -> Result<(), TestCaseError> {
        let (rv, got) = opt_call(
            if dialer {
                Target::Dialer(id)
            } else {
                Target::Listener(id)
            },
            o,
        );
        if opt_common(rv, w, id, url.is_some(), o, PNNG_ENOENT)? {
            return Ok(());
        }
        let url = url.expect("opt_common settles stale handles");
        if o.name == OptName::Url && !o.set {
            if o.ty == Ty::Str {
                expect!(rv, [PNNG_OK], "{w}");
                prop_assert_eq!(got, Some(Val::S(url)), "{}: url", w);
            } else {
                expect!(rv, [PNNG_EBADTYPE], "{w}");
            }
        }
        Ok(())
    }

    fn listen(
        &mut self,
        w: &str,
        s: H,
        url: Url,
        flags: F,
        null_out: bool,
    ) -> Result<(), TestCaseError> {
        let (id, live) = self.sock(s);
        let u = self.url(url);
        let cu = u.as_deref().map(c);
        let up = cu.as_ref().map_or(null(), |x| x.as_ptr());
        let mut l = pnng_listener { id: 0 };
        let out: *mut pnng_listener = if null_out { null_mut() } else { &mut l };
        let before = live.map(|_| list_ids(id, false));
        let rv = unsafe { pnng_socket_listen(pnng_socket { id }, up, flags.bits(), out) };
        prop_assert!(nng_code(rv), "{w}: undocumented code {rv}");
        let bad = up.is_null() || !matches!(flags, F::Zero | F::Nb);
        match live {
            _ if bad => return expect_ret(rv, &[PNNG_EINVAL, PNNG_ECLOSED], w),
            None => return expect_ret(rv, &[PNNG_ECLOSED], &format!("{w} (id {id})")),
            Some(_) => {}
        }
        let Url::A(a) = url else {
            if url == Url::BadScheme {
                expect!(rv, [PNNG_ENOTSUP], "{w}");
            }
            prop_assert!(rv != PNNG_OK, "{w}: listening on {u:?} worked");
            return Ok(());
        };
        let a = a as usize;
        if let Some(holder) = self.listeners.iter().find(|e| e.addr == Some(a)) {
            expect!(
                rv,
                [PNNG_EADDRINUSE],
                "{w} (listener {} of socket {} holds it)",
                holder.id,
                holder.sock
            );
            return Ok(());
        }
        expect!(rv, [PNNG_OK], "{w}");
        let lid = self.new_ep_id(
            w,
            id,
            false,
            before.unwrap(),
            if null_out { None } else { Some(l.id) },
        )?;
        let u = u.unwrap();
        if self.dialers.iter().any(|d| d.url == u) {
            self.socks[live.unwrap()].links += 1;
        }
        self.listeners.push(Ep {
            id: lid,
            sock: id,
            url: u,
            addr: Some(a),
        });
        Ok(())
    }

    fn dial(
        &mut self,
        w: &str,
        s: H,
        url: Url,
        flags: F,
        null_out: bool,
    ) -> Result<(), TestCaseError> {
        let (id, live) = self.sock(s);
        let u = self.url(url);
        let cu = u.as_deref().map(c);
        let up = cu.as_ref().map_or(null(), |x| x.as_ptr());
        let mut d = pnng_dialer { id: 0 };
        let out: *mut pnng_dialer = if null_out { null_mut() } else { &mut d };
        let before = live.map(|_| list_ids(id, true));
        let rv = unsafe { pnng_socket_dial(pnng_socket { id }, up, flags.bits(), out) };
        prop_assert!(nng_code(rv), "{w}: undocumented code {rv}");
        let bad = up.is_null() || !matches!(flags, F::Zero | F::Nb | F::Fallback);
        match live {
            _ if bad => return expect_ret(rv, &[PNNG_EINVAL, PNNG_ECLOSED], w),
            None => return expect_ret(rv, &[PNNG_ECLOSED], &format!("{w} (id {id})")),
            Some(_) => {}
        }
        let k = live.unwrap();
        let me = self.socks[k].proto;
        let before = before.unwrap();
        if let Url::A(a) = url {
            let target = self.listeners.iter().find(|e| e.addr == Some(a as usize));
            match target {
                None if flags == F::Zero => expect!(rv, [PNNG_ECONNREFUSED], "{w} (no listener)"),
                None => expect!(rv, [PNNG_OK], "{w} (no listener, background dial)"),
                Some(t) => {
                    let tp = self.socks.iter().find(|x| x.id == t.sock).unwrap().proto;
                    let tl = self.socks.iter().find(|x| x.id == t.sock).unwrap().links;
                    let ml = self.socks[k].links;
                    let compatible = t.sock != id
                        && me.peer() == tp.cooked()
                        && !(me.single_peer() && ml > 0)
                        && !(tp.single_peer() && tl > 0);
                    if compatible || flags != F::Zero {
                        expect!(rv, [PNNG_OK], "{w} ({me:?} to a {tp:?} listener)");
                    }
                }
            }
        } else if url == Url::BadScheme {
            expect!(rv, [PNNG_ENOTSUP], "{w}");
        }
        if let Url::A(a) = url {
            let t = self
                .listeners
                .iter()
                .find(|e| e.addr == Some(a as usize))
                .map(|e| e.sock);
            if let Some(x) = self.socks.iter_mut().find(|x| Some(x.id) == t) {
                x.links += 1;
            }
        }
        if rv == PNNG_OK {
            self.socks[k].links += 1;
            let did = self.new_ep_id(
                w,
                id,
                true,
                before,
                if null_out { None } else { Some(d.id) },
            )?;
            self.dialers.push(Ep {
                id: did,
                sock: id,
                url: u.unwrap(),
                addr: None,
            });
        } else {
            // a failed dial leaves no dialer behind
            prop_assert_eq!(
                list_ids(id, true),
                before,
                "{}: failed with {} but the dialer list changed",
                w,
                rv
            );
        }
        Ok(())
    }

    /// The id of the endpoint just made: the one written, which must be the one new in the list.
    fn new_ep_id(
        &self,
        w: &str,
        sock: u32,
        dialer: bool,
        before: Vec<u32>,
        written: Option<u32>,
    ) -> Result<u32, TestCaseError> {
        let after = list_ids(sock, dialer);
        let new: Vec<u32> = after
            .iter()
            .copied()
            .filter(|x| !before.contains(x))
            .collect();
        prop_assert_eq!(
            new.len(),
            1,
            "{}: {} new endpoints (before {:?}, after {:?})",
            w,
            new.len(),
            before,
            after
        );
        if let Some(x) = written {
            prop_assert_eq!(x, new[0], "{}: written id vs listed", w);
        }
        let dead = if dialer {
            &self.dead_dialers
        } else {
            &self.dead_listeners
        };
        prop_assert!(
            !dead.contains(&new[0]),
            "{w}: endpoint id {} reused",
            new[0]
        );
        Ok(new[0])
    }

    fn recv(
        &mut self,
        w: &str,
        s: H,
        flags: F,
        into: Into_,
        wait: bool,
    ) -> Result<(), TestCaseError> {
        let (id, live) = self.sock(s);
        let bad = !matches!(flags, F::Zero | F::Nb) || matches!(into, Into_::NullOut);
        let mut buf = [0u8; 8];
        let mut n = usize::MAX;
        let mut m = null_mut();
        let mut tries = if wait { 4 } else { 1 };
        let rv = loop {
            let rv = unsafe {
                match into {
                    Into_::Msg(_) => pnng_socket_recv_msg(pnng_socket { id }, flags.bits(), &mut m),
                    Into_::NullOut => {
                        pnng_socket_recv_msg(pnng_socket { id }, flags.bits(), null_mut())
                    }
                    Into_::Buf(cp) => pnng_socket_recv(
                        pnng_socket { id },
                        buf.as_mut_ptr().cast(),
                        cp as usize,
                        flags.bits(),
                        &mut n,
                    ),
                }
            };
            tries -= 1;
            if tries == 0 || !(rv == PNNG_EAGAIN || rv == PNNG_ETIMEDOUT) {
                break rv;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        };
        prop_assert!(nng_code(rv), "{w}: undocumented code {rv}");
        let k = match live {
            _ if bad => return expect_ret(rv, &[PNNG_EINVAL, PNNG_ECLOSED], w),
            None => return expect_ret(rv, &[PNNG_ECLOSED], &format!("{w} (id {id})")),
            Some(k) => k,
        };
        let p = self.socks[k].proto;
        if !p.can_recv() {
            expect!(rv, [PNNG_ENOTSUP], "{w} on {p:?}");
        }
        let pending = self.socks[k].pending;
        if let Some(len) = pending {
            match into {
                Into_::Buf(cp) if (cp as usize) < len => {
                    expect!(rv, [PNNG_EMSGSIZE], "{w} (kept message of {len})");
                    prop_assert_eq!(n, len, "{}: needed size", w);
                }
                _ => expect!(rv, [PNNG_OK], "{w} (kept message of {len})"),
            }
        } else {
            prop_assert!(rv != PNNG_EINVAL, "{w}: EINVAL for valid arguments");
        }
        if rv == PNNG_EMSGSIZE {
            let Into_::Buf(cp) = into else {
                prop_assert!(false, "{w}: EMSGSIZE from recv_msg");
                unreachable!()
            };
            prop_assert!(n > cp as usize, "{w}: EMSGSIZE with n={n}");
            self.socks[k].pending = Some(n);
            return Ok(());
        }
        if rv != PNNG_OK {
            return Ok(());
        }
        self.socks[k].pending = None;
        let got = match into {
            Into_::Msg(slot) => {
                prop_assert!(!m.is_null(), "{w}: OK but no message");
                let b = body(m);
                let i = self.slot(slot);
                self.adopt(i, m);
                b
            }
            Into_::Buf(_) => buf[..n].to_vec(),
            Into_::NullOut => unreachable!(),
        };
        if let Some(len) = pending {
            prop_assert_eq!(got.len(), len, "{}: kept message length", w);
        }
        self.check_received(w, &got)
    }

    /// Closes everything (asserting live sockets close with 0); Drop does it on failure paths.
    fn finish(&mut self) -> Result<(), TestCaseError> {
        for i in 0..MSG_SLOTS {
            self.free_slot(i);
        }
        while let Some(s) = self.socks.first() {
            let id = s.id;
            self.drop_sock(0);
            expect!(
                unsafe { pnng_socket_close(pnng_socket { id }) },
                [PNNG_OK],
                "final close of socket {id}"
            );
        }
        // everything the case made is gone now
        for &id in &self.dead_socks {
            expect!(
                unsafe { pnng_socket_close(pnng_socket { id }) },
                [PNNG_ECLOSED],
                "closing socket {id} again"
            );
        }
        for &id in &self.dead_ctxs {
            expect!(
                unsafe { pnng_ctx_close(pnng_ctx { id }) },
                [PNNG_ECLOSED],
                "closing ctx {id} of a closed socket"
            );
        }
        for &id in &self.dead_dialers {
            expect!(
                unsafe { pnng_dialer_close(pnng_dialer { id }) },
                [PNNG_ENOENT],
                "closing dialer {id} again"
            );
        }
        for &id in &self.dead_listeners {
            expect!(
                unsafe { pnng_listener_close(pnng_listener { id }) },
                [PNNG_ENOENT],
                "closing listener {id} again"
            );
        }
        Ok(())
    }
}

impl Drop for World {
    fn drop(&mut self) {
        for i in 0..MSG_SLOTS {
            self.free_slot(i);
        }
        for s in self.socks.drain(..) {
            unsafe { pnng_socket_close(pnng_socket { id: s.id }) };
        }
    }
}

/// The checks every option call shares, whatever the object: a stale handle gives `stale` (or
/// `PNNG_EINVAL` for a NULL name or buffer), a NULL name or buffer on a live one `PNNG_EINVAL`,
/// an unknown name `PNNG_ENOTSUP`. `Ok(true)` when one of them settled the call.
fn opt_common(
    rv: i32,
    w: &str,
    id: u32,
    live: bool,
    o: &Opt,
    stale: i32,
) -> Result<bool, TestCaseError> {
    prop_assert!(nng_code(rv), "{w}: undocumented code {rv}");
    let null = o.name == OptName::Null || o.null;
    if !live {
        let allowed: &[i32] = if null {
            &[PNNG_EINVAL, stale]
        } else {
            &[stale]
        };
        expect_ret(rv, allowed, &format!("{w} (id {id})"))?;
    } else if o.name == OptName::Null || (o.null && (!o.set || o.ty == Ty::Str)) {
        expect_ret(rv, &[PNNG_EINVAL], w)?;
    } else if o.name.unknown() {
        expect_ret(rv, &[PNNG_ENOTSUP], w)?;
    } else {
        return Ok(false);
    }
    Ok(true)
}

fn expect_ret(rv: i32, allowed: &[i32], w: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        allowed.contains(&rv),
        "{}: got {} ({}), expected one of {:?}",
        w,
        rv,
        strerror(rv),
        allowed
    );
    Ok(())
}

fn pick(h: H, live: usize, dead: &[u32], id: impl Fn(usize) -> u32) -> (u32, Option<usize>) {
    match h {
        H::Live(i) if live > 0 => {
            let k = i as usize % live;
            (id(k), Some(k))
        }
        H::Dead(i) if !dead.is_empty() => (dead[i as usize % dead.len()], None),
        H::Zero => (0, None),
        H::Live(i) | H::Dead(i) | H::Never(i) => (never_id(i), None),
    }
}

fn header(m: *const pnng_msg) -> Vec<u8> {
    unsafe {
        let n = pnng_msg_header_len(m);
        if n == 0 {
            Vec::new()
        } else {
            std::slice::from_raw_parts(pnng_msg_header(m), n).to_vec()
        }
    }
}

/// The socket's dialer or listener ids, sorted.
fn list_ids(sock: u32, dialers: bool) -> Vec<u32> {
    let mut buf = [0u32; 64];
    let mut n = 0usize;
    let rv = unsafe {
        if dialers {
            pnng_socket_dialers(
                pnng_socket { id: sock },
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut n,
            )
        } else {
            pnng_socket_listeners(
                pnng_socket { id: sock },
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut n,
            )
        }
    };
    assert_eq!(rv, PNNG_OK, "listing endpoints of socket {sock}");
    let mut v = buf[..n].to_vec();
    v.sort();
    v
}

#[derive(Debug, Clone, PartialEq)]
enum Val {
    I(i64),
    B(bool),
    S(String),
}

#[derive(Clone, Copy)]
enum Target {
    Socket(u32),
    Ctx(u32),
    Dialer(u32),
    Listener(u32),
}

/// Makes the option call; returns the code and, for a successful get, the value read.
fn opt_call(t: Target, o: &Opt) -> (i32, Option<Val>) {
    let cn = c(o.name.text());
    let np: *const c_char = if o.name == OptName::Null {
        null()
    } else {
        cn.as_ptr()
    };
    let sv = c(&o.string());
    let svp: *const c_char = if o.null { null() } else { sv.as_ptr() };
    macro_rules! each {
        ($sock:ident, $ctx:ident, $dl:ident, $ls:ident, $($args:expr),*) => {
            unsafe {
                match t {
                    Target::Socket(id) => $sock(pnng_socket { id }, np, $($args),*),
                    Target::Ctx(id) => $ctx(pnng_ctx { id }, np, $($args),*),
                    Target::Dialer(id) => $dl(pnng_dialer { id }, np, $($args),*),
                    Target::Listener(id) => $ls(pnng_listener { id }, np, $($args),*),
                }
            }
        };
    }
    if o.set {
        let rv = match o.ty {
            Ty::Ms => each!(
                pnng_socket_set_ms,
                pnng_ctx_set_ms,
                pnng_dialer_set_ms,
                pnng_listener_set_ms,
                o.ms()
            ),
            Ty::Size => each!(
                pnng_socket_set_size,
                pnng_ctx_set_size,
                pnng_dialer_set_size,
                pnng_listener_set_size,
                o.size()
            ),
            Ty::Int => each!(
                pnng_socket_set_int,
                pnng_ctx_set_int,
                pnng_dialer_set_int,
                pnng_listener_set_int,
                o.val
            ),
            Ty::Bool => each!(
                pnng_socket_set_bool,
                pnng_ctx_set_bool,
                pnng_dialer_set_bool,
                pnng_listener_set_bool,
                o.val % 2 == 1
            ),
            Ty::Str => each!(
                pnng_socket_set_string,
                pnng_ctx_set_string,
                pnng_dialer_set_string,
                pnng_listener_set_string,
                svp
            ),
        };
        return (rv, None);
    }
    macro_rules! get {
        ($sock:ident, $ctx:ident, $dl:ident, $ls:ident, $t:ty, $init:expr, $conv:expr) => {{
            let mut v: $t = $init;
            let p: *mut $t = if o.null { null_mut() } else { &mut v };
            let rv = each!($sock, $ctx, $dl, $ls, p);
            (rv, if rv == PNNG_OK { Some($conv(v)) } else { None })
        }};
    }
    match o.ty {
        Ty::Ms => get!(
            pnng_socket_get_ms,
            pnng_ctx_get_ms,
            pnng_dialer_get_ms,
            pnng_listener_get_ms,
            i32,
            0,
            |v: i32| Val::I(v as i64)
        ),
        Ty::Size => get!(
            pnng_socket_get_size,
            pnng_ctx_get_size,
            pnng_dialer_get_size,
            pnng_listener_get_size,
            usize,
            0,
            |v: usize| Val::I(v as i64)
        ),
        Ty::Int => get!(
            pnng_socket_get_int,
            pnng_ctx_get_int,
            pnng_dialer_get_int,
            pnng_listener_get_int,
            c_int,
            0,
            |v: c_int| Val::I(v as i64)
        ),
        Ty::Bool => get!(
            pnng_socket_get_bool,
            pnng_ctx_get_bool,
            pnng_dialer_get_bool,
            pnng_listener_get_bool,
            bool,
            false,
            Val::B
        ),
        Ty::Str => get!(
            pnng_socket_get_string,
            pnng_ctx_get_string,
            pnng_dialer_get_string,
            pnng_listener_get_string,
            *mut c_char,
            null_mut(),
            |v: *mut c_char| {
                let s = unsafe { CStr::from_ptr(v) }.to_string_lossy().into_owned();
                unsafe { pnng_strfree(v) };
                Val::S(s)
            }
        ),
    }
}

fn run(ops: &[Op]) -> Result<(), TestCaseError> {
    let mut w = World::new();
    for (i, op) in ops.iter().enumerate() {
        w.step(op)
            .map_err(|e| TestCaseError::fail(format!("op #{i}: {e}")))?;
        w.check_msgs(&format!("op #{i} {op:?}"))?;
    }
    w.finish()
}

fn config() -> ProptestConfig {
    let cases = std::env::var("PNNG_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    ProptestConfig {
        cases,
        max_shrink_iters: 2000,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn api_sequences(ops in ops_s()) {
        run(&ops)?;
    }
}
