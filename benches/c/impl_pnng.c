/* Adapter over pnng's C API (pnng.h, libpnng.so): the same calls a C user of pnng makes. */
#include "bench_impl.h"

#include <pnng.h>
#include <stdlib.h>

const char *const bench_impl_name = "pnng";

struct bench_sock {
    pnng_socket sock;
};

int bench_open(bench_role role, bench_sock **out) {
    bench_sock *s = calloc(1, sizeof(*s));
    pnng_result rv;
    if (s == NULL) {
        return PNNG_ENOMEM;
    }
    switch (role) {
    case ROLE_REQ: rv = pnng_req0_open(&s->sock); break;
    case ROLE_REP: rv = pnng_rep0_open(&s->sock); break;
    case ROLE_PAIR: rv = pnng_pair1_open(&s->sock); break;
    case ROLE_PUSH: rv = pnng_push0_open(&s->sock); break;
    default: rv = pnng_pull0_open(&s->sock); break;
    }
    if (rv == PNNG_OK) {
        rv = pnng_socket_set_size(s->sock, PNNG_OPT_RECVMAXSZ, 4u << 20);
    }
    if (rv != PNNG_OK) {
        free(s);
        return rv;
    }
    *out = s;
    return 0;
}

int bench_listen(bench_sock *s, const char *url) { return pnng_socket_listen(s->sock, url, 0, NULL); }

int bench_dial(bench_sock *s, const char *url) { return pnng_socket_dial(s->sock, url, 0, NULL); }

int bench_send_copy(bench_sock *s, const void *buf, size_t len) {
    return pnng_socket_send(s->sock, buf, len, 0);
}

int bench_recv(bench_sock *s, bench_msg **out) {
    return pnng_socket_recv_msg(s->sock, 0, (pnng_msg **) out);
}

size_t bench_msg_len(const bench_msg *m) { return pnng_msg_len((const pnng_msg *) m); }

int bench_send_msg(bench_sock *s, bench_msg *m) {
    return pnng_socket_send_msg(s->sock, (pnng_msg *) m, 0);
}

void bench_msg_free(bench_msg *m) { pnng_msg_free((pnng_msg *) m); }

void bench_shutdown(bench_sock *s) { pnng_socket_close(s->sock); }

void bench_free(bench_sock *s) { free(s); }

const char *bench_strerror(int err) { return pnng_strerror(err); }
