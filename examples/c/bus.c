/*
 * Bus: a message goes to every directly connected peer, and only to those (pynng's Bus0
 * example: s1 and s2 both dial s0, so s2 never hears s1).
 *
 * usage: bus [tcp|ipc|inproc]
 */
#include "common.h"

int
main(int argc, char **argv)
{
	const char *transport = ex_transport(argc, argv);
	char        url[256];
	pnng_socket s0, s1, s2;

	CHECK(pnng_bus0_open(&s0));
	CHECK(pnng_bus0_open(&s1));
	CHECK(pnng_bus0_open(&s2));
	ex_timeouts(s0, EX_TIMEOUT_MS);
	ex_timeouts(s1, EX_TIMEOUT_MS);
	ex_timeouts(s2, 100); /* s2 must time out at the end */
	ex_listen(s0, transport, "bus", url, sizeof url);
	CHECK(pnng_socket_dial(s1, url, 0, NULL));
	CHECK(pnng_socket_dial(s2, url, 0, NULL));
	ex_wait_pipes(s0, 2, "s0");

	ex_send(s0, "s0", "hello buddies");
	CHECK(pnng_socket_set_ms(s2, PNNG_OPT_RECVTIMEO, EX_TIMEOUT_MS));
	ex_expect(s1, "s1", "hello buddies");
	ex_expect(s2, "s2", "hello buddies");
	CHECK(pnng_socket_set_ms(s2, PNNG_OPT_RECVTIMEO, 100));
	ex_send(s1, "s1", "hi s0");
	ex_expect(s0, "s0", "hi s0");
	ex_expect_nothing(s2, "s2"); /* not directly connected to s1 */

	ex_close(s2);
	ex_close(s1);
	ex_close(s0);
	return ex_done("bus");
}
