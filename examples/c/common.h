/*
 * Helpers shared by the C examples: error checks, per-run addresses, and send/receive steps
 * that check the exact bytes that arrive. Include it first: it selects POSIX before any system
 * header so the examples build with -std=c99 / -std=c11 -Wpedantic.
 *
 * Every example takes an optional transport, argv[1]: "tcp" (default), "ipc" or "inproc", and
 * uses addresses no other run uses (a tcp listener on port 0, a path or name with the pid).
 */
#ifndef PNNG_EXAMPLE_COMMON_H
#define PNNG_EXAMPLE_COMMON_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <pnng.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* How long a receive that should succeed may wait before the example fails (not a timing test:
   only a bound so that a lost message fails the run instead of hanging it). */
#define EX_TIMEOUT_MS 10000

/* Runs a pnng call; on an error prints where, what and pnng_strerror, and exits 1. */
#define CHECK(expr)                                                                        \
	do {                                                                               \
		int rv_ = (expr);                                                          \
		if (rv_ != 0) {                                                            \
			fprintf(stderr, "%s:%d: %s: %s (%d)\n", __FILE__, __LINE__, #expr,  \
			    pnng_strerror(rv_), rv_);                                      \
			exit(1);                                                           \
		}                                                                          \
	} while (0)

/* Like CHECK, but the call must fail with exactly `want`. */
#define CHECK_ERR(expr, want)                                                              \
	do {                                                                               \
		int rv_ = (expr);                                                          \
		if (rv_ != (want)) {                                                       \
			fprintf(stderr, "%s:%d: %s: expected %s, got %s (%d)\n", __FILE__, \
			    __LINE__, #expr, pnng_strerror(want),                          \
			    rv_ == 0 ? "success" : pnng_strerror(rv_), rv_);               \
			exit(1);                                                           \
		}                                                                          \
	} while (0)

/* A condition that must hold; otherwise prints it and exits 1. */
#define EXPECT(cond)                                                                       \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #cond); \
			exit(1);                                                           \
		}                                                                          \
	} while (0)

/* The transport named by argv[1] ("tcp" when absent); exits 2 on anything else. */
static inline const char *
ex_transport(int argc, char **argv)
{
	const char *t = argc > 1 ? argv[1] : "tcp";
	if (strcmp(t, "tcp") != 0 && strcmp(t, "ipc") != 0 && strcmp(t, "inproc") != 0) {
		fprintf(stderr, "usage: %s [tcp|ipc|inproc]\n", argv[0]);
		exit(2);
	}
	printf("transport: %s\n", t);
	return t;
}

/* Writes into `url` an address to listen on for endpoint `name`, unique to this process. */
static inline void
ex_listen_url(char *url, size_t cap, const char *transport, const char *name)
{
	int n;
	if (strcmp(transport, "tcp") == 0) {
		n = snprintf(url, cap, "tcp://127.0.0.1:0"); /* the system picks a free port */
	} else if (strcmp(transport, "ipc") == 0) {
		n = snprintf(url, cap, "ipc:///tmp/pnng-%ld-%s.ipc", (long) getpid(), name);
	} else {
		n = snprintf(url, cap, "inproc://%s-%ld", name, (long) getpid());
	}
	EXPECT(n > 0 && (size_t) n < cap);
}

/* Starts a listener on `s` for endpoint `name` and writes the address peers dial into
   `dial_url`: the listener's local address, which for tcp holds the port the system chose. */
static inline void
ex_listen(pnng_socket s, const char *transport, const char *name, char *dial_url, size_t cap)
{
	char          url[256];
	pnng_listener l;
	pnng_sockaddr sa;

	ex_listen_url(url, sizeof url, transport, name);
	CHECK(pnng_socket_listen(s, url, 0, &l));
	CHECK(pnng_listener_get_addr(l, PNNG_OPT_LOCADDR, &sa));
	CHECK(pnng_sockaddr_format(&sa, dial_url, cap));
	printf("listening on %s\n", dial_url);
}

/* Sets receive and send timeouts on `s` so that a lost message fails instead of hanging. */
static inline void
ex_timeouts(pnng_socket s, int32_t recv_ms)
{
	CHECK(pnng_socket_set_ms(s, PNNG_OPT_RECVTIMEO, recv_ms));
	CHECK(pnng_socket_set_ms(s, PNNG_OPT_SENDTIMEO, EX_TIMEOUT_MS));
}

