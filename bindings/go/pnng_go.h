/* Small C helpers for the Go binding (static inline: each cgo preamble gets its own copy).
 * They keep every integer<->pointer conversion and every per-object dispatch on the C side,
 * so no Go code ever builds an unsafe.Pointer from an integer (go vet, cgocheck). */
#ifndef PNNG_GO_H
#define PNNG_GO_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "pnng.h"

enum { PG_SOCKET = 0, PG_DIALER = 1, PG_LISTENER = 2, PG_CTX = 3, PG_PIPE = 4 };

#define PG_DISPATCH(verb, ...)                                                              \
    switch (kind) {                                                                         \
    case PG_SOCKET: return pnng_socket_##verb((pnng_socket){id}, __VA_ARGS__);              \
    case PG_DIALER: return pnng_dialer_##verb((pnng_dialer){id}, __VA_ARGS__);              \
    case PG_LISTENER: return pnng_listener_##verb((pnng_listener){id}, __VA_ARGS__);        \
    case PG_CTX: return pnng_ctx_##verb((pnng_ctx){id}, __VA_ARGS__);                       \
    default: return PNNG_ENOTSUP;                                                           \
    }

#define PG_DISPATCH_GET(verb, ...)                                                          \
    switch (kind) {                                                                         \
    case PG_SOCKET: return pnng_socket_##verb((pnng_socket){id}, __VA_ARGS__);              \
    case PG_DIALER: return pnng_dialer_##verb((pnng_dialer){id}, __VA_ARGS__);              \
    case PG_LISTENER: return pnng_listener_##verb((pnng_listener){id}, __VA_ARGS__);        \
    case PG_CTX: return pnng_ctx_##verb((pnng_ctx){id}, __VA_ARGS__);                       \
    case PG_PIPE: return pnng_pipe_##verb((pnng_pipe){id}, __VA_ARGS__);                    \
    default: return PNNG_EINVAL;                                                            \
    }

static inline int pg_get_int(int kind, uint32_t id, const char *o, int *v) { PG_DISPATCH_GET(get_int, o, v) }
static inline int pg_get_ms(int kind, uint32_t id, const char *o, int32_t *v) { PG_DISPATCH_GET(get_ms, o, v) }
static inline int pg_get_size(int kind, uint32_t id, const char *o, size_t *v) { PG_DISPATCH_GET(get_size, o, v) }
static inline int pg_get_bool(int kind, uint32_t id, const char *o, bool *v) { PG_DISPATCH_GET(get_bool, o, v) }
static inline int pg_get_string(int kind, uint32_t id, const char *o, char **v) { PG_DISPATCH_GET(get_string, o, v) }
static inline int pg_get_addr(int kind, uint32_t id, const char *o, pnng_sockaddr *v) { PG_DISPATCH_GET(get_addr, o, v) }

static inline int pg_set_int(int kind, uint32_t id, const char *o, int v) { PG_DISPATCH(set_int, o, v) }
static inline int pg_set_ms(int kind, uint32_t id, const char *o, int32_t v) { PG_DISPATCH(set_ms, o, v) }
static inline int pg_set_size(int kind, uint32_t id, const char *o, size_t v) { PG_DISPATCH(set_size, o, v) }
static inline int pg_set_bool(int kind, uint32_t id, const char *o, bool v) { PG_DISPATCH(set_bool, o, v) }
static inline int pg_set_string(int kind, uint32_t id, const char *o, const char *v) { PG_DISPATCH(set_string, o, v) }

