/* pnng at scale: thousands of subscribers, contexts, sockets and connections.
 *
 * One program, written against pnng's C API and built twice: against pnng.h and libpnng
 * (scale_pnng), and against pnng_over_nng.h, the same calls implemented directly over NNG
 * (scale_nng). benches/scale.py runs both and compares.
 *
 *   scale_<impl> fanout URL SUBS MSGS     1 pub -> SUBS subs; URL inproc://NAME or tcp://ADDR:0
 *   scale_<impl> ctx N                    N rep contexts with a pending receive, N req contexts,
 *                                         one concurrent round, close all 2N
 *   scale_<impl> sockets N                open N req0 sockets, close them
 *   scale_<impl> conns N storm|seq ADDR   N req sockets each dialing one rep listener at
 *                                         tcp://ADDR:0 served by a forked process
 *   scale_<impl> cycles K N ADDR          K cycles of: open N sockets, dial each, one round, close
 *
 * Each prints one JSON line of figures (times in ms, rates per second, memory in KiB or bytes),
 * or {"error": "..."} and exit status 1. Nothing here asserts a timing; lost messages,
 * connections that never come up and descriptors not given back are errors or reported counts. */
#define _GNU_SOURCE
#ifdef SCALE_OVER_NNG
#include "pnng_over_nng.h"
#ifndef IMPL_NAME
#define IMPL_NAME "nng"
#endif
#else
#include <pnng.h>
#define IMPL_NAME "pnng"
#endif

#include <dirent.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- utilities ---------------------------------------------------------------------------- */

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec * 1e-6;
}

static void fail(const char *fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    for (char *p = buf; *p; p++) {
        if (*p == '"' || *p == '\\') {
            *p = '\'';
        }
    }
    printf("{\"impl\": \"%s\", \"error\": \"%s\"}\n", IMPL_NAME, buf);
    fflush(stdout);
    exit(1);
}

static void check(const char *what, int rv) {
    if (rv != 0) {
        fail("%s: %s (%d)", what, pnng_strerror(rv), rv);
    }
}

static void *xcalloc(size_t n, size_t size) {
    void *p = calloc(n, size);
    if (p == NULL) {
        fail("out of memory");
    }
    return p;
}

/* Resident set size in KiB, after giving free heap pages back (so "memory back" means it). */
static long rss_kb(void) {
    long pages = 0, resident = 0;
    FILE *f;
    malloc_trim(0);
    f = fopen("/proc/self/statm", "r");
    if (f == NULL || fscanf(f, "%ld %ld", &pages, &resident) != 2) {
        fail("cannot read /proc/self/statm");
    }
    fclose(f);
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static int open_fds(void) {
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    if (d == NULL) {
        fail("cannot list /proc/self/fd");
    }
    while ((e = readdir(d)) != NULL) {
        n += e->d_name[0] != '.';
    }
    closedir(d);
    return n - 1; /* the directory's own descriptor */
}

/* Open descriptors once NNG's reaper has closed what a close handed it (a closed socket's
 * connections are freed asynchronously): waits up to 5 s for the count to reach `want`. */
static int open_fds_settled(int want) {
    int n = open_fds();
    for (int i = 0; i < 500 && n > want; i++) {
        usleep(10000);
        n = open_fds();
    }
    return n;
}

/* Raises the soft descriptor limit to the hard one; fails if `need` do not fit. */
static void need_fds(long need) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
        fail("getrlimit: %s", strerror(errno));
    }
    if (rl.rlim_cur != RLIM_INFINITY && (rl.rlim_max == RLIM_INFINITY || rl.rlim_cur < rl.rlim_max)) {
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
            fail("setrlimit: %s", strerror(errno));
        }
    }
    if (rl.rlim_cur != RLIM_INFINITY && (long) rl.rlim_cur < need) {
        fail("needs %ld file descriptors per process, the hard limit (ulimit -Hn) is %ld", need,
             (long) rl.rlim_cur);
    }
}

/* A counter that callbacks on NNG's threads move and one thread waits on for a target value. */
typedef struct {
    atomic_long value;
    atomic_long target;
    pthread_mutex_t mu;
    pthread_cond_t cv;
} counter;

