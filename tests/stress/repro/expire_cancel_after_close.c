// NNG 1.11 alone (no pnng code): a send with a timeout on a push0 socket without peers, and the
// socket closed as the timeout fires. The expire thread takes the aio's cancel function
// (push0_cancel) and its argument (the push0 socket) under its lock, unlocks, then calls it;
// in that gap the close finishes the send and frees the socket, so push0_cancel locks a freed
// mutex: "panic: pthread_mutex_lock: Invalid argument", or valgrind's "Invalid read" in
// push0_cancel. The gap is a few instructions: make stress hit it once (close_while_blocked_ws).
// To see it at once, widen it: in nni_aio_expire_loop (core/aio.c) put `nni_msleep(3);` between
// `nni_mtx_unlock(mtx);` and `cancel_fn(aio, cancel_arg, rv);`, and remove the body of
// nni_aio_cancel_barrier (pnng's fix). Build as ws_dial_close.c:
//   NI=vendor/nng-sys/nng/include
//   gcc -O1 -g -I$NI tests/stress/repro/expire_cancel_after_close.c target/release/libpnng.a \
//       -o /tmp/expire_race -lpthread -ldl -lm -lmbedtls -lmbedx509 -lmbedcrypto
//   valgrind -q /tmp/expire_race 30
// With the barrier (vendor/README.md) and the widened gap: no error in 500 rounds.
// See tests/stress_regressions.rs (close_racing_a_send_timeout_does_not_crash).
#include <nng/nng.h>
#include <nng/protocol/pipeline0/push.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void *sender(void *arg) {
    nng_socket s = *(nng_socket *) arg;
    (void) nng_send(s, "x", 1, 0); // ETIMEDOUT or ECLOSED
    return NULL;
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 50;
    for (int i = 0; i < rounds; i++) {
        nng_socket s;
        pthread_t t;
        if (nng_push0_open(&s) != 0) abort();
        nng_socket_set_ms(s, NNG_OPT_SENDTIMEO, 5);
        pthread_create(&t, NULL, sender, &s);
        usleep(6500); // the timeout fires at ~5 ms; with the widened gap the cancel runs at ~8 ms
        nng_close(s);
        pthread_join(t, NULL);
    }
    nng_fini();
    printf("%d rounds\n", rounds);
    return 0;
}