/* Protocol openers by index (the order of the Go protocol table). */
typedef int (*pg_opener)(pnng_socket *);
static const pg_opener pg_openers[] = {
    pnng_pair0_open, pnng_pair0_open_raw,
    pnng_pair1_open, pnng_pair1_open_raw,
    pnng_req0_open, pnng_req0_open_raw,
    pnng_rep0_open, pnng_rep0_open_raw,
    pnng_pub0_open, pnng_pub0_open_raw,
    pnng_sub0_open, pnng_sub0_open_raw,
    pnng_push0_open, pnng_push0_open_raw,
    pnng_pull0_open, pnng_pull0_open_raw,
    pnng_surveyor0_open, pnng_surveyor0_open_raw,
    pnng_respondent0_open, pnng_respondent0_open_raw,
    pnng_bus0_open, pnng_bus0_open_raw,
    pnng_pair1_open_poly,
};
static inline int pg_open(int index, uint32_t *id_out) {
    if (index < 0 || (size_t)index >= sizeof(pg_openers) / sizeof(pg_openers[0])) return PNNG_EINVAL;
    pnng_socket s = PNNG_SOCKET_INITIALIZER;
    int rv = pg_openers[index](&s);
    if (rv == 0) *id_out = s.id;
    return rv;
}

/* Completion-queue helpers: userdata is an integer key, converted here and only here. */
static inline int pg_aio_new_cq(pnng_cq *cq, uintptr_t key, pnng_aio **out) {
    return pnng_aio_new_cq(cq, (void *)key, out);
}
static inline int pg_cq_pop(pnng_cq *cq, pnng_aio **aio_out, uintptr_t *key_out) {
    void *ud = NULL;
    int rv = pnng_cq_pop(cq, aio_out, &ud);
    if (rv == 0) *key_out = (uintptr_t)ud;
    return rv;
}
static inline int pg_cq_pop_pipe_event(pnng_cq *cq, uint32_t *pipe_out, int *ev_out) {
    pnng_pipe p = PNNG_PIPE_INITIALIZER;
    void *ud = NULL;
    int rv = pnng_cq_pop_pipe_event(cq, &p, ev_out, &ud);
    if (rv == 0) *pipe_out = p.id;
    return rv;
}

/* Lists of ids: the handle structs are a single uint32_t, so an array of ids works. */
static inline int pg_list(int kind, uint32_t sock, uint32_t *buf, size_t cap, size_t *len_out) {
    pnng_socket s = {sock};
    switch (kind) {
    case PG_PIPE: return pnng_socket_pipes(s, (pnng_pipe *)buf, cap, len_out);
    case PG_DIALER: return pnng_socket_dialers(s, (pnng_dialer *)buf, cap, len_out);
    case PG_LISTENER: return pnng_socket_listeners(s, (pnng_listener *)buf, cap, len_out);
    default: return PNNG_EINVAL;
    }
}

/* Completion queue: waits (ms < 0: forever) and pops up to cap completions, keys only, in one
 * call (one cgo transition per batch instead of one per entry plus one for the wait). */
static inline int pg_cq_wait_pop(pnng_cq *cq, int32_t ms, uintptr_t *keys, int cap) {
    int n = 0;
    pnng_aio *a = NULL;
    void *ud = NULL;
    if (pnng_cq_pop(cq, &a, &ud) != 0) {
        pnng_cq_wait(cq, ms);
        if (pnng_cq_pop(cq, &a, &ud) != 0) return 0;
    }
    keys[n++] = (uintptr_t)ud;
    while (n < cap && pnng_cq_pop(cq, &a, &ud) == 0) keys[n++] = (uintptr_t)ud;
    return n;
}

/* A received message with its body pointer and length, returned by value (no Go pointer is
 * passed, so nothing escapes to the Go heap): receive + locate the body in one cgo call. */
typedef struct {
    int rv;
    pnng_msg *m;
    const void *body;
    size_t len;
} pg_recv_result;

