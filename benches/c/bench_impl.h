/* The adapter every C benchmark implementation provides (one small file per library).
 * bench_driver.c holds the only copy of the timing logic and calls these functions. */
#ifndef BENCH_IMPL_H
#define BENCH_IMPL_H

#include <stddef.h>

typedef enum { ROLE_REQ, ROLE_REP, ROLE_PAIR, ROLE_PUSH, ROLE_PULL } bench_role;

typedef struct bench_sock bench_sock; /* one socket (or one connection for the stream floor) */
typedef struct bench_msg bench_msg;   /* one received message */

/* Short name printed in the JSON result ("nng", "pnng", "stream"). */
extern const char *const bench_impl_name;

/* All int-returning functions return 0 on success, else an implementation error code. */
int bench_open(bench_role role, bench_sock **out);
int bench_listen(bench_sock *s, const char *url);
int bench_dial(bench_sock *s, const char *url);   /* blocks until connected */
int bench_send_copy(bench_sock *s, const void *buf, size_t len);
int bench_recv(bench_sock *s, bench_msg **out);
size_t bench_msg_len(const bench_msg *m);
int bench_send_msg(bench_sock *s, bench_msg *m);   /* consumes m on success (zero-copy echo) */
void bench_msg_free(bench_msg *m);
void bench_shutdown(bench_sock *s); /* wakes blocked calls on s from another thread; s stays allocated */
void bench_free(bench_sock *s);     /* after every thread using s has stopped */
const char *bench_strerror(int err);

#endif
