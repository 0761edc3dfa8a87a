/*
 * Pub/sub: subscribers receive the messages whose first bytes match a topic they subscribed
 * to (pynng's Sub0 example). The empty topic matches everything; no subscription, nothing.
 *
 * usage: pubsub [tcp|ipc|inproc]
 */
#include "common.h"

#define N_SUBS 4

int
main(int argc, char **argv)
{
	const char *transport = ex_transport(argc, argv);
	char        url[256];
	pnng_socket pub, sub[N_SUBS];
	int         i;

	CHECK(pnng_pub0_open(&pub));
	ex_listen(pub, transport, "pubsub", url, sizeof url);
	for (i = 0; i < N_SUBS; i++) {
		CHECK(pnng_sub0_open(&sub[i]));
		/* A long wait where a message must come; sub3's receive must time out, so short. */
		ex_timeouts(sub[i], i == 3 ? 100 : EX_TIMEOUT_MS);
		CHECK(pnng_socket_dial(sub[i], url, 0, NULL));
	}
	CHECK(pnng_sub0_subscribe(sub[0], "wolf", 4));
	CHECK(pnng_sub0_subscribe(sub[1], "puppy", 5));
	CHECK(pnng_sub0_subscribe(sub[2], "", 0)); /* the empty topic matches everything */
	/* sub2 must hold both messages before anyone receives. */
	CHECK(pnng_socket_set_int(sub[2], PNNG_OPT_RECVBUF, 2));
	/* sub3 is subscribed to nothing. Publishing drops messages for peers not yet
	   connected, so wait until every subscriber is (instead of pynng's sleep). */
	ex_wait_pipes(pub, N_SUBS, "pub");
	ex_sleep_ms(50); /* subscriptions are local to each sub socket: nothing to wait for */

	ex_send(pub, "pub", "puppy: that is a cute dog");
	ex_send(pub, "pub", "wolf: that is a big dog");
	ex_expect(sub[0], "sub0", "wolf: that is a big dog");
	ex_expect(sub[1], "sub1", "puppy: that is a cute dog");
	ex_expect(sub[2], "sub2", "puppy: that is a cute dog");
	ex_expect(sub[2], "sub2", "wolf: that is a big dog");
	ex_expect_nothing(sub[3], "sub3");

	/* Unsubscribing stops delivery. */
	CHECK(pnng_sub0_unsubscribe(sub[0], "wolf", 4));
	CHECK(pnng_socket_set_ms(sub[0], PNNG_OPT_RECVTIMEO, 100));
	ex_send(pub, "pub", "wolf: still here");
	ex_expect(sub[2], "sub2", "wolf: still here");
	ex_expect_nothing(sub[0], "sub0");

	for (i = 0; i < N_SUBS; i++) {
		ex_close(sub[i]);
	}
	ex_close(pub);
	return ex_done("pubsub");
}
