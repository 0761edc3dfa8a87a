/*
 * An asynchronous rep server: N contexts on one rep socket, all driven by one completion
 * queue and poll() on its file descriptor. This is the shape every event-loop binding uses:
 * one thread, one fd, many operations in flight, no callbacks on NNG threads.
 *
 * A req client thread sends REQUESTS requests over N req contexts; the server answers each
 * with the request's bytes reversed; the client checks every answer.
 *
 * usage: async_rep_cq [tcp|ipc|inproc]
 */
#include "common.h"

#include <poll.h>
#include <pthread.h>

#define N_CONTEXTS 16
#define REQUESTS 200

/* One server slot: a context and the aio that serves it, alternating recv and send. */
struct slot {
	pnng_ctx  ctx;
	pnng_aio *aio;
	int       sending;
};

static char url[256];

static void *
client(void *arg)
{
	pnng_socket req;
	pnng_ctx    ctx[N_CONTEXTS];
	int         i, c, failures = 0;
	(void) arg;

	CHECK(pnng_req0_open(&req));
	CHECK(pnng_socket_set_ms(req, PNNG_OPT_RECVTIMEO, 10000));
	CHECK(pnng_socket_dial(req, url, 0, NULL));
	for (c = 0; c < N_CONTEXTS; c++) {
		CHECK(pnng_socket_new_context(req, &ctx[c]));
	}
	for (i = 0; i < REQUESTS; i += N_CONTEXTS) {
		/* N requests in flight at once, one per context. */
		for (c = 0; c < N_CONTEXTS && i + c < REQUESTS; c++) {
			char q[32];
			int  n = snprintf(q, sizeof q, "request-%04d", i + c);
			CHECK(pnng_ctx_send(ctx[c], q, (size_t) n, 0));
		}
		for (c = 0; c < N_CONTEXTS && i + c < REQUESTS; c++) {
			char   q[32], want[32], got[32];
			size_t len;
			int    k, n = snprintf(q, sizeof q, "request-%04d", i + c);
			for (k = 0; k < n; k++) {
				want[k] = q[n - 1 - k];
			}
			CHECK(pnng_ctx_recv(ctx[c], got, sizeof got, 0, &len));
			if (len != (size_t) n || memcmp(got, want, len) != 0) {
				fprintf(stderr, "reply %d: got %.*s\n", i + c, (int) len, got);
				failures++;
			}
		}
	}
	CHECK(pnng_socket_close(req));
	return (void *) (long) failures;
}

/* Starts the next step of a slot: a receive, or sending back the reversed request. */
static void
serve(struct slot *s)
{
	CHECK(s->sending ? pnng_ctx_send_aio(s->ctx, s->aio) : pnng_ctx_recv_aio(s->ctx, s->aio));
}

int
main(int argc, char **argv)
{
	const char   *transport = ex_transport(argc, argv);
	pnng_socket   rep;
	pnng_cq      *cq;
	struct slot   slots[N_CONTEXTS];
	pthread_t     thr;
	int           fd, i, answered = 0;
	void         *failures;

	CHECK(pnng_rep0_open(&rep));
	ex_listen(rep, transport, "async-rep", url, sizeof url);

	CHECK(pnng_cq_new(&cq));
	CHECK(pnng_cq_fd(cq, &fd));
	for (i = 0; i < N_CONTEXTS; i++) {
		CHECK(pnng_socket_new_context(rep, &slots[i].ctx));
		CHECK(pnng_aio_new_cq(cq, &slots[i], &slots[i].aio));
		slots[i].sending = 0;
		serve(&slots[i]);
	}
	if (pthread_create(&thr, NULL, client, NULL) != 0) {
		return 1;
	}

	/* The event loop: wait for the fd, then drain every completion. */
	while (answered < REQUESTS) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		pnng_aio     *aio;
		void         *ud;
		if (poll(&pfd, 1, 10000) != 1) {
			fprintf(stderr, "no completion within 10 s\n");
			return 1;
		}
		while (pnng_cq_pop(cq, &aio, &ud) == 0) {
			struct slot *s = ud;
			CHECK(pnng_aio_result(aio));
			if (!s->sending) {
				pnng_msg *m;
				size_t    n, k;
				uint8_t  *b;
				CHECK(pnng_aio_take_msg(aio, &m));
				n = pnng_msg_len(m);
				b = pnng_msg_body_mut(m);
				for (k = 0; k < n / 2; k++) {
					uint8_t t    = b[k];
					b[k]         = b[n - 1 - k];
					b[n - 1 - k] = t;
				}
				CHECK(pnng_aio_set_msg(aio, m)); /* the aio owns it now */
				s->sending = 1;
			} else {
				answered++;
				s->sending = 0;
			}
			serve(s);
		}
	}
	pthread_join(thr, &failures);
	printf("async rep over %s: %d requests answered by %d contexts on one completion "
	       "queue, %ld bad replies\n",
	    transport, answered, N_CONTEXTS, (long) failures);

	for (i = 0; i < N_CONTEXTS; i++) {
		pnng_aio_free(slots[i].aio); /* cancels the pending receive */
	}
	pnng_cq_free(cq);
	CHECK(pnng_socket_close(rep));
	pnng_fini();
	return failures == NULL ? 0 : 1;
}
