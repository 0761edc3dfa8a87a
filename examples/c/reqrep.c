/*
 * Req/rep: the req socket sends a request, the rep socket answers it (pynng's Req0 example);
 * then the same exchange over two req contexts with requests outstanding at once.
 *
 * usage: reqrep [tcp|ipc|inproc]
 */
#include "common.h"

/* Receives one message on context `c` and fails unless it is exactly `want`. */
static void
ctx_expect(pnng_ctx c, const char *who, const char *want)
{
	pnng_msg *m;
	CHECK(pnng_ctx_recv_msg(c, 0, &m));
	ex_expect_msg(m, who, want);
}

int
main(int argc, char **argv)
{
	const char *transport = ex_transport(argc, argv);
	char        url[256];
	pnng_socket rep, req;
	pnng_ctx    c1, c2;
	pnng_msg   *m;
	size_t      len;
	char        buf[16];

	CHECK(pnng_rep0_open(&rep));
	CHECK(pnng_req0_open(&req));
	ex_timeouts(rep, EX_TIMEOUT_MS);
	ex_timeouts(req, EX_TIMEOUT_MS);
	ex_listen(rep, transport, "reqrep", url, sizeof url);
	CHECK(pnng_socket_dial(req, url, 0, NULL));

	/* A receive before any request is a state error, as pynng documents (BadState). */
	CHECK_ERR(pnng_socket_recv(req, buf, sizeof buf, PNNG_FLAG_NONBLOCK, &len), PNNG_ESTATE);

	ex_send(req, "req", "random.random()");
	ex_expect(rep, "rep", "random.random()");
	ex_send(rep, "rep", "4"); /* guaranteed to be random */
	ex_expect(req, "req", "4");

	/* Two requests in flight on one req socket, one per context. */
	CHECK(pnng_socket_new_context(req, &c1));
	CHECK(pnng_socket_new_context(req, &c2));
	CHECK(pnng_ctx_set_ms(c1, PNNG_OPT_RECVTIMEO, EX_TIMEOUT_MS));
	CHECK(pnng_ctx_set_ms(c2, PNNG_OPT_RECVTIMEO, EX_TIMEOUT_MS));
	printf("c1 -> \"one\"\n");
	CHECK(pnng_ctx_send(c1, "one", 3, 0));
	printf("c2 -> \"two\"\n");
	CHECK(pnng_ctx_send(c2, "two", 3, 0));
	/* The rep socket answers each request with its bytes doubled, in arrival order. */
	for (int i = 0; i < 2; i++) {
		CHECK(pnng_socket_recv_msg(rep, 0, &m));
		printf("rep <- \"%.*s\"\n", (int) pnng_msg_len(m), (const char *) pnng_msg_body(m));
		CHECK(pnng_msg_append(m, pnng_msg_body(m), 3));
		CHECK(pnng_socket_send_msg(rep, m, 0)); /* consumed on success */
	}
	ctx_expect(c2, "c2", "twotwo");
	ctx_expect(c1, "c1", "oneone");
	CHECK(pnng_ctx_close(c1));
	CHECK(pnng_ctx_close(c2));

	ex_close(req);
	ex_close(rep);
	return ex_done("reqrep");
}
