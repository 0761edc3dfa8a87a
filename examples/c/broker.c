/*
 * A req/rep broker built from a device: clients (req) dial the broker's front, a raw rep
 * socket; workers (rep) dial its back, a raw req socket; pnng_device_start forwards between
 * the two, and replies find their way back through the headers the raw sockets keep.
 * Closing the front socket stops the device.
 *
 * usage: broker [tcp|ipc|inproc]
 */
#include "common.h"

#include <pthread.h>

#define CLIENTS 3
#define REQUESTS 20

static char back_url[256];

/* A worker: answers every request with its bytes upper-cased, until its socket closes. */
static void *
worker(void *arg)
{
	pnng_socket s = *(pnng_socket *) arg;
	pnng_msg   *m;
	int         rv;

	while ((rv = pnng_socket_recv_msg(s, 0, &m)) == 0) {
		uint8_t *b = pnng_msg_body_mut(m);
		for (size_t i = 0; i < pnng_msg_len(m); i++) {
			if (b[i] >= 'a' && b[i] <= 'z') {
				b[i] = (uint8_t) (b[i] - 'a' + 'A');
			}
		}
		CHECK(pnng_socket_send_msg(s, m, 0));
	}
	CHECK_ERR(rv, PNNG_ECLOSED);
	return NULL;
}

int
main(int argc, char **argv)
{
	const char *transport = ex_transport(argc, argv);
	char        front_url[256], buf[64], want[64];
	pnng_socket front, back, rep_worker, clients[CLIENTS], cooked;
	pthread_t   tid;
	size_t      len;
	int         c, i;

	CHECK(pnng_rep0_open_raw(&front));
	CHECK(pnng_req0_open_raw(&back));
	ex_listen(front, transport, "front", front_url, sizeof front_url);
	ex_listen(back, transport, "back", back_url, sizeof back_url);

	/* A device needs raw sockets: cooked ones are refused at once. */
	CHECK(pnng_rep0_open(&cooked));
	CHECK_ERR(pnng_device_start(cooked, back), PNNG_EINVAL);
	ex_close(cooked);

	CHECK(pnng_device_start(front, back));
	printf("broker: device running between %s and %s\n", front_url, back_url);

	CHECK(pnng_rep0_open(&rep_worker));
	ex_timeouts(rep_worker, -1); /* waits for requests until the socket closes */
	CHECK(pnng_socket_dial(rep_worker, back_url, 0, NULL));
	EXPECT(pthread_create(&tid, NULL, worker, &rep_worker) == 0);

	for (c = 0; c < CLIENTS; c++) {
		CHECK(pnng_req0_open(&clients[c]));
		ex_timeouts(clients[c], EX_TIMEOUT_MS);
		CHECK(pnng_socket_dial(clients[c], front_url, 0, NULL));
	}
	for (i = 0; i < REQUESTS; i++) {
		for (c = 0; c < CLIENTS; c++) {
			int n = snprintf(buf, sizeof buf, "hello %d from client %d", i, c);
			snprintf(want, sizeof want, "HELLO %d FROM CLIENT %d", i, c);
			CHECK(pnng_socket_send(clients[c], buf, (size_t) n, 0));
		}
		for (c = 0; c < CLIENTS; c++) {
			snprintf(want, sizeof want, "HELLO %d FROM CLIENT %d", i, c);
			CHECK(pnng_socket_recv(clients[c], buf, sizeof buf, 0, &len));
			EXPECT(ex_same(buf, len, want));
		}
	}
	printf("broker: %d requests from %d clients answered through the device\n",
	    REQUESTS * CLIENTS, CLIENTS);

	for (c = 0; c < CLIENTS; c++) {
		ex_close(clients[c]);
	}
	ex_close(front); /* stops the device */
	ex_close(back);
	ex_close(rep_worker); /* wakes the worker with PNNG_ECLOSED */
	EXPECT(pthread_join(tid, NULL) == 0);
	return ex_done("broker");
}