static void counter_init(counter *c) {
    pthread_condattr_t attr;
    atomic_init(&c->value, 0);
    atomic_init(&c->target, -1);
    pthread_mutex_init(&c->mu, NULL);
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&c->cv, &attr);
    pthread_condattr_destroy(&attr);
}

static void counter_add(counter *c, long delta) {
    long v = atomic_fetch_add(&c->value, delta) + delta;
    if (v == atomic_load(&c->target)) {
        pthread_mutex_lock(&c->mu);
        pthread_cond_broadcast(&c->cv);
        pthread_mutex_unlock(&c->mu);
    }
}

/* Waits until the counter equals `target`; false after `timeout_ms`. */
static bool counter_wait(counter *c, long target, double timeout_ms) {
    struct timespec dl;
    bool ok = true;
    clock_gettime(CLOCK_MONOTONIC, &dl);
    dl.tv_sec += (time_t) (timeout_ms / 1000);
    dl.tv_nsec += (long) ((long) timeout_ms % 1000) * 1000000L;
    if (dl.tv_nsec >= 1000000000L) {
        dl.tv_sec++;
        dl.tv_nsec -= 1000000000L;
    }
    atomic_store(&c->target, target);
    pthread_mutex_lock(&c->mu);
    while (atomic_load(&c->value) != target) {
        if (pthread_cond_timedwait(&c->cv, &c->mu, &dl) == ETIMEDOUT) {
            ok = atomic_load(&c->value) == target;
            break;
        }
    }
    pthread_mutex_unlock(&c->mu);
    return ok;
}

/* Pipe events counted into the counter given as userdata (+1 added, -1 removed). */
static void on_pipe_add(pnng_pipe p, int ev, void *arg) {
    (void) p;
    (void) ev;
    counter_add(arg, 1);
}

static void on_pipe_rem(pnng_pipe p, int ev, void *arg) {
    (void) p;
    (void) ev;
    counter_add(arg, -1);
}

static void count_pipes(pnng_socket s, counter *c) {
    check("pipe notify", pnng_socket_pipe_notify(s, PNNG_PIPE_EV_ADD_POST, on_pipe_add, c));
    check("pipe notify", pnng_socket_pipe_notify(s, PNNG_PIPE_EV_REM_POST, on_pipe_rem, c));
}

/* The URL a dialer uses for a listener on `url` (a tcp://ADDR:0 listener's bound port). */
static void dial_url(char *out, size_t cap, const char *url, pnng_listener l) {
    const char *colon = strrchr(url, ':');
    int port = 0;
    if (strncmp(url, "tcp://", 6) != 0 || colon == NULL) {
        snprintf(out, cap, "%s", url);
        return;
    }
    check("bound port", pnng_listener_get_int(l, PNNG_OPT_TCP_BOUND_PORT, &port));
    snprintf(out, cap, "%.*s:%d", (int) (colon - url), url, port);
}

static long arg_long(const char *s, const char *what) {
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v <= 0) {
        fail("bad %s: %s", what, s);
    }
    return v;
}

/* ---- fan-out: 1 pub -> SUBS subs, every message to every sub, nothing lost ----------------- */

#define FANOUT_BATCH 16 /* messages in flight per subscriber; below every queue on the way */
#define FANOUT_QUEUE 64 /* pub's per-pipe send queue and each sub's receive queue */

typedef struct {
    pnng_socket s;
    pnng_aio *aio;
} sub_slot;

static counter delivered;
static atomic_long sub_errors;

static void sub_cb(void *arg) {
    sub_slot *sl = arg;
    pnng_msg *m;
    int rv = pnng_aio_result(sl->aio);
    if (rv != 0) {
        if (rv != PNNG_ECLOSED) {
            atomic_fetch_add(&sub_errors, 1);
        }
        return;
    }
    if (pnng_aio_take_msg(sl->aio, &m) == 0) {
        pnng_msg_free(m);
    }
    counter_add(&delivered, 1);
    if (pnng_socket_recv_aio(sl->s, sl->aio) != 0) {
        atomic_fetch_add(&sub_errors, 1);
    }
}

