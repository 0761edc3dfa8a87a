// NNG 1.11 alone (no pnng code): a background ws/wss dial to a closed port, then nng_close(),
// in a loop, crashes with "panic: pthread_mutex_lock: Invalid argument" / heap corruption /
// SIGSEGV. Build against the NNG inside libpnng.a (from the repository root):
//   NI=vendor/nng-sys/nng/include
//   gcc -O1 -g -I$NI tests/stress/repro/ws_dial_close.c target/release/libpnng.a -o /tmp/ws_dial_close \
//       -lpthread -ldl -lm -lmbedtls -lmbedx509 -lmbedcrypto
//   /tmp/ws_dial_close wss://127.0.0.1:1/x 20000; /tmp/ws_dial_close ws://127.0.0.1:1/x 20000
// Plain tcp crashes the same way, less often (about 1 run in 3 of 50 000 rounds here: "panic:
// pthread_mutex_lock: Invalid argument" in tcp_dial_res_cb on the freed dialer; pnng's API
// fuzzer also saw resolv_worker finish the freed resolver aio; nanomsg/nng#2110, #2209):
//   for i in 1 2 3 4 5; do /tmp/ws_dial_close tcp://127.0.0.1:1 50000 || break; done
// All of them are fixed in pnng's vendored NNG (vendor/README.md, core/aio.c): link against a
// libnng.a built from the published nng-sys 0.3.0+1.11.0 to see the crashes.
// See tests/stress_regressions.rs (ws_background_dial_then_close_does_not_crash,
// tcp_background_dial_then_close_does_not_crash).
#include <nng/nng.h>
#include <nng/protocol/pair0/pair.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv) {
    const char *url = argc > 1 ? argv[1] : "ws://127.0.0.1:1/x";
    int n = argc > 2 ? atoi(argv[2]) : 20000;
    for (int i = 0; i < n; i++) {
        nng_socket s;
        if (nng_pair0_open(&s) != 0) abort();
        int rv = nng_dial(s, url, NULL, NNG_FLAG_NONBLOCK);
        if (i == 0) printf("dial %s -> %d\n", url, rv);
        nng_close(s);
    }
    printf("ok %d\n", n);
    return 0;
}
