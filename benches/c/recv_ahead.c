/* How far receive-ahead lifts push/pull small-message throughput (benches/README.md, "Pull
 * throughput and receive-ahead").
 *
 *   recv_ahead URL SIZE SECONDS DEPTH...
 *
 * A pusher thread sends SIZE-byte messages as fast as the push socket takes them. The pull
 * side receives them with DEPTH receive aios in flight on one completion queue, drained by one
 * thread (the shape every event-loop binding uses); DEPTH 0 means plain blocking
 * pnng_socket_recv_msg calls instead. For each DEPTH it prints one JSON line with messages per
 * second over SECONDS after a short warm-up. Nothing here asserts a timing. */
#define _GNU_SOURCE
#include <pnng.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_DEPTH 256

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

static void check(const char *what, int err) {
    if (err != 0) {
        printf("{\"error\": \"%s: %s (%d)\"}\n", what, pnng_strerror(err), err);
        exit(1);
    }
}

struct pusher {
    pnng_socket sock;
    size_t size;
    atomic_bool stop;
};

/* Sends until told to stop; a send that ends with ECLOSED (the socket closed under it) ends it. */
static void *push_loop(void *arg) {
    struct pusher *p = arg;
    char *buf = calloc(1, p->size ? p->size : 1);
    while (!atomic_load(&p->stop)) {
        int rv = pnng_socket_send(p->sock, buf, p->size, 0);
        if (rv == PNNG_ECLOSED) {
            break;
        }
        if (rv != PNNG_ETIMEDOUT) {
            check("push send", rv);
        }
    }
    free(buf);
    return NULL;
}

/* Receives for `seconds` with `depth` aios in flight (0: blocking calls); messages per second. */
static double measure(pnng_socket pull, int depth, double seconds) {
    long count = 0;
    double start, end;
    if (depth == 0) {
        start = now_s();
        end = start + seconds;
        while (now_s() < end) {
            pnng_msg *m;
            check("recv", pnng_socket_recv_msg(pull, 0, &m));
            pnng_msg_free(m);
            count++;
        }
        return (double) count / (now_s() - start);
    }
    pnng_cq *cq;
    pnng_aio *aios[MAX_DEPTH];
    check("cq", pnng_cq_new(&cq));
    for (int i = 0; i < depth; i++) {
        check("aio", pnng_aio_new_cq(cq, NULL, &aios[i]));
        check("recv aio", pnng_socket_recv_aio(pull, aios[i]));
    }
    start = now_s();
    end = start + seconds;
    while (now_s() < end) {
        pnng_aio *a;
        void *ud;
        if (pnng_cq_wait(cq, 100) != 0) {
            continue;
        }
        /* Drain everything that completed, restarting each receive at once. */
        while (pnng_cq_pop(cq, &a, &ud) == 0) {
            pnng_msg *m;
            check("recv result", pnng_aio_result(a));
            check("take", pnng_aio_take_msg(a, &m));
            pnng_msg_free(m);
            count++;
            check("recv aio", pnng_socket_recv_aio(pull, a));
        }
    }
    double rate = (double) count / (now_s() - start);
    for (int i = 0; i < depth; i++) {
        pnng_aio_free(aios[i]); /* cancels the receive in flight */
    }
    pnng_cq_free(cq);
    return rate;
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: %s URL SIZE SECONDS DEPTH...\n", argv[0]);
        return 2;
    }
    const char *url = argv[1];
    size_t size = (size_t) atol(argv[2]);
    double seconds = atof(argv[3]);
    pnng_socket push, pull;
    pnng_listener l;
    pnng_sockaddr sa;
    char dial_url[256];
    struct pusher p;
    pthread_t thr;

    check("pull open", pnng_pull0_open(&pull));
    check("push open", pnng_push0_open(&push));
    check("listen", pnng_socket_listen(pull, url, 0, &l));
    check("addr", pnng_listener_get_addr(l, PNNG_OPT_LOCADDR, &sa));
    check("format", pnng_sockaddr_format(&sa, dial_url, sizeof dial_url));
    check("send timeout", pnng_socket_set_ms(push, PNNG_OPT_SENDTIMEO, 200));
    check("dial", pnng_socket_dial(push, dial_url, 0, NULL));
    p.sock = push;
    p.size = size;
    atomic_init(&p.stop, false);
    if (pthread_create(&thr, NULL, push_loop, &p) != 0) {
        return 1;
    }
    for (int i = 4; i < argc; i++) {
        int depth = atoi(argv[i]);
        if (depth < 0 || depth > MAX_DEPTH) {
            fprintf(stderr, "DEPTH must be 0..%d\n", MAX_DEPTH);
            return 2;
        }
        measure(pull, depth, seconds / 5); /* warm-up */
        double rate = measure(pull, depth, seconds);
        printf("{\"url\": \"%s\", \"size\": %zu, \"depth\": %d, \"msgs_per_s\": %.0f}\n", url, size, depth, rate);
        fflush(stdout);
    }
    atomic_store(&p.stop, true);
    pnng_socket_close(pull); /* the pusher's send then times out or fails */
    pthread_join(thr, NULL);
    pnng_socket_close(push);
    pnng_fini();
    return 0;
}
