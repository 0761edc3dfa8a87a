//! pnng_socket_send_fd / pnng_socket_recv_fd / pnng_fd_op_cancel: blocking calls that a file
//! descriptor or a time slice interrupts (PNNG_EINTR) with the operation parked, resumed by
//! the next call, and cancelled without losing a received message.
mod common;
use common::*;

/// A pipe: (read end, write end).
fn pipe() -> (c_int, c_int) {
    let mut fds = [0; 2];
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    (fds[0], fds[1])
}

fn poke(w: c_int) {
    assert_eq!(unsafe { libc::write(w, b"x".as_ptr().cast(), 1) }, 1);
}

fn drain(r: c_int) {
    let mut b = [0u8; 16];
    assert!(unsafe { libc::read(r, b.as_mut_ptr().cast(), 16) } > 0);
}

fn recv_fd(s: pnng_socket, fd: c_int, ms: i32) -> Result<Vec<u8>, pnng_result> {
    let mut buf = [0u8; 64];
    let mut n = 0usize;
    let rv = unsafe { pnng_socket_recv_fd(s, buf.as_mut_ptr().cast(), buf.len(), &mut n, fd, ms) };
    if rv != PNNG_OK {
        return Err(rv);
    }
    Ok(buf[..n].to_vec())
}

#[test]
fn descriptor_interrupts_and_the_next_call_resumes() {
    let (a, b) = pair(pnng_pair0_open, pnng_pair0_open, &addr("inproc"));
    let (r, w) = pipe();
    poke(w);
    assert_eq!(recv_fd(a, r, -1), Err(PNNG_EINTR));
    drain(r);
    assert_eq!(send(b, b"after"), PNNG_OK);
    assert_eq!(recv_fd(a, r, -1).unwrap(), b"after");
    // A slice that ends is an interruption too; nothing is lost across many of them.
    for _ in 0..3 {
        assert_eq!(recv_fd(a, -1, 5), Err(PNNG_EINTR));
    }
    assert_eq!(send(b, b"later"), PNNG_OK);
    assert_eq!(recv_fd(a, -1, 5000).unwrap(), b"later");
    let data = b"sent with fd";
    assert_eq!(
        unsafe { pnng_socket_send_fd(b, data.as_ptr().cast(), data.len(), r, -1) },
        PNNG_OK
    );
    assert_eq!(recv(a).unwrap(), data);
    unsafe { libc::close(r) };
    unsafe { libc::close(w) };
    close(a);
    close(b);
}

#[test]
fn a_resumed_req0_receive_keeps_its_request() {
    // Cancelling a req0 receive drops the request; resuming the parked one must not.
    let url = addr("inproc");
    let (rep, req) = pair(pnng_rep0_open, pnng_req0_open, &url);
    assert_eq!(send(req, b"question"), PNNG_OK);
    assert_eq!(recv_fd(req, -1, 10), Err(PNNG_EINTR));
    assert_eq!(recv(rep).unwrap(), b"question");
    assert_eq!(send(rep, b"answer"), PNNG_OK);
    assert_eq!(recv_fd(req, -1, 5000).unwrap(), b"answer");
    close(rep);
    close(req);
}

#[test]
fn a_cancelled_receive_keeps_what_it_received() {
    let (a, b) = pair(pnng_pair0_open, pnng_pair0_open, &addr("inproc"));
    assert_eq!(recv_fd(a, -1, 10), Err(PNNG_EINTR));
    assert_eq!(send(b, b"arrived while parked"), PNNG_OK);
    std::thread::sleep(std::time::Duration::from_millis(50));
    unsafe { pnng_fd_op_cancel() };
    unsafe { pnng_fd_op_cancel() }; // nothing parked: nothing happens
    assert_eq!(recv(a).unwrap(), b"arrived while parked");
    // A different call on the thread also cancels a parked one first, keeping its message.
    assert_eq!(recv_fd(a, -1, 10), Err(PNNG_EINTR));
    assert_eq!(send(b, b"kept"), PNNG_OK);
    std::thread::sleep(std::time::Duration::from_millis(50));
    let (c, d) = pair(pnng_pair0_open, pnng_pair0_open, &addr("inproc"));
    assert_eq!(recv_fd(c, -1, 10), Err(PNNG_EINTR));
    assert_eq!(recv_fd(a, -1, 5000).unwrap(), b"kept");
    for s in [a, b, c, d] {
        close(s);
    }
}