static void run_fanout(const char *url, long nsubs, long nmsgs) {
    pnng_socket pub;
    pnng_listener l;
    sub_slot *subs = xcalloc((size_t) nsubs, sizeof(*subs));
    counter pub_pipes, sub_pipes;
    char durl[256];
    unsigned char body[64];
    double t0, t1, t2;
    long sent = 0;

    need_fds(nsubs * 2 + 64);
    memset(body, 'x', sizeof(body));
    counter_init(&delivered);
    counter_init(&pub_pipes);
    counter_init(&sub_pipes);
    t0 = now_ms();
    check("pub open", pnng_pub0_open(&pub));
    check("pub sendbuf", pnng_socket_set_int(pub, PNNG_OPT_SENDBUF, FANOUT_QUEUE));
    count_pipes(pub, &pub_pipes);
    check("listen", pnng_socket_listen(pub, url, 0, &l));
    dial_url(durl, sizeof(durl), url, l);
    for (long i = 0; i < nsubs; i++) {
        sub_slot *sl = &subs[i];
        check("sub open", pnng_sub0_open(&sl->s));
        check("sub recvbuf", pnng_socket_set_int(sl->s, PNNG_OPT_RECVBUF, FANOUT_QUEUE));
        check("subscribe", pnng_sub0_subscribe(sl->s, "", 0));
        count_pipes(sl->s, &sub_pipes);
        check("aio", pnng_aio_new(sub_cb, sl, &sl->aio));
        check("dial", pnng_socket_dial(sl->s, durl, 0, NULL));
        check("recv", pnng_socket_recv_aio(sl->s, sl->aio));
    }
    if (!counter_wait(&pub_pipes, nsubs, 60000) || !counter_wait(&sub_pipes, nsubs, 60000)) {
        fail("only %ld of %ld subscribers connected", atomic_load(&pub_pipes.value), nsubs);
    }
    t1 = now_ms();
    while (sent < nmsgs) {
        long batch = nmsgs - sent < FANOUT_BATCH ? nmsgs - sent : FANOUT_BATCH;
        for (long k = 0; k < batch; k++) {
            check("publish", pnng_socket_send(pub, body, sizeof(body), 0));
        }
        sent += batch;
        if (!counter_wait(&delivered, sent * nsubs, 30000)) {
            fail("lost %ld of %ld deliveries", sent * nsubs - atomic_load(&delivered.value),
                 sent * nsubs);
        }
    }
    t2 = now_ms();
    check("pub close", pnng_socket_close(pub)); /* the listening side first: no TIME_WAIT on dialers */
    for (long i = 0; i < nsubs; i++) {
        check("sub close", pnng_socket_close(subs[i].s));
    }
    for (long i = 0; i < nsubs; i++) {
        pnng_aio_free(subs[i].aio);
    }
    if (atomic_load(&sub_errors) != 0) {
        fail("%ld receive errors", atomic_load(&sub_errors));
    }
    printf("{\"impl\": \"%s\", \"part\": \"fanout\", \"subs\": %ld, \"msgs\": %ld, "
           "\"setup_ms\": %.3f, \"delivered\": %ld, \"lost\": %ld, \"rate\": %.1f}\n",
           IMPL_NAME, nsubs, nmsgs, t1 - t0, atomic_load(&delivered.value),
           nsubs * nmsgs - atomic_load(&delivered.value),
           (double) (nsubs * nmsgs) / ((t2 - t1) / 1e3));
    free(subs);
}

/* ---- contexts: N rep contexts with a pending receive, one concurrent round, close 2N ------- */

typedef struct {
    pnng_ctx ctx;
    pnng_aio *aio;
    int state; /* 0: receiving (rep) / sending (req); 1: the other half */
} ctx_slot;

static counter ctx_done;
static atomic_long ctx_errors;

static void rep_ctx_cb(void *arg) {
    ctx_slot *sl = arg;
    pnng_msg *m;
    if (pnng_aio_result(sl->aio) != 0) {
        if (pnng_aio_take_msg(sl->aio, &m) == 0) {
            pnng_msg_free(m);
        }
        if (pnng_aio_result(sl->aio) != PNNG_ECLOSED) {
            atomic_fetch_add(&ctx_errors, 1);
        }
        return;
    }
    if (sl->state == 0) { /* request in: echo it */
        sl->state = 1;
        if (pnng_aio_take_msg(sl->aio, &m) != 0 || pnng_aio_set_msg(sl->aio, m) != 0 ||
            pnng_ctx_send_aio(sl->ctx, sl->aio) != 0) {
            atomic_fetch_add(&ctx_errors, 1);
        }
    }
}