static inline pg_recv_result pg_body_of(int rv, pnng_msg *m) {
    pg_recv_result r = {rv, m, NULL, 0};
    if (rv == 0) {
        r.len = pnng_msg_len(m);
        r.body = pnng_msg_body(m);
    }
    return r;
}
static inline pg_recv_result pg_socket_recv(pnng_socket s, int flags) {
    pnng_msg *m = NULL;
    int rv = pnng_socket_recv_msg(s, flags, &m);
    return pg_body_of(rv, m);
}
static inline pg_recv_result pg_ctx_recv(pnng_ctx c, int flags) {
    pnng_msg *m = NULL;
    int rv = pnng_ctx_recv_msg(c, flags, &m);
    return pg_body_of(rv, m);
}
static inline pg_recv_result pg_msg_body_len(pnng_msg *m) { return pg_body_of(0, m); }
/* The body, writable in place, and its length (one call). */
static inline pg_recv_result pg_msg_body_mut(pnng_msg *m) {
    pg_recv_result r = {0, m, NULL, pnng_msg_len(m)};
    if (r.len > 0) r.body = pnng_msg_body_mut(m);
    return r;
}
/* Takes the received message off a completed aio, with its body. */
static inline pg_recv_result pg_aio_take_body(pnng_aio *a) {
    pnng_msg *m = NULL;
    int rv = pnng_aio_take_msg(a, &m);
    return pg_body_of(rv, m);
}

/* Messages sent and received through aio: body copied out in one call. */
static inline void pg_copy_body(const pnng_msg *m, void *dst, size_t len) {
    const uint8_t *b = pnng_msg_body(m);
    if (len > 0 && b != NULL) memcpy(dst, b, len);
}
static inline void pg_copy_header(const pnng_msg *m, void *dst, size_t len) {
    const uint8_t *b = pnng_msg_header(m);
    if (len > 0 && b != NULL) memcpy(dst, b, len);
}

/* Blocking Send and Recv parked in the Go scheduler (poll.go): a waiter is one aio posting to
 * its own completion queue, whose eventfd the Go runtime poller watches. */
static inline int pg_waiter_new(pnng_cq **cq_out, pnng_aio **aio_out, int *fd_out) {
    pnng_cq *cq = NULL;
    pnng_aio *a = NULL;
    int rv = pnng_cq_new(&cq);
    if (rv != 0) return rv;
    if ((rv = pnng_aio_new_cq(cq, NULL, &a)) != 0 || (rv = pnng_cq_fd(cq, fd_out)) != 0) {
        pnng_aio_free(a);
        pnng_cq_free(cq);
        return rv;
    }
    *cq_out = cq;
    *aio_out = a;
    return 0;
}
/* A send's result and, where it says so, a message given back (returned by value: no Go
 * pointer is passed, nothing escapes to the Go heap). */
typedef struct {
    int rv;
    pnng_msg *m;
} pg_send_result;

/* A non-blocking send of a copy of data; when it would block (PNNG_EAGAIN) the message built
 * for it is kept in .m for a parked send, so the data is copied once however long it waits. */
static inline pg_send_result pg_socket_send_keep(pnng_socket s, const uint8_t *data, size_t len) {
    pg_send_result r = {0, NULL};
    r.rv = pnng_msg_new(data, len, &r.m);
    if (r.rv != 0) return r;
    r.rv = pnng_socket_send_msg(s, r.m, PNNG_FLAG_NONBLOCK);
    if (r.rv != PNNG_EAGAIN) {
        if (r.rv != 0) pnng_msg_free(r.m);
        r.m = NULL;
    }
    return r;
}
/* pnng_socket_send with the data typed as bytes: cgo checks an unsafe.Pointer argument at run
 * time for Go pointers in the memory it points to (cgocheck), a pointer to bytes not. */
static inline int pg_socket_send(pnng_socket s, const uint8_t *data, size_t len, int flags) {
    return pnng_socket_send(s, data, len, flags);
}
/* Starts the receive on socket id, or on context id when ctx is nonzero (the aio's timeout is
 * the socket's or context's own). */
static inline int pg_waiter_recv(uint32_t id, int ctx, pnng_aio *a) {
    return ctx ? pnng_ctx_recv_aio((pnng_ctx){id}, a) : pnng_socket_recv_aio((pnng_socket){id}, a);
}
/* Starts a send of m (the aio owns it from here; on failure to start, m is taken back and
 * stays the caller's). */