/* Sleeps `ms` milliseconds. */
static inline void
ex_sleep_ms(long ms)
{
	struct timespec ts;
	ts.tv_sec  = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0) {
	}
}

/* Waits until `s` has at least `n` live pipes (connections), instead of pynng's sleep. */
static inline void
ex_wait_pipes(pnng_socket s, size_t n, const char *who)
{
	long   waited;
	size_t len = 0;
	for (waited = 0; waited < EX_TIMEOUT_MS; waited += 5) {
		int rv = pnng_socket_pipes(s, NULL, 0, &len);
		if (rv != 0 && rv != PNNG_EMSGSIZE) {
			CHECK(rv);
		}
		if (len >= n) {
			return;
		}
		ex_sleep_ms(5);
	}
	fprintf(stderr, "%s: %lu of %lu connections after %d ms\n", who, (unsigned long) len,
	    (unsigned long) n, EX_TIMEOUT_MS);
	exit(1);
}

/* True when `len` bytes at `data` are exactly the string `want` (without its NUL). */
static inline int
ex_same(const void *data, size_t len, const char *want)
{
	return len == strlen(want) && (len == 0 || memcmp(data, want, len) == 0);
}

/* Fails unless the message body is exactly `want`; prints what arrived and frees the message. */
static inline void
ex_expect_msg(pnng_msg *m, const char *who, const char *want)
{
	size_t len = pnng_msg_len(m);
	printf("%s <- \"%.*s\"\n", who, (int) len, (const char *) pnng_msg_body(m));
	if (!ex_same(pnng_msg_body(m), len, want)) {
		fprintf(stderr, "%s: expected \"%s\"\n", who, want);
		exit(1);
	}
	pnng_msg_free(m);
}

/* Sends the bytes of `text` (without its NUL) on `s`. */
static inline void
ex_send(pnng_socket s, const char *who, const char *text)
{
	printf("%s -> \"%s\"\n", who, text);
	CHECK(pnng_socket_send(s, text, strlen(text), 0));
}

/* Receives one message on `s` into `buf` and returns its length. */
static inline size_t
ex_recv(pnng_socket s, const char *who, char *buf, size_t cap)
{
	size_t len;
	CHECK(pnng_socket_recv(s, buf, cap, 0, &len));
	printf("%s <- \"%.*s\"\n", who, (int) len, buf);
	return len;
}

/* Receives one message on `s` and fails unless it is exactly `want`. */
static inline void
ex_expect(pnng_socket s, const char *who, const char *want)
{
	char   buf[256];
	size_t len = ex_recv(s, who, buf, sizeof buf);
	if (!ex_same(buf, len, want)) {
		fprintf(stderr, "%s: expected \"%s\"\n", who, want);
		exit(1);
	}
}

/* Fails unless a receive on `s` times out (nothing is meant to arrive). */
static inline void
ex_expect_nothing(pnng_socket s, const char *who)
{
	char   buf[256];
	size_t len;
	int    rv = pnng_socket_recv(s, buf, sizeof buf, 0, &len);
	if (rv == 0) {
		fprintf(stderr, "%s: expected nothing, got \"%.*s\"\n", who, (int) len, buf);
		exit(1);
	}
	CHECK_ERR(rv, PNNG_ETIMEDOUT);
	printf("%s: nothing arrived (%s), as expected\n", who, pnng_strerror(rv));
}

/* Returns the index of `got` (len bytes) in `wants` (n strings) if `seen[i]` was not yet set,
   and sets it; fails on an unexpected or repeated message. */
static inline int
ex_match_once(const void *got, size_t len, const char *const *wants, int *seen, int n,
    const char *who)
{
	int i;
	for (i = 0; i < n; i++) {
		if (!seen[i] && ex_same(got, len, wants[i])) {
			seen[i] = 1;
			return i;
		}
	}
	fprintf(stderr, "%s: unexpected or repeated \"%.*s\"\n", who, (int) len, (const char *) got);
	exit(1);
}

/* Closes `s` (checked). */
static inline void
ex_close(pnng_socket s)
{
	CHECK(pnng_socket_close(s));
}

/* The last step of every example: releases NNG's global state and reports success. */
static inline int
ex_done(const char *name)
{
	pnng_fini();
	printf("%s: all messages arrived as expected\n", name);
	return 0;
}

#endif /* PNNG_EXAMPLE_COMMON_H */
