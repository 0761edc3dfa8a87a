/*
 * Pipe events and statistics: a listener watches connections come and go (pynng's pre/post
 * connect and post remove callbacks), rejects every dialer beyond the second from the
 * pre-connect callback by closing the pipe, and reads its socket statistics at the end.
 *
 * usage: pipe_events [tcp|ipc|inproc]
 */
#include "common.h"

#include <pthread.h>

#define DIALERS 3
#define ACCEPTED 2

/* Counts per event, written on NNG threads, read by main: guarded by `lock`. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int             counts[3];
static int             rejected;

static int
count_of(int event)
{
	int n;
	pthread_mutex_lock(&lock);
	n = counts[event];
	pthread_mutex_unlock(&lock);
	return n;
}

/* PNNG_PIPE_EV_ADD_PRE: runs before the pipe is usable; closing it rejects the connection. */
static void
on_add_pre(pnng_pipe p, int event, void *userdata)
{
	int accept;
	(void) userdata;
	pthread_mutex_lock(&lock);
	accept = counts[event] - rejected < ACCEPTED;
	counts[event]++;
	if (!accept) {
		rejected++;
	}
	pthread_mutex_unlock(&lock);
	if (!accept) {
		pnng_pipe_close(p); /* one of the calls allowed inside a callback */
	}
}

/* PNNG_PIPE_EV_ADD_POST and PNNG_PIPE_EV_REM_POST: just count. */
static void
on_event(pnng_pipe p, int event, void *userdata)
{
	(void) p;
	(void) userdata;
	pthread_mutex_lock(&lock);
	counts[event]++;
	pthread_mutex_unlock(&lock);
}

/* Waits until `event` was seen at least `n` times. */
static void
wait_count(int event, int n)
{
	long waited;
	for (waited = 0; count_of(event) < n; waited += 5) {
		EXPECT(waited < EX_TIMEOUT_MS);
		ex_sleep_ms(5);
	}
}

int
main(int argc, char **argv)
{
	const char  *transport = ex_transport(argc, argv);
	char         url[256];
	pnng_socket  server, dialers[DIALERS];
	pnng_stats  *st;
	uint64_t     pipes, rx_msgs;
	int          i;

	/* pair1 polyamorous: one listener, several peers; and NNG counts messages in its
	   statistics only for pair1. */
	CHECK(pnng_pair1_open_poly(&server));
	ex_timeouts(server, EX_TIMEOUT_MS);
	CHECK(pnng_socket_pipe_notify(server, PNNG_PIPE_EV_ADD_PRE, on_add_pre, NULL));
	CHECK(pnng_socket_pipe_notify(server, PNNG_PIPE_EV_ADD_POST, on_event, NULL));
	CHECK(pnng_socket_pipe_notify(server, PNNG_PIPE_EV_REM_POST, on_event, NULL));
	CHECK_ERR(pnng_socket_pipe_notify(server, 7, on_event, NULL), PNNG_EINVAL);
	ex_listen(server, transport, "events", url, sizeof url);

	for (i = 0; i < DIALERS; i++) {
		CHECK(pnng_pair1_open(&dialers[i]));
		/* background dial: a rejected dialer keeps retrying, which is fine here */
		CHECK(pnng_socket_dial(dialers[i], url, PNNG_FLAG_NONBLOCK, NULL));
		wait_count(PNNG_PIPE_EV_ADD_PRE, i + 1);
	}
	wait_count(PNNG_PIPE_EV_ADD_POST, ACCEPTED);
	wait_count(PNNG_PIPE_EV_REM_POST, 1); /* the rejected one */
	ex_wait_pipes(server, ACCEPTED, "server");
	printf("server: %d connections offered, %d accepted, %d rejected in ADD_PRE\n",
	    count_of(PNNG_PIPE_EV_ADD_PRE), count_of(PNNG_PIPE_EV_ADD_POST), rejected);

	/* Every accepted dialer can talk to the server. */
	for (i = 0; i < DIALERS; i++) {
		size_t n = 0;
		int    rv = pnng_socket_pipes(dialers[i], NULL, 0, &n);
		EXPECT(rv == 0 || rv == PNNG_EMSGSIZE);
		if (n > 0) {
			ex_send(dialers[i], "dialer", "hello server");
			ex_expect(server, "server", "hello server");
		}
	}

	CHECK(pnng_socket_stats(server, &st));
	CHECK(pnng_stats_find(st, "pipes", &pipes));
	CHECK(pnng_stats_find(st, "rx_msgs", &rx_msgs));
	CHECK_ERR(pnng_stats_find(st, "no such statistic", &pipes), PNNG_ENOENT);
	printf("server statistics: %lu values, pipes %lu, rx_msgs %lu\n",
	    (unsigned long) pnng_stats_count(st), (unsigned long) pipes, (unsigned long) rx_msgs);
	EXPECT(pipes == ACCEPTED && rx_msgs == ACCEPTED);
	pnng_stats_free(st);

	/* Removing the callbacks before closing: nothing runs after this returns. */
	CHECK(pnng_socket_pipe_notify(server, PNNG_PIPE_EV_ADD_PRE, NULL, NULL));
	for (i = 0; i < DIALERS; i++) {
		ex_close(dialers[i]);
	}
	wait_count(PNNG_PIPE_EV_REM_POST, 1 + ACCEPTED);
	printf("server: %d connections removed\n", count_of(PNNG_PIPE_EV_REM_POST));
	ex_close(server);
	return ex_done("pipe_events");
}
