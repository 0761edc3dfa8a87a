/* The one copy of the C timing logic, linked with one adapter (impl_*.c) per library.
 *
 *   bench_<impl> PATTERN SIZE URL SECONDS
 *
 * PATTERN: lat (req/rep round trip), pair1 or pushpull (one-way throughput), memcpy (copy
 * bandwidth; URL ignored). Runs SECONDS/5 of warm-up, then measures for SECONDS and prints one
 * JSON line: {"impl":..., "pattern":..., "size":..., "count":..., "seconds":..., "value":...}
 * where value is microseconds per round trip for lat, messages per second otherwise. On error
 * it prints {"error": "..."} and exits 1. Nothing here asserts a timing. */
#define _GNU_SOURCE
#include "bench_impl.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef enum { PATTERN_LAT, PATTERN_PAIR1, PATTERN_PUSHPULL, PATTERN_MEMCPY } bench_pattern;

static const char *const pattern_names[] = {"lat", "pair1", "pushpull", "memcpy"};

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

static void fail(const char *what, int err) {
    printf("{\"error\": \"%s: %s (%d)\"}\n", what, bench_strerror(err), err);
    fflush(stdout);
    exit(1);
}

static void check(const char *what, int err) {
    if (err != 0) {
        fail(what, err);
    }
}

/* One timed operation: a round trip, a received message or a copy. */
typedef int (*bench_step)(void *arg);

typedef struct {
    long count;
    double seconds;
} bench_window;

/* Runs step during warmup seconds, then counts how many complete in `seconds`. */
static bench_window timed_loop(bench_step step, void *arg, double warmup, double seconds) {
    bench_window w = {0, 0.0};
    double end = now_s() + warmup;
    double start;
    while (now_s() < end) {
        check("warm-up", step(arg));
    }
    start = now_s();
    end = start + seconds;
    do {
        check("measured step", step(arg));
        w.count++;
    } while (now_s() < end);
    w.seconds = now_s() - start;
    return w;
}

typedef struct {
    bench_sock *sock;
    const unsigned char *buf;
    size_t size;
    atomic_bool stop;
} bench_peer;

/* Receives one message and checks its size. */
static int recv_one(bench_sock *s, size_t size) {
    bench_msg *m;
    int rv = bench_recv(s, &m);
    if (rv != 0) {
        return rv;
    }
    if (bench_msg_len(m) != size) {
        fail("received a message of the wrong size", (int) bench_msg_len(m));
    }
    bench_msg_free(m);
    return 0;
}

static void *echo_server(void *arg) {
    bench_peer *p = arg;
    bench_msg *m;
    while (bench_recv(p->sock, &m) == 0) {
        if (bench_send_msg(p->sock, m) != 0) {
            bench_msg_free(m);
            break;
        }
    }
    return NULL;
}

static void *sender(void *arg) {
    bench_peer *p = arg;
    while (!atomic_load_explicit(&p->stop, memory_order_relaxed)) {
        if (bench_send_copy(p->sock, p->buf, p->size) != 0) {
            break;
        }
    }
    return NULL;
}

typedef struct {
    bench_sock *client;
    const unsigned char *buf;
    size_t size;
} round_trip_arg;

static int round_trip(void *arg) {
    round_trip_arg *a = arg;
    int rv = bench_send_copy(a->client, a->buf, a->size);
    return rv != 0 ? rv : recv_one(a->client, a->size);
}

typedef struct {
    bench_sock *receiver;
    size_t size;
} receive_arg;

static int receive(void *arg) {
    receive_arg *a = arg;
    return recv_one(a->receiver, a->size);
}

typedef struct {
    unsigned char *dst;
    const unsigned char *src;
    size_t size;
} copy_arg;

static int copy_once(void *arg) {
    copy_arg *a = arg;
    memcpy(a->dst, a->src, a->size);
    __asm__ __volatile__("" : : "r"(a->dst) : "memory"); /* keep the copy */
    return 0;
}