static void req_ctx_cb(void *arg) {
    ctx_slot *sl = arg;
    pnng_msg *m;
    if (pnng_aio_result(sl->aio) != 0) {
        if (pnng_aio_take_msg(sl->aio, &m) == 0) {
            pnng_msg_free(m);
        }
        atomic_fetch_add(&ctx_errors, 1);
        counter_add(&ctx_done, 1);
        return;
    }
    if (sl->state == 0) { /* request sent: wait for the reply */
        sl->state = 1;
        if (pnng_ctx_recv_aio(sl->ctx, sl->aio) != 0) {
            atomic_fetch_add(&ctx_errors, 1);
            counter_add(&ctx_done, 1);
        }
        return;
    }
    if (pnng_aio_take_msg(sl->aio, &m) == 0) {
        pnng_msg_free(m);
    }
    counter_add(&ctx_done, 1);
}

static void run_ctx(long n) {
    pnng_socket rep, req;
    ctx_slot *reps = xcalloc((size_t) n, sizeof(*reps));
    ctx_slot *reqs = xcalloc((size_t) n, sizeof(*reqs));
    char url[64];
    double t0, t1, t2, t3, t4;
    long errors;

    snprintf(url, sizeof(url), "inproc://scale-ctx-%d", (int) getpid());
    counter_init(&ctx_done);
    check("rep open", pnng_rep0_open(&rep));
    check("req open", pnng_req0_open(&req));
    check("listen", pnng_socket_listen(rep, url, 0, NULL));
    check("dial", pnng_socket_dial(req, url, 0, NULL));
    t0 = now_ms();
    for (long i = 0; i < n; i++) {
        check("rep context", pnng_socket_new_context(rep, &reps[i].ctx));
        check("aio", pnng_aio_new(rep_ctx_cb, &reps[i], &reps[i].aio));
        check("context recv", pnng_ctx_recv_aio(reps[i].ctx, reps[i].aio));
    }
    t1 = now_ms();
    for (long i = 0; i < n; i++) {
        check("req context", pnng_socket_new_context(req, &reqs[i].ctx));
        check("aio", pnng_aio_new(req_ctx_cb, &reqs[i], &reqs[i].aio));
    }
    t2 = now_ms();
    for (long i = 0; i < n; i++) {
        pnng_msg *m;
        uint64_t tag = (uint64_t) i;
        check("msg", pnng_msg_new(&tag, sizeof(tag), &m));
        check("set msg", pnng_aio_set_msg(reqs[i].aio, m));
        check("context send", pnng_ctx_send_aio(reqs[i].ctx, reqs[i].aio));
    }
    if (!counter_wait(&ctx_done, n, 60000)) {
        fail("only %ld of %ld context round trips completed", atomic_load(&ctx_done.value), n);
    }
    t3 = now_ms();
    for (long i = 0; i < n; i++) {
        check("context close", pnng_ctx_close(reqs[i].ctx));
        check("context close", pnng_ctx_close(reps[i].ctx));
    }
    t4 = now_ms();
    errors = atomic_load(&ctx_errors);
    for (long i = 0; i < n; i++) {
        pnng_aio_free(reqs[i].aio);
        pnng_aio_free(reps[i].aio);
    }
    check("close", pnng_socket_close(req));
    check("close", pnng_socket_close(rep));
    if (errors != 0) {
        fail("%ld context operations failed", errors);
    }
    printf("{\"impl\": \"%s\", \"part\": \"ctx\", \"n\": %ld, \"setup_ms\": %.3f, "
           "\"req_setup_ms\": %.3f, \"round_ms\": %.3f, \"close_ms\": %.3f}\n",
           IMPL_NAME, n, t1 - t0, t2 - t1, t3 - t2, t4 - t3);
    free(reps);
    free(reqs);
}

/* ---- sockets: open N, close N ----------------------------------------------------------- */

