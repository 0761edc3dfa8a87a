// NNG 1.11 alone (no pnng code): pair0 crashes (SIGSEGV in pair0_sock_recv, reading
// `&p->aio_recv` of a NULL pipe) when a message arrives while its pipe is being stopped.
// pair0_pipe_stop clears s->p and s->rd_ready under the socket lock, unlocks, and only then
// stops the pipe's receive aio; a receive that completed just before runs pair0_pipe_recv_cb
// afterwards, which sets s->rd_ready again (the receive queue being full) without checking that
// the pipe is still s->p. The next nng_recv on the socket dereferences the NULL s->p.
// Here: b floods a; a's listener is closed (its pipe stops), then a receives. SIGSEGV within a
// few seconds (exit 139) here.
// Fixed in pnng's vendored NNG (vendor/README.md): link against a libnng.a built from the
// published nng-sys 0.3.0+1.11.0 to see the crash.
// Build against the NNG inside libpnng.a (from the repository root):
//   NI=vendor/nng-sys/nng/include
//   gcc -O1 -g -I$NI tests/stress/repro/pair0_recv_after_pipe_stop.c target/release/libpnng.a \
//       -o /tmp/pair0_recv_after_pipe_stop -lpthread -ldl -lm -lmbedtls -lmbedx509 -lmbedcrypto
//   /tmp/pair0_recv_after_pipe_stop 20000 both     (tcp and ipc alternating; or tcp, ipc)
// See tests/stress_regressions.rs (a_pipe_closing_under_load_does_not_crash).
#include <nng/nng.h>
#include <nng/protocol/pair0/pair.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static atomic_bool stop;

static void *flood(void *arg) {
    nng_socket b = *(nng_socket *) arg;
    while (!atomic_load(&stop)) {
        (void) nng_send(b, "x", 1, 0); // send-timeout 5 ms
    }
    return NULL;
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 20000;
    const char *tr = argc > 2 ? argv[2] : "tcp";
    setvbuf(stdout, NULL, _IONBF, 0);
    for (int i = 0; i < n; i++) {
        nng_socket a, b;
        nng_listener l;
        char url[64];
        if (nng_pair0_open(&a) != 0 || nng_pair0_open(&b) != 0) abort();
        if (tr[0] == 'i' || (tr[0] == 'b' && i % 2)) snprintf(url, sizeof url, "ipc:///tmp/pair0-repro-%d-%d", (int) getpid(), i);
        else snprintf(url, sizeof url, "tcp://127.0.0.1:%d", 20000 + i % 20000);
        if (nng_listen(a, url, &l, 0) != 0) { nng_close(a); nng_close(b); continue; }
        if (nng_dial(b, url, NULL, 0) != 0) abort();
        nng_socket_set_ms(b, NNG_OPT_SENDTIMEO, 5);
        pthread_t t;
        atomic_store(&stop, false);
        pthread_create(&t, NULL, flood, &b);
        usleep(i % 500);
        nng_listener_close(l); // a's pipe stops while messages arrive
        for (int k = 0; k < 64; k++) { // receive whatever is there: crashes if rd_ready is stale
            nng_msg *m;
            if (nng_recvmsg(a, &m, NNG_FLAG_NONBLOCK) == 0) nng_msg_free(m);
        }
        atomic_store(&stop, true);
        pthread_join(t, NULL);
        nng_close(b);
        nng_close(a);
    }
    printf("ok %d\n", n);
    return 0;
}
