/* The part of pnng's C API that benches/c/scale.c uses, implemented directly over NNG's own
 * API (nng.h) with nothing in between: the raw-NNG build of the same program. Each function is
 * the NNG call a C user would write by hand; names, types and error codes follow pnng.h (pnng's
 * codes are NNG's). Only what scale.c needs is here.
 *
 * Two differences from pnng that scale.c does not depend on: NNG's aio keeps a pointer to a
 * message it sent (pnng clears it), and nng_aio_free does not free a message left on the aio
 * (pnng_aio_free does). scale.c takes every received message and every unsent one back. */
#ifndef PNNG_OVER_NNG_H
#define PNNG_OVER_NNG_H

#include <nng/nng.h>
#include <nng/protocol/pubsub0/pub.h>
#include <nng/protocol/pubsub0/sub.h>
#include <nng/protocol/reqrep0/rep.h>
#include <nng/protocol/reqrep0/req.h>
#include <stdint.h>
#include <string.h>

typedef int32_t pnng_result;
typedef struct pnng_socket {
    uint32_t id;
} pnng_socket;
typedef struct pnng_ctx {
    uint32_t id;
} pnng_ctx;
typedef struct pnng_pipe {
    uint32_t id;
} pnng_pipe;
typedef struct pnng_dialer {
    uint32_t id;
} pnng_dialer;
typedef struct pnng_listener {
    uint32_t id;
} pnng_listener;
typedef nng_aio pnng_aio;
typedef nng_msg pnng_msg;
typedef void (*pnng_aio_cb)(void *userdata);
typedef void (*pnng_pipe_cb)(pnng_pipe pipe, int event, void *userdata);

#define PNNG_OK 0
#define PNNG_ENOMEM NNG_ENOMEM
#define PNNG_EINVAL NNG_EINVAL
#define PNNG_ETIMEDOUT NNG_ETIMEDOUT
#define PNNG_ECLOSED NNG_ECLOSED
#define PNNG_ENOENT NNG_ENOENT
#define PNNG_FLAG_NONBLOCK NNG_FLAG_NONBLOCK
#define PNNG_PIPE_EV_ADD_PRE NNG_PIPE_EV_ADD_PRE
#define PNNG_PIPE_EV_ADD_POST NNG_PIPE_EV_ADD_POST
#define PNNG_PIPE_EV_REM_POST NNG_PIPE_EV_REM_POST
#define PNNG_OPT_RECVBUF NNG_OPT_RECVBUF
#define PNNG_OPT_SENDBUF NNG_OPT_SENDBUF
#define PNNG_OPT_RECVMAXSZ NNG_OPT_RECVMAXSZ
#define PNNG_OPT_RECONNMINT NNG_OPT_RECONNMINT
#define PNNG_OPT_RECONNMAXT NNG_OPT_RECONNMAXT
#define PNNG_OPT_TCP_BOUND_PORT NNG_OPT_TCP_BOUND_PORT

static inline nng_socket pon_sock(pnng_socket s) {
    nng_socket n;
    n.id = s.id;
    return n;
}

static inline nng_ctx pon_ctx(pnng_ctx c) {
    nng_ctx n;
    n.id = c.id;
    return n;
}

static inline pnng_result pon_open(int (*open_fn)(nng_socket *), pnng_socket *out) {
    nng_socket n;
    int rv = open_fn(&n);
    if (rv == 0) {
        out->id = n.id;
    }
    return rv;
}

static inline pnng_result pnng_req0_open(pnng_socket *out) { return pon_open(nng_req0_open, out); }
static inline pnng_result pnng_rep0_open(pnng_socket *out) { return pon_open(nng_rep0_open, out); }
static inline pnng_result pnng_pub0_open(pnng_socket *out) { return pon_open(nng_pub0_open, out); }
static inline pnng_result pnng_sub0_open(pnng_socket *out) { return pon_open(nng_sub0_open, out); }

static inline pnng_result pnng_socket_close(pnng_socket s) { return nng_close(pon_sock(s)); }

static inline pnng_result pnng_socket_set_int(pnng_socket s, const char *opt, int v) {
    return nng_socket_set_int(pon_sock(s), opt, v);
}

static inline pnng_result pnng_socket_set_size(pnng_socket s, const char *opt, size_t v) {
    return nng_socket_set_size(pon_sock(s), opt, v);
}

static inline pnng_result pnng_sub0_subscribe(pnng_socket s, const void *topic, size_t len) {
    return nng_sub0_socket_subscribe(pon_sock(s), topic, len);
}