static void run_sockets(long n) {
    pnng_socket *s = xcalloc((size_t) n, sizeof(*s));
    pnng_socket warm;
    double t0, t1, t2;
    check("open", pnng_req0_open(&warm)); /* NNG's threads start with the first socket */
    check("close", pnng_socket_close(warm));
    t0 = now_ms();
    for (long i = 0; i < n; i++) {
        check("open", pnng_req0_open(&s[i]));
    }
    t1 = now_ms();
    for (long i = 0; i < n; i++) {
        check("close", pnng_socket_close(s[i]));
    }
    t2 = now_ms();
    printf("{\"impl\": \"%s\", \"part\": \"sockets\", \"n\": %ld, \"open_ms\": %.3f, "
           "\"close_ms\": %.3f}\n",
           IMPL_NAME, n, t1 - t0, t2 - t1);
    free(s);
}

/* ---- connections: a rep listener in a child process, N req sockets here ----------------- */

/* The listener process, driven by one-line commands on a socket pair: "listen" (a rep socket
 * listening on tcp://ADDR:0, echoing through ECHO_CTXS contexts; replies with the URL to dial),
 * "up N" (waits until the socket has N pipes), "close" (closes the socket: every connection
 * ends from this side, so TIME_WAIT stays here instead of on the dialers' ephemeral ports),
 * "mem" (RSS and descriptors), "quit". Every reply starts with "ok". */
#define ECHO_CTXS 64

typedef struct {
    pnng_ctx ctx;
    pnng_aio *aio;
    int state; /* 0: receiving, 1: sending */
} echo_slot;

static void echo_cb(void *arg) {
    echo_slot *sl = arg;
    pnng_msg *m;
    int rv = pnng_aio_result(sl->aio);
    if (rv != 0 && pnng_aio_take_msg(sl->aio, &m) == 0) {
        pnng_msg_free(m); /* a reply that could not be sent */
    }
    if (rv == PNNG_ECLOSED) {
        return;
    }
    if (sl->state == 0 && rv == 0 && pnng_aio_take_msg(sl->aio, &m) == 0) {
        sl->state = 1;
        if (pnng_aio_set_msg(sl->aio, m) == 0 && pnng_ctx_send_aio(sl->ctx, sl->aio) == 0) {
            return;
        }
    }
    sl->state = 0;
    pnng_ctx_recv_aio(sl->ctx, sl->aio);
}

static void ctl_printf(FILE *f, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fflush(f);
}

static void listener_main(int fd, const char *url) {
    FILE *in = fdopen(fd, "r"), *out = fdopen(dup(fd), "w");
    pnng_socket rep = {0}, warm;
    pnng_listener l;
    echo_slot echo[ECHO_CTXS];
    counter pipes;
    char line[128], durl[256];
    bool open = false;
    int base_fds;

    if (in == NULL || out == NULL) {
        fail("fdopen: %s", strerror(errno));
    }
    counter_init(&pipes);
    check("open", pnng_rep0_open(&warm)); /* NNG's threads start with the first socket */
    check("close", pnng_socket_close(warm));
    base_fds = open_fds();
    ctl_printf(out, "ok %ld %d\n", rss_kb(), base_fds);
    while (fgets(line, sizeof(line), in) != NULL) {
        long n;
        if (strncmp(line, "listen", 6) == 0 && !open) {
            atomic_store(&pipes.value, 0);
            check("rep open", pnng_rep0_open(&rep));
            count_pipes(rep, &pipes);
            check("listen", pnng_socket_listen(rep, url, 0, &l));
            dial_url(durl, sizeof(durl), url, l);
            for (int i = 0; i < ECHO_CTXS; i++) {
                echo[i].state = 0;
                check("context", pnng_socket_new_context(rep, &echo[i].ctx));
                check("aio", pnng_aio_new(echo_cb, &echo[i], &echo[i].aio));
                check("context recv", pnng_ctx_recv_aio(echo[i].ctx, echo[i].aio));
            }
            open = true;
            ctl_printf(out, "ok %s\n", durl);
        } else if (sscanf(line, "up %ld", &n) == 1 && open) {
            bool ok = counter_wait(&pipes, n, 120000);
            long rss = rss_kb();
            ctl_printf(out, ok ? "ok %ld %d\n" : "timeout %ld %ld\n", rss,
                       ok ? (long) open_fds() : atomic_load(&pipes.value));
        } else if (strncmp(line, "close", 5) == 0 && open) {
            check("close", pnng_socket_close(rep));
            for (int i = 0; i < ECHO_CTXS; i++) {
                pnng_aio_free(echo[i].aio);
            }
            open = false;
            ctl_printf(out, "ok\n");
        } else if (strncmp(line, "mem", 3) == 0) {
            int fds = open_fds_settled(base_fds);
            long rss = rss_kb();
            ctl_printf(out, "ok %ld %d\n", rss, fds);
        } else {
            break;
        }
    }
    if (open) {
        pnng_socket_close(rep);
    }
    exit(0);
}

