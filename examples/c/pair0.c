/*
 * Pair0: the most basic socket, one peer each side (pynng's Pair0 examples). First the
 * synchronous exchange, then the same exchange with aio operations (pynng's asend/arecv).
 *
 * usage: pair0 [tcp|ipc|inproc]
 */
#include "common.h"

/* Sends `text` with an aio and waits for the send to finish. */
static void
async_send(pnng_socket s, pnng_aio *aio, const char *who, const char *text)
{
	pnng_msg *m;
	CHECK(pnng_msg_new(text, strlen(text), &m));
	CHECK(pnng_aio_set_msg(aio, m)); /* the aio owns m now */
	printf("%s -> \"%s\" (aio)\n", who, text);
	CHECK(pnng_socket_send_aio(s, aio));
	pnng_aio_wait(aio);
	CHECK(pnng_aio_result(aio));
}

/* Receives with an aio, waits, and fails unless the message is exactly `want`. */
static void
async_expect(pnng_socket s, pnng_aio *aio, const char *who, const char *want)
{
	pnng_msg *m;
	CHECK(pnng_aio_set_timeout(aio, EX_TIMEOUT_MS));
	CHECK(pnng_socket_recv_aio(s, aio));
	pnng_aio_wait(aio);
	CHECK(pnng_aio_result(aio));
	CHECK(pnng_aio_take_msg(aio, &m));
	ex_expect_msg(m, who, want);
}

int
main(int argc, char **argv)
{
	const char *transport = ex_transport(argc, argv);
	char        url[256];
	pnng_socket s0, s1;
	pnng_aio   *aio;

	CHECK(pnng_pair0_open(&s0));
	CHECK(pnng_pair0_open(&s1));
	ex_timeouts(s0, EX_TIMEOUT_MS);
	ex_timeouts(s1, EX_TIMEOUT_MS);
	ex_listen(s0, transport, "pair0", url, sizeof url);
	CHECK(pnng_socket_dial(s1, url, 0, NULL));

	/* Synchronous. */
	ex_send(s0, "s0", "hello s1");
	ex_expect(s1, "s1", "hello s1");
	ex_send(s1, "s1", "hi old buddy s0, great to see ya");
	ex_expect(s0, "s0", "hi old buddy s0, great to see ya");

	/* Asynchronous: one aio, reused for each operation. */
	CHECK(pnng_aio_new(NULL, NULL, &aio));
	async_send(s0, aio, "s0", "hello s1");
	async_expect(s1, aio, "s1", "hello s1");
	async_send(s1, aio, "s1", "hi old buddy s0, great to see ya");
	async_expect(s0, aio, "s0", "hi old buddy s0, great to see ya");
	pnng_aio_free(aio);

	ex_close(s1);
	ex_close(s0);
	return ex_done("pair0");
}
