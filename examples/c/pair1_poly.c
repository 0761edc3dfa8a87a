/*
 * Pair1 polyamorous: one listener, several dialers; the listener answers each dialer through
 * the pipe its message came on (pynng's Pair1(polyamorous=True) example).
 *
 * usage: pair1_poly [tcp|ipc|inproc]
 */
#include "common.h"

/* Receives one message on `s0`, checks it is one of `wants` not yet seen, and answers on
   the pipe it came from with the matching entry of `replies`. */
static void
answer_on_pipe(pnng_socket s0, const char *const *wants, const char *const *replies, int *seen)
{
	pnng_msg *m;
	pnng_pipe p;
	int       i;

	CHECK(pnng_socket_recv_msg(s0, 0, &m));
	i = ex_match_once(pnng_msg_body(m), pnng_msg_len(m), wants, seen, 2, "s0");
	CHECK(pnng_msg_pipe(m, &p));
	printf("s0 <- \"%s\" (pipe %u)\n", wants[i], (unsigned) pnng_pipe_id(p));
	pnng_msg_free(m);
	printf("s0 -> \"%s\" (to pipe %u)\n", replies[i], (unsigned) pnng_pipe_id(p));
	CHECK(pnng_pipe_send(p, replies[i], strlen(replies[i]), 0));
}

int
main(int argc, char **argv)
{
	static const char *const wants[]   = {"hello from s1", "hello from s2"};
	static const char *const replies[] = {"hey s1", "hey s2"};
	const char              *transport = ex_transport(argc, argv);
	char                     url[256];
	int                      seen[2] = {0, 0};
	pnng_socket              s0, s1, s2;

	CHECK(pnng_pair1_open_poly(&s0));
	CHECK(pnng_pair1_open_poly(&s1));
	CHECK(pnng_pair1_open_poly(&s2));
	ex_timeouts(s0, EX_TIMEOUT_MS);
	ex_timeouts(s1, EX_TIMEOUT_MS);
	ex_timeouts(s2, EX_TIMEOUT_MS);
	ex_listen(s0, transport, "pair1", url, sizeof url);
	CHECK(pnng_socket_dial(s1, url, 0, NULL));
	CHECK(pnng_socket_dial(s2, url, 0, NULL));
	ex_wait_pipes(s0, 2, "s0");

	ex_send(s1, "s1", wants[0]);
	ex_send(s2, "s2", wants[1]);
	answer_on_pipe(s0, wants, replies, seen);
	answer_on_pipe(s0, wants, replies, seen);
	ex_expect(s2, "s2", "hey s2");
	ex_expect(s1, "s1", "hey s1");

	ex_close(s2);
	ex_close(s1);
	ex_close(s0);
	return ex_done("pair1_poly");
}