static inline int pg_waiter_send(pnng_socket s, pnng_aio *a, pnng_msg *m) {
    int rv = pnng_aio_set_msg(a, m);
    if (rv == 0 && (rv = pnng_socket_send_aio(s, a)) != 0) pnng_aio_take_msg(a, &m);
    return rv;
}
/* A receive on a waiter's aio waited for in C for at most ms (poll.go): the calling thread
 * reads its own tcp/ipc connection meanwhile (pnng_aio_wait_pipe), and stops early when xfd
 * (if not negative) becomes readable. running is 0 when r is the outcome, else 1 and wait_rv
 * says why the wait ended: PNNG_ETIMEDOUT (ms passed), PNNG_EINTR (xfd readable) or
 * PNNG_ENOTSUP (no connection to read for it; returned early). */
typedef struct {
    pg_recv_result r;
    int running;
    int wait_rv;
    int took; /* 1 when the non-blocking try (try_first) found the message */
} pg_recv_wait;
static inline pg_recv_result pg_waiter_received(pnng_cq *cq);
static inline pg_recv_wait pg_waiter_wait_within(pnng_aio *a, pnng_cq *cq, int xfd, int32_t ms) {
    pg_recv_wait w = {{0, NULL, NULL, 0}, 0, 0, 0};
    w.wait_rv = pnng_aio_wait_pipe(a, xfd, ms);
    w.r = pg_waiter_received(cq);
    w.running = w.r.rv == PNNG_EAGAIN;
    return w;
}
/* pg_waiter_recv, then pg_waiter_wait_within (one cgo call); running 0 with the start's error
 * if nothing started. With try set, a non-blocking receive first: a message that came since
 * the caller's own try is taken without the aio (whose completion would signal the queue). */
static inline pg_recv_wait pg_waiter_recv_within(uint32_t id, int ctx, int try_first, pnng_aio *a, pnng_cq *cq,
                                                int xfd, int32_t ms) {
    if (try_first) {
        pg_recv_wait w = {ctx ? pg_ctx_recv((pnng_ctx){id}, PNNG_FLAG_NONBLOCK)
                              : pg_socket_recv((pnng_socket){id}, PNNG_FLAG_NONBLOCK),
                          0, 0, 1};
        if (w.r.rv != PNNG_EAGAIN) return w;
    }
    int rv = pg_waiter_recv(id, ctx, a);
    if (rv != 0) {
        pg_recv_wait w = {pg_body_of(rv, NULL), 0, 0, 0}; /* nothing started, nothing will be posted */
        return w;
    }
    return pg_waiter_wait_within(a, cq, xfd, ms);
}
/* The receive's outcome once completed (rv PNNG_EAGAIN while it runs); on success the caller
 * owns the message. */
static inline pg_recv_result pg_waiter_received(pnng_cq *cq) {
    pnng_aio *a = NULL;
    void *ud = NULL;
    if (pnng_cq_pop(cq, &a, &ud) != 0) return pg_body_of(PNNG_EAGAIN, NULL);
    int rv = pnng_aio_result(a);
    if (rv != 0) return pg_body_of(rv, NULL);
    pnng_msg *m = NULL;
    rv = pnng_aio_take_msg(a, &m);
    return pg_body_of(rv, m);
}
/* The send's outcome once completed (PNNG_EAGAIN while it runs); a failed send's message is
 * taken back into .m (NULL if none is left). */
static inline pg_send_result pg_waiter_sent(pnng_cq *cq) {
    pg_send_result r = {PNNG_EAGAIN, NULL};
    pnng_aio *a = NULL;
    void *ud = NULL;
    if (pnng_cq_pop(cq, &a, &ud) != 0) return r;
    r.rv = pnng_aio_result(a);
    if (r.rv != 0 && pnng_aio_take_msg(a, &r.m) != 0) r.m = NULL;
    return r;
}

#endif