static inline pnng_result pnng_socket_listen(pnng_socket s, const char *url, int flags,
                                             pnng_listener *out) {
    nng_listener l;
    int rv = nng_listen(pon_sock(s), url, &l, flags);
    if (rv == 0 && out != NULL) {
        out->id = l.id;
    }
    return rv;
}

static inline pnng_result pnng_listener_get_int(pnng_listener l, const char *opt, int *out) {
    nng_listener n;
    n.id = l.id;
    return nng_listener_get_int(n, opt, out);
}

static inline pnng_result pnng_socket_dial(pnng_socket s, const char *url, int flags,
                                           pnng_dialer *out) {
    nng_dialer d;
    int rv = nng_dial(pon_sock(s), url, &d, flags);
    if (rv == 0 && out != NULL) {
        out->id = d.id;
    }
    return rv;
}

static inline pnng_result pnng_dialer_set_ms(pnng_dialer d, const char *opt, int32_t v) {
    nng_dialer n;
    n.id = d.id;
    return nng_dialer_set_ms(n, opt, v);
}

static inline pnng_result pnng_socket_pipe_notify(pnng_socket s, int ev, pnng_pipe_cb cb,
                                                  void *userdata) {
    /* Same ABI: pnng_pipe and nng_pipe are one uint32_t, the event an int. */
    return nng_pipe_notify(pon_sock(s), (nng_pipe_ev) ev, (nng_pipe_cb) (void (*)(void)) cb, userdata);
}

static inline uint32_t pnng_pipe_id(pnng_pipe p) { return p.id; }

static inline pnng_result pnng_pipe_close(pnng_pipe p) {
    nng_pipe n;
    n.id = p.id;
    return nng_pipe_close(n);
}

static inline pnng_result pnng_socket_new_context(pnng_socket s, pnng_ctx *out) {
    nng_ctx c;
    int rv = nng_ctx_open(&c, pon_sock(s));
    if (rv == 0) {
        out->id = c.id;
    }
    return rv;
}

static inline pnng_result pnng_ctx_close(pnng_ctx c) { return nng_ctx_close(pon_ctx(c)); }

static inline pnng_result pnng_aio_new(pnng_aio_cb cb, void *userdata, pnng_aio **out) {
    return nng_aio_alloc(out, cb, userdata);
}

static inline void pnng_aio_free(pnng_aio *a) { nng_aio_free(a); }

static inline pnng_result pnng_aio_result(const pnng_aio *a) { return nng_aio_result((nng_aio *) a); }

static inline pnng_result pnng_aio_set_msg(pnng_aio *a, pnng_msg *m) {
    nng_aio_set_msg(a, m);
    return 0;
}

static inline pnng_result pnng_aio_take_msg(pnng_aio *a, pnng_msg **out) {
    nng_msg *m = nng_aio_get_msg(a);
    if (m == NULL) {
        return NNG_ENOENT;
    }
    nng_aio_set_msg(a, NULL);
    *out = m;
    return 0;
}

static inline pnng_result pnng_socket_send_aio(pnng_socket s, pnng_aio *a) {
    nng_send_aio(pon_sock(s), a);
    return 0;
}

static inline pnng_result pnng_socket_recv_aio(pnng_socket s, pnng_aio *a) {
    nng_recv_aio(pon_sock(s), a);
    return 0;
}

static inline pnng_result pnng_ctx_send_aio(pnng_ctx c, pnng_aio *a) {
    nng_ctx_send(pon_ctx(c), a);
    return 0;
}

static inline pnng_result pnng_ctx_recv_aio(pnng_ctx c, pnng_aio *a) {
    nng_ctx_recv(pon_ctx(c), a);
    return 0;
}

static inline pnng_result pnng_socket_send(pnng_socket s, const void *data, size_t len, int flags) {
    return nng_send(pon_sock(s), (void *) data, len, flags);
}

static inline pnng_result pnng_msg_new(const void *data, size_t len, pnng_msg **out) {
    nng_msg *m;
    int rv = nng_msg_alloc(&m, len);
    if (rv == 0) {
        if (len > 0) {
            memcpy(nng_msg_body(m), data, len);
        }
        *out = m;
    }
    return rv;
}

static inline void pnng_msg_free(pnng_msg *m) { nng_msg_free(m); }

static inline const char *pnng_strerror(int err) { return nng_strerror(err); }

#endif
