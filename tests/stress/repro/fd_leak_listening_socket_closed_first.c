// NNG 1.11 alone (no pnng code) leaks TCP socket descriptors: connect a pair0 listener socket and
// a pair0 dialer socket over tcp, close the LISTENING socket first, then the dialer; repeat.
// About 0.4 fds leak per round (500 rounds: 5 -> ~240 open fds). Closing the dialer socket first,
// or only the listener endpoint first, leaks nothing. Fixed in pnng's vendored NNG
// (vendor/README.md): link against a libnng.a built from the published nng-sys 0.3.0+1.11.0 to
// see the leak. Build as ws_dial_close.c:
//   NI=vendor/nng-sys/nng/include
//   gcc -O1 -g -I$NI tests/stress/repro/fd_leak_listening_socket_closed_first.c target/release/libpnng.a \
//       -o /tmp/fd_leak -lpthread -ldl -lm -lmbedtls -lmbedx509 -lmbedcrypto
//   /tmp/fd_leak 1   (listening socket closed first: leaks)   /tmp/fd_leak 0   (dialer first: no leak)
// See tests/stress_regressions.rs (closing_the_listening_socket_first_leaks_no_fds).
#include <nng/nng.h>
#include <nng/protocol/pair0/pair.h>
#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <unistd.h>
static int fds(void) { int n = 0; DIR *d = opendir("/proc/self/fd"); while (readdir(d)) n++; closedir(d); return n - 3; }
int main(int argc, char **argv) {
    int listener_first = argc > 1 ? atoi(argv[1]) : 1;
    int f0 = fds();
    for (int i = 0; i < 500; i++) {
        nng_socket a, b; nng_listener l;
        char url[64];
        if (nng_pair0_open(&a) || nng_pair0_open(&b)) abort();
        if (nng_listen(a, "tcp://127.0.0.1:0", &l, 0)) abort();
        int port; nng_listener_get_int(l, NNG_OPT_TCP_BOUND_PORT, &port);
        snprintf(url, sizeof url, "tcp://127.0.0.1:%d", port);
        if (nng_dial(b, url, NULL, 0)) abort();
        if (listener_first == 2) { nng_close(a); usleep(30000); nng_close(b); } else if (listener_first) { nng_close(a); nng_close(b); } else { nng_close(b); nng_close(a); }
    }
    sleep(2);
    printf("NNG alone, %s closed first: fds %d -> %d after 500 rounds\n", listener_first ? "listener" : "dialer", f0, fds());
    return 0;
}