typedef struct {
    pid_t pid;
    FILE *in, *out;
    char url[256];
    long base_rss;
    int base_fds;
} listener_proc;

/* Forks the listener process; call before anything in this process opens a socket. */
static void listener_start(listener_proc *lp, const char *addr, long npipes) {
    int sv[2];
    char url[200], line[512];
    need_fds(npipes + 256);
    snprintf(url, sizeof(url), "tcp://%s:0", addr);
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
        fail("socketpair: %s", strerror(errno));
    }
    fflush(stdout);
    lp->pid = fork();
    if (lp->pid < 0) {
        fail("fork: %s", strerror(errno));
    }
    if (lp->pid == 0) {
        close(sv[0]);
        listener_main(sv[1], url);
    }
    close(sv[1]);
    lp->in = fdopen(sv[0], "r");
    lp->out = fdopen(dup(sv[0]), "w");
    if (lp->in == NULL || lp->out == NULL || fgets(line, sizeof(line), lp->in) == NULL ||
        sscanf(line, "ok %ld %d", &lp->base_rss, &lp->base_fds) != 2) {
        fail("the listener process did not start");
    }
}

/* Sends a command and returns the reply line (in a static buffer). */
static const char *listener_cmd(listener_proc *lp, const char *cmd) {
    static char line[512];
    ctl_printf(lp->out, "%s\n", cmd);
    if (fgets(line, sizeof(line), lp->in) == NULL) {
        fail("the listener process died");
    }
    line[strcspn(line, "\n")] = '\0';
    if (strncmp(line, "ok", 2) != 0) {
        fail("listener: %s: %s", cmd, line);
    }
    return line;
}

static void listener_mem(listener_proc *lp, long *rss, int *fds) {
    if (sscanf(listener_cmd(lp, "mem"), "ok %ld %d", rss, fds) != 2) {
        fail("listener: bad reply");
    }
}