/* Opens the listening and the dialing side of a pattern and connects them. */
static void connect_pair(bench_role listen_role, bench_role dial_role, const char *url, bench_sock **listener,
                         bench_sock **dialer) {
    check("open", bench_open(listen_role, listener));
    check("listen", bench_listen(*listener, url));
    check("open", bench_open(dial_role, dialer));
    check("dial", bench_dial(*dialer, url));
}

static bench_window run_latency(const char *url, const unsigned char *buf, size_t size, double warmup,
                                double seconds) {
    bench_sock *server, *client;
    pthread_t thread;
    bench_peer peer = {0};
    round_trip_arg rt;
    bench_window w;
    connect_pair(ROLE_REP, ROLE_REQ, url, &server, &client);
    peer.sock = server;
    check("pthread_create", pthread_create(&thread, NULL, echo_server, &peer));
    rt = (round_trip_arg){client, buf, size};
    w = timed_loop(round_trip, &rt, warmup, seconds);
    bench_shutdown(server);
    pthread_join(thread, NULL);
    bench_shutdown(client);
    bench_free(server);
    bench_free(client);
    return w;
}

static bench_window run_throughput(bench_pattern pattern, const char *url, const unsigned char *buf, size_t size,
                                   double warmup, double seconds) {
    bool pair = pattern == PATTERN_PAIR1;
    bench_sock *receiver, *transmitter;
    pthread_t thread;
    bench_peer peer = {0};
    receive_arg ra;
    bench_window w;
    connect_pair(pair ? ROLE_PAIR : ROLE_PULL, pair ? ROLE_PAIR : ROLE_PUSH, url, &receiver, &transmitter);
    peer = (bench_peer){.sock = transmitter, .buf = buf, .size = size};
    atomic_init(&peer.stop, false);
    check("pthread_create", pthread_create(&thread, NULL, sender, &peer));
    ra = (receive_arg){receiver, size};
    w = timed_loop(receive, &ra, warmup, seconds);
    atomic_store(&peer.stop, true);
    bench_shutdown(transmitter); /* wakes a sender blocked on flow control */
    pthread_join(thread, NULL);
    bench_shutdown(receiver);
    bench_free(transmitter);
    bench_free(receiver);
    return w;
}

static bench_window run_memcpy(const unsigned char *buf, size_t size, double warmup, double seconds) {
    copy_arg ca = {malloc(size), buf, size};
    bench_window w;
    if (ca.dst == NULL) {
        fail("malloc", 0);
    }
    w = timed_loop(copy_once, &ca, warmup, seconds);
    free(ca.dst);
    return w;
}

int main(int argc, char **argv) {
    bench_pattern pattern;
    size_t size;
    double seconds;
    unsigned char *buf;
    bench_window w;
    double value;
    if (argc != 5) {
        fprintf(stderr, "usage: %s lat|pair1|pushpull|memcpy SIZE URL SECONDS\n", argv[0]);
        return 2;
    }
    for (pattern = PATTERN_LAT; pattern <= PATTERN_MEMCPY; pattern++) {
        if (strcmp(argv[1], pattern_names[pattern]) == 0) {
            break;
        }
    }
    if (pattern > PATTERN_MEMCPY) {
        fprintf(stderr, "unknown pattern %s\n", argv[1]);
        return 2;
    }
    size = strtoul(argv[2], NULL, 10);
    seconds = strtod(argv[4], NULL);
    buf = malloc(size ? size : 1);
    if (buf == NULL) {
        fail("malloc", 0);
    }
    memset(buf, 0xA5, size);
    switch (pattern) {
    case PATTERN_LAT: w = run_latency(argv[3], buf, size, seconds / 5, seconds); break;
    case PATTERN_MEMCPY: w = run_memcpy(buf, size, seconds / 5, seconds); break;
    default: w = run_throughput(pattern, argv[3], buf, size, seconds / 5, seconds); break;
    }
    value = pattern == PATTERN_LAT ? w.seconds * 1e6 / (double) w.count : (double) w.count / w.seconds;
    printf("{\"impl\": \"%s\", \"pattern\": \"%s\", \"size\": %zu, \"count\": %ld, \"seconds\": %.6f, "
           "\"value\": %.6g}\n",
           bench_impl_name, pattern_names[pattern], size, w.count, w.seconds, value);
    free(buf);
    return 0;
}