#[test]
fn timeouts_closes_sizes_and_bad_descriptors() {
    let (a, b) = pair(pnng_pair0_open, pnng_pair0_open, &addr("inproc"));
    set_ms(a, "recv-timeout", 20);
    assert_eq!(recv_fd(a, -1, -1), Err(PNNG_ETIMEDOUT));
    assert_eq!(recv_fd(a, 1_000_000, -1), Err(PNNG_EINVAL));
    // Too long for the buffer: EMSGSIZE with the length, kept for the next receive.
    let big = [7u8; 100];
    assert_eq!(send(b, &big), PNNG_OK);
    let mut small = [0u8; 10];
    let mut n = 0usize;
    assert_eq!(
        unsafe { pnng_socket_recv_fd(a, small.as_mut_ptr().cast(), 10, &mut n, -1, 5000) },
        PNNG_EMSGSIZE
    );
    assert_eq!(n, 100);
    assert_eq!(recv(a).unwrap(), big);
    // Close from another thread ends a parked-and-resumed receive with ECLOSED.
    set_ms(a, "recv-timeout", -1);
    assert_eq!(recv_fd(a, -1, 5), Err(PNNG_EINTR));
    let closer = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(30));
        close(a);
    });
    let mut rv = recv_fd(a, -1, 5);
    while rv == Err(PNNG_EINTR) {
        rv = recv_fd(a, -1, 5);
    }
    assert_eq!(rv, Err(PNNG_ECLOSED));
    closer.join().unwrap();
    assert_eq!(recv_fd(a, -1, 5), Err(PNNG_ECLOSED));
    assert_eq!(
        unsafe { pnng_socket_send_fd(a, b"x".as_ptr().cast(), 1, -1, 5) },
        PNNG_ECLOSED
    );
    assert_eq!(
        unsafe { pnng_socket_recv_fd(b, std::ptr::null_mut(), 4, std::ptr::null_mut(), -1, 5) },
        PNNG_EINVAL
    );
    close(b);
}

#[test]
fn close_ends_an_unsliced_wait_on_every_kind_of_socket() {
    for (opener, peer, is_req) in [
        (pnng_req0_open as Opener, pnng_rep0_open as Opener, true),
        (pnng_rep0_open, pnng_req0_open, false),
        (pnng_respondent0_open, pnng_surveyor0_open, false),
        (pnng_pair0_open, pnng_pair0_open, false),
    ] {
        let (a, b) = pair(opener, peer, &addr("inproc"));
        set_ms(a, "recv-timeout", -1);
        if is_req {
            assert_eq!(send(a, b"request"), PNNG_OK);
        }
        let closer = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            close(a);
        });
        assert_eq!(recv_fd(a, -1, -1), Err(PNNG_ECLOSED));
        closer.join().unwrap();
        close(b);
    }
}

/// Over tcp and ipc, a receive that reads its own pipe while it waits (after a ping-pong, the
/// pipe it sends on) is still interrupted by the descriptor and by its time slice, resumes,
/// and keeps every message in order; replies in a long ping-pong all arrive.
#[test]
fn a_wait_reading_its_pipe_is_interrupted_and_resumes() {
    for t in ["ipc", "tcp"] {
        let (a, b) = pair(pnng_pair1_open, pnng_pair1_open, &addr(t));
        let echo = std::thread::spawn(move || {
            while let Ok(m) = recv(b) {
                if m == b"stop" {
                    break;
                }
                if send(b, &m) != PNNG_OK {
                    break;
                }
            }
            b
        });
        let (r, w) = pipe();
        for i in 0..500u32 {
            let data = i.to_le_bytes();
            assert_eq!(
                unsafe { pnng_socket_send_fd(a, data.as_ptr().cast(), 4, -1, -1) },
                PNNG_OK
            );
            assert_eq!(recv_fd(a, r, -1).unwrap(), data, "{t}: reply {i}");
        }
        assert_eq!(send(a, b"stop"), PNNG_OK);
        let b = echo.join().unwrap();
        poke(w);
        assert_eq!(recv_fd(a, r, -1), Err(PNNG_EINTR), "{t}: descriptor");
        drain(r);
        assert_eq!(recv_fd(a, r, 20), Err(PNNG_EINTR), "{t}: slice");
        for i in 0..3u8 {
            assert_eq!(send(b, &[i]), PNNG_OK);
        }
        for i in 0..3u8 {
            assert_eq!(
                recv_fd(a, r, 5000).unwrap(),
                [i],
                "{t}: after the interruptions"
            );
        }
        unsafe { libc::close(r) };
        unsafe { libc::close(w) };
        close(a);
        close(b);
    }
}
