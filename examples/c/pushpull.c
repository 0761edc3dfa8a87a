/*
 * Push/pull: each message pushed goes to exactly one of the connected pullers, round robin
 * (pynng's Push0 example).
 *
 * usage: pushpull [tcp|ipc|inproc]
 */
#include "common.h"

int
main(int argc, char **argv)
{
	static const char *const sent[] = {"hi some node", "hi some other node"};
	const char              *transport = ex_transport(argc, argv);
	char                     url[256], buf[256];
	int                      seen[2] = {0, 0};
	pnng_socket              push, pull[2];
	size_t                   len;
	int                      i;

	CHECK(pnng_push0_open(&push));
	ex_timeouts(push, EX_TIMEOUT_MS);
	ex_listen(push, transport, "pushpull", url, sizeof url);
	for (i = 0; i < 2; i++) {
		CHECK(pnng_pull0_open(&pull[i]));
		ex_timeouts(pull[i], EX_TIMEOUT_MS);
		CHECK(pnng_socket_dial(pull[i], url, 0, NULL));
	}
	/* A listed pipe is one push has started: both pullers are in its round robin. */
	ex_wait_pipes(push, 2, "push");

	ex_send(push, "push", sent[0]);
	ex_send(push, "push", sent[1]);
	/* Round robin: each puller gets exactly one of the two, in an order NNG chooses. */
	for (i = 0; i < 2; i++) {
		len = ex_recv(pull[i], i == 0 ? "pull0" : "pull1", buf, sizeof buf);
		ex_match_once(buf, len, sent, seen, 2, "pull");
	}
	for (i = 0; i < 2; i++) {
		CHECK(pnng_socket_set_ms(pull[i], PNNG_OPT_RECVTIMEO, 100));
		ex_expect_nothing(pull[i], i == 0 ? "pull0" : "pull1");
	}

	/* A pull socket cannot send, a push socket cannot receive. */
	CHECK_ERR(pnng_socket_send(pull[0], "x", 1, 0), PNNG_ENOTSUP);
	CHECK_ERR(pnng_socket_recv(push, buf, sizeof buf, 0, &len), PNNG_ENOTSUP);

	ex_close(pull[1]);
	ex_close(pull[0]);
	ex_close(push);
	return ex_done("pushpull");
}