static void listener_stop(listener_proc *lp) {
    int status;
    ctl_printf(lp->out, "quit\n");
    fclose(lp->out);
    fclose(lp->in);
    if (waitpid(lp->pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fail("the listener process failed");
    }
}

typedef struct {
    pnng_socket s;
    pnng_dialer d;
    pnng_aio *aio;
    int state; /* 0: sending, 1: receiving */
} conn_slot;

static counter conn_pipes, conn_done;
static atomic_long conn_errors;

static void conn_cb(void *arg) {
    conn_slot *c = arg;
    pnng_msg *m;
    if (pnng_aio_result(c->aio) != 0) {
        if (pnng_aio_take_msg(c->aio, &m) == 0) {
            pnng_msg_free(m);
        }
        atomic_fetch_add(&conn_errors, 1);
        counter_add(&conn_done, 1);
        return;
    }
    if (c->state == 0) {
        c->state = 1;
        if (pnng_socket_recv_aio(c->s, c->aio) != 0) {
            atomic_fetch_add(&conn_errors, 1);
            counter_add(&conn_done, 1);
        }
        return;
    }
    if (pnng_aio_take_msg(c->aio, &m) == 0) {
        pnng_msg_free(m);
    }
    counter_add(&conn_done, 1);
}

typedef struct {
    double open_ms, up_ms, round_ms, drop_ms, close_ms;
    long rss_open, rss_up, lis_rss_up; /* KiB */
} conn_figures;

/* One batch: open n sockets, dial them all (storm: at once; else one after another), wait for
 * every pipe on both sides, one request/reply on each, then the listener closes its pipes (so
 * TIME_WAIT stays on its side, not on this side's ephemeral ports) and the sockets close. */
static void conn_batch(listener_proc *lp, long n, bool storm, conn_figures *f) {
    conn_slot *c = xcalloc((size_t) n, sizeof(*c));
    char cmd[64];
    int lfds;
    double t0;

    atomic_store(&conn_pipes.value, 0);
    atomic_store(&conn_done.value, 0);
    atomic_store(&conn_errors, 0);
    t0 = now_ms();
    for (long i = 0; i < n; i++) {
        check("open", pnng_req0_open(&c[i].s));
        count_pipes(c[i].s, &conn_pipes);
        check("aio", pnng_aio_new(conn_cb, &c[i], &c[i].aio));
    }
    f->open_ms = now_ms() - t0;
    f->rss_open = rss_kb();

    if (sscanf(listener_cmd(lp, "listen"), "ok %255s", lp->url) != 1) {
        fail("listener: no URL");
    }
    t0 = now_ms();
    for (long i = 0; i < n; i++) {
        check("dial", pnng_socket_dial(c[i].s, lp->url, storm ? PNNG_FLAG_NONBLOCK : 0, &c[i].d));
    }
    if (!counter_wait(&conn_pipes, n, 120000)) {
        fail("only %ld of %ld connections came up", atomic_load(&conn_pipes.value), n);
    }
    snprintf(cmd, sizeof(cmd), "up %ld", n);
    if (sscanf(listener_cmd(lp, cmd), "ok %ld %d", &f->lis_rss_up, &lfds) != 2) {
        fail("listener: bad reply");
    }
    f->up_ms = now_ms() - t0;
    f->rss_up = rss_kb();

    t0 = now_ms();
    for (long i = 0; i < n; i++) {
        pnng_msg *m;
        uint64_t tag = (uint64_t) i;
        c[i].state = 0;
        check("msg", pnng_msg_new(&tag, sizeof(tag), &m));
        check("set msg", pnng_aio_set_msg(c[i].aio, m));
        check("send", pnng_socket_send_aio(c[i].s, c[i].aio));
    }
    if (!counter_wait(&conn_done, n, 120000)) {
        fail("only %ld of %ld round trips completed", atomic_load(&conn_done.value), n);
    }
    f->round_ms = now_ms() - t0;
    if (atomic_load(&conn_errors) != 0) {
        fail("%ld round trips failed", atomic_load(&conn_errors));
    }

    for (long i = 0; i < n; i++) { /* no redial while the listener closes */
        check("reconnect time", pnng_dialer_set_ms(c[i].d, PNNG_OPT_RECONNMAXT, 600000));
        check("reconnect time", pnng_dialer_set_ms(c[i].d, PNNG_OPT_RECONNMINT, 600000));
    }
    t0 = now_ms();
    listener_cmd(lp, "close");
    if (!counter_wait(&conn_pipes, 0, 60000)) {
        fail("%ld connections still up after the listener closed its socket",
             atomic_load(&conn_pipes.value));
    }
    f->drop_ms = now_ms() - t0;

    t0 = now_ms();
    for (long i = 0; i < n; i++) {
        check("close", pnng_socket_close(c[i].s));
    }
    f->close_ms = now_ms() - t0;
    for (long i = 0; i < n; i++) {
        pnng_aio_free(c[i].aio);
    }
    free(c);
}

static void run_conns(long n, bool storm, const char *addr) {
    listener_proc lp;
    conn_figures f;
    pnng_socket warm;
    long base_rss, rss_after, lis_rss_after;
    int base_fds, fds_after, lis_fds_after;

    listener_start(&lp, addr, n);
    counter_init(&conn_pipes);
    counter_init(&conn_done);
    check("open", pnng_req0_open(&warm)); /* NNG's threads start with the first socket */
    check("close", pnng_socket_close(warm));
    base_rss = rss_kb();
    base_fds = open_fds();
    conn_batch(&lp, n, storm, &f);
    fds_after = open_fds_settled(base_fds);
    rss_after = rss_kb();
    listener_mem(&lp, &lis_rss_after, &lis_fds_after);
    listener_stop(&lp);
    printf("{\"impl\": \"%s\", \"part\": \"conns\", \"n\": %ld, \"mode\": \"%s\", "
           "\"open_ms\": %.3f, \"up_ms\": %.3f, \"round_ms\": %.3f, \"drop_ms\": %.3f, "
           "\"close_ms\": %.3f, \"rss_per_socket_b\": %.0f, \"rss_per_conn_b\": %.0f, "
           "\"listener_rss_per_conn_b\": %.0f, \"fds_left\": %d, \"listener_fds_left\": %d, "
           "\"rss_left_kb\": %ld, \"listener_rss_left_kb\": %ld}\n",
           IMPL_NAME, n, storm ? "storm" : "seq", f.open_ms, f.up_ms, f.round_ms, f.drop_ms,
           f.close_ms, (double) (f.rss_open - base_rss) * 1024.0 / (double) n,
           (double) (f.rss_up - f.rss_open) * 1024.0 / (double) n,
           (double) (f.lis_rss_up - lp.base_rss) * 1024.0 / (double) n, fds_after - base_fds,
           lis_fds_after - lp.base_fds, rss_after - base_rss, lis_rss_after - lp.base_rss);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

/* K batches of N connections (dialed one after another); memory and descriptors after each. */
static void run_cycles(long k, long n, const char *addr) {
    listener_proc lp;
    conn_figures f;
    pnng_socket warm;
    double *ms = xcalloc((size_t) k, sizeof(*ms));
    long *rss = xcalloc((size_t) k, sizeof(*rss)), *lrss = xcalloc((size_t) k, sizeof(*lrss));
    int *fds = xcalloc((size_t) k, sizeof(*fds)), *lfds = xcalloc((size_t) k, sizeof(*lfds));
    long base_rss;
    int base_fds;
    long second = k > 1 ? 1 : 0; /* growth is counted from the second cycle: the first warms up */

    listener_start(&lp, addr, n);
    counter_init(&conn_pipes);
    counter_init(&conn_done);
    check("open", pnng_req0_open(&warm));
    check("close", pnng_socket_close(warm));
    base_rss = rss_kb();
    base_fds = open_fds();
    for (long i = 0; i < k; i++) {
        conn_batch(&lp, n, false, &f);
        ms[i] = f.open_ms + f.up_ms + f.round_ms + f.drop_ms + f.close_ms;
        fds[i] = open_fds_settled(base_fds);
        rss[i] = rss_kb();
        listener_mem(&lp, &lrss[i], &lfds[i]);
    }
    listener_stop(&lp);
    printf("{\"impl\": \"%s\", \"part\": \"cycles\", \"k\": %ld, \"n\": %ld, "
           "\"first_cycle_ms\": %.3f, \"last_cycle_ms\": %.3f, \"rss_growth_kb\": %ld, "
           "\"listener_rss_growth_kb\": %ld, \"fds_growth\": %d, \"listener_fds_growth\": %d, "
           "\"fds_left\": %d, \"listener_fds_left\": %d, \"rss_first_kb\": %ld, "
           "\"rss_last_kb\": %ld, \"rss_base_kb\": %ld",
           IMPL_NAME, k, n, ms[0], ms[k - 1], rss[k - 1] - rss[second], lrss[k - 1] - lrss[second],
           fds[k - 1] - fds[0], lfds[k - 1] - lfds[0], fds[k - 1] - base_fds,
           lfds[k - 1] - lp.base_fds, rss[second], rss[k - 1], base_rss);
    qsort(ms, (size_t) k, sizeof(*ms), cmp_double);
    printf(", \"cycle_ms\": %.3f}\n", ms[k / 2]);
    free(ms);
    free(rss);
    free(lrss);
    free(fds);
    free(lfds);
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 5 && strcmp(argv[1], "fanout") == 0) {
        run_fanout(argv[2], arg_long(argv[3], "SUBS"), arg_long(argv[4], "MSGS"));
    } else if (argc == 3 && strcmp(argv[1], "ctx") == 0) {
        run_ctx(arg_long(argv[2], "N"));
    } else if (argc == 3 && strcmp(argv[1], "sockets") == 0) {
        run_sockets(arg_long(argv[2], "N"));
    } else if (argc == 5 && strcmp(argv[1], "conns") == 0 &&
               (strcmp(argv[3], "storm") == 0 || strcmp(argv[3], "seq") == 0)) {
        run_conns(arg_long(argv[2], "N"), strcmp(argv[3], "storm") == 0, argv[4]);
    } else if (argc == 5 && strcmp(argv[1], "cycles") == 0) {
        run_cycles(arg_long(argv[2], "K"), arg_long(argv[3], "N"), argv[4]);
    } else {
        fprintf(stderr,
                "usage: %s fanout URL SUBS MSGS | ctx N | sockets N | conns N storm|seq ADDR |"
                " cycles K N ADDR\n",
                argv[0]);
        return 2;
    }
    return 0;
}
