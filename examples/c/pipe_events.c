/*
 * Pipe events and statistics: a listener watches connections come and go (pynng's pre/post
 * connect and post remove callbacks), rejects every dialer beyond the second from the
 * pre-connect callback by closing the pipe, and reads its socket statistics at the end.
 *
 * A rejected dialer cannot tell at once: its own side of the connection is up until the
 * listener's close reaches it, and a message it sends meanwhile is lost (NNG delivers at most
 * once). So only the accepted dialers talk here, and they are known by the order they were
 * dialed in, not by looking at their pipes.
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

static int
rejected_count(void)
{
	int n;
	pthread_mutex_lock(&lock);
	n = rejected;
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

/* Waits until every rejected connection has been removed (each rejection ends in REM_POST). */
static void
wait_removed_rejects(void)
{
	long waited;
	int  done;
	for (waited = 0;; waited += 5) {
		pthread_mutex_lock(&lock);
		done = rejected >= DIALERS - ACCEPTED && counts[PNNG_PIPE_EV_REM_POST] == rejected;
		pthread_mutex_unlock(&lock);
		if (done) {
			return;
		}
		EXPECT(waited < EX_TIMEOUT_MS);
		ex_sleep_ms(5);
	}
}

/* Waits until statistic `name` of socket `s` reads `want`. */
static void
wait_stat(pnng_socket s, const char *name, uint64_t want)
{
	long waited;
	for (waited = 0;; waited += 5) {
		pnng_stats *st;
		uint64_t    v = 0;
		CHECK(pnng_socket_stats(s, &st));
		CHECK(pnng_stats_find(st, name, &v));
		pnng_stats_free(st);
		if (v == want) {
			return;
		}
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

	/* One dialer at a time, each connection offered before the next dial: the first ACCEPTED
	   dialers are the accepted ones. A background dial retries after a rejection; a rejected
	   dialer here waits long before it retries, and gives up (closes) once rejected. */
	for (i = 0; i < DIALERS; i++) {
		CHECK(pnng_pair1_open(&dialers[i]));
		if (i >= ACCEPTED) {
			CHECK(pnng_socket_set_ms(dialers[i], PNNG_OPT_RECONNMINT, 3600 * 1000));
		}
		CHECK(pnng_socket_dial(dialers[i], url, PNNG_FLAG_NONBLOCK, NULL));
		wait_count(PNNG_PIPE_EV_ADD_PRE, i + 1);
	}
	wait_count(PNNG_PIPE_EV_ADD_POST, ACCEPTED);
	for (i = ACCEPTED; i < DIALERS; i++) {
		ex_close(dialers[i]);
	}
	/* Every rejected connection is removed (REM_POST) and none is listed. */
	wait_removed_rejects();
	ex_wait_pipes(server, ACCEPTED, "server");
	printf("server: %d connections offered, %d accepted, %d rejected in ADD_PRE\n",
	    count_of(PNNG_PIPE_EV_ADD_PRE), count_of(PNNG_PIPE_EV_ADD_POST), rejected_count());
	EXPECT(count_of(PNNG_PIPE_EV_ADD_POST) == ACCEPTED && rejected_count() >= DIALERS - ACCEPTED);

	/* Every accepted dialer can talk to the server. */
	for (i = 0; i < ACCEPTED; i++) {
		ex_send(dialers[i], "dialer", "hello server");
		ex_expect(server, "server", "hello server");
	}

	/* NNG counts a pipe in its statistics until it is reaped, a moment after REM_POST. */
	wait_stat(server, "pipes", ACCEPTED);
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
	for (i = 0; i < ACCEPTED; i++) {
		ex_close(dialers[i]);
	}
	wait_count(PNNG_PIPE_EV_REM_POST, rejected_count() + ACCEPTED);
	printf("server: %d connections removed\n", count_of(PNNG_PIPE_EV_REM_POST));
	ex_close(server);
	return ex_done("pipe_events");
}
