/* Adapter over raw NNG 1.12.0 (nng.h), built from the vendored source in Release. */
#include "bench_impl.h"

#include <nng/nng.h>
#include <nng/protocol/pair1/pair.h>
#include <nng/protocol/pipeline0/pull.h>
#include <nng/protocol/pipeline0/push.h>
#include <nng/protocol/reqrep0/rep.h>
#include <nng/protocol/reqrep0/req.h>
#include <stdlib.h>

const char *const bench_impl_name = "nng";

struct bench_sock {
    nng_socket sock;
};

int bench_open(bench_role role, bench_sock **out) {
    bench_sock *s = calloc(1, sizeof(*s));
    int rv;
    if (s == NULL) {
        return NNG_ENOMEM;
    }
    switch (role) {
    case ROLE_REQ: rv = nng_req0_open(&s->sock); break;
    case ROLE_REP: rv = nng_rep0_open(&s->sock); break;
    case ROLE_PAIR: rv = nng_pair1_open(&s->sock); break;
    case ROLE_PUSH: rv = nng_push0_open(&s->sock); break;
    default: rv = nng_pull0_open(&s->sock); break;
    }
    if (rv == 0) {
        rv = nng_socket_set_size(s->sock, NNG_OPT_RECVMAXSZ, 4u << 20);
    }
    if (rv != 0) {
        free(s);
        return rv;
    }
    *out = s;
    return 0;
}

int bench_listen(bench_sock *s, const char *url) { return nng_listen(s->sock, url, NULL, 0); }

int bench_dial(bench_sock *s, const char *url) { return nng_dial(s->sock, url, NULL, 0); }

int bench_send_copy(bench_sock *s, const void *buf, size_t len) {
    return nng_send(s->sock, (void *) buf, len, 0);
}

int bench_recv(bench_sock *s, bench_msg **out) {
    return nng_recvmsg(s->sock, (nng_msg **) out, 0);
}

size_t bench_msg_len(const bench_msg *m) { return nng_msg_len((const nng_msg *) m); }

int bench_send_msg(bench_sock *s, bench_msg *m) { return nng_sendmsg(s->sock, (nng_msg *) m, 0); }

void bench_msg_free(bench_msg *m) { nng_msg_free((nng_msg *) m); }

void bench_shutdown(bench_sock *s) { nng_close(s->sock); }

void bench_free(bench_sock *s) { free(s); }

const char *bench_strerror(int err) { return nng_strerror(err); }
