/*
 * Install test for pnng: the shared libpnng.so and Debian's system libnng.so (libnng-dev,
 * NNG 1.5.x) loaded in one process, both working. This is the coexistence guarantee:
 * libpnng.so exports only pnng_* symbols, so its private NNG never interposes on (or
 * is interposed by) the system NNG.
 *   1. both libraries are mapped (dl_iterate_phdr);
 *   2. system NNG: req/rep over inproc://coexist;
 *   3. pnng: req/rep over the SAME inproc://coexist name (separate NNG instances, separate
 *      inproc namespaces: no EADDRINUSE);
 *   4. across the two: a system-NNG req socket talks to a pnng rep socket over ipc://
 *      (same wire protocol).
 * Usage: coexist <ipc-socket-path>
 */
#define _GNU_SOURCE
#include <link.h>
#include <nng/nng.h>
#include <nng/protocol/reqrep0/rep.h>
#include <nng/protocol/reqrep0/req.h>
#include <pnng.h>

#include <stdio.h>
#include <string.h>

#define FAIL(...)                                                                          \
	do {                                                                                   \
		fprintf(stderr, "coexist: " __VA_ARGS__);                                          \
		fprintf(stderr, " (line %d)\n", __LINE__);                                         \
		return 1;                                                                          \
	} while (0)
#define NNG(expr)                                                                          \
	do {                                                                                   \
		int rv_ = (expr);                                                                  \
		if (rv_ != 0)                                                                      \
			FAIL("%s: %s", #expr, nng_strerror(rv_));                                      \
	} while (0)
#define PNNG(expr)                                                                         \
	do {                                                                                   \
		int rv_ = (expr);                                                                  \
		if (rv_ != 0)                                                                      \
			FAIL("%s: %s", #expr, pnng_strerror(rv_));                                     \
	} while (0)

static int seen_nng, seen_pnng;

static int
phdr_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	(void) size;
	(void) data;
	if (info->dlpi_name != NULL) {
		if (strstr(info->dlpi_name, "/libnng.so") != NULL)
			seen_nng = 1;
		if (strstr(info->dlpi_name, "/libpnng.so") != NULL)
			seen_pnng = 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	char         url[512];
	char         buf[64];
	size_t       len;
	nng_socket   nreq, nrep;
	pnng_socket  preq = PNNG_SOCKET_INITIALIZER, prep = PNNG_SOCKET_INITIALIZER;
	nng_duration tmo = 5000;

	if (argc != 2)
		FAIL("usage: coexist <ipc-socket-path>");
	snprintf(url, sizeof(url), "ipc://%s", argv[1]);

	dl_iterate_phdr(phdr_cb, NULL);
	if (!seen_nng || !seen_pnng)
		FAIL("expected both libnng.so and libpnng.so mapped (nng %d, pnng %d)", seen_nng, seen_pnng);

	/* 2. system NNG alone */
	NNG(nng_rep0_open(&nrep));
	NNG(nng_req0_open(&nreq));
	NNG(nng_socket_set_ms(nrep, NNG_OPT_RECVTIMEO, tmo));
	NNG(nng_socket_set_ms(nreq, NNG_OPT_RECVTIMEO, tmo));
	NNG(nng_listen(nrep, "inproc://coexist", NULL, 0));
	NNG(nng_dial(nreq, "inproc://coexist", NULL, 0));
	NNG(nng_send(nreq, (void *) "system\0nng", 10, 0));
	len = sizeof(buf);
	NNG(nng_recv(nrep, buf, &len, 0));
	if (len != 10 || memcmp(buf, "system\0nng", 10) != 0)
		FAIL("system NNG: wrong request bytes");
	NNG(nng_send(nrep, (void *) "ok", 2, 0));
	len = sizeof(buf);
	NNG(nng_recv(nreq, buf, &len, 0));
	if (len != 2 || memcmp(buf, "ok", 2) != 0)
		FAIL("system NNG: wrong reply bytes");

	/* 3. pnng alone, same inproc name, while the system NNG listener is still open */
	PNNG(pnng_rep0_open(&prep));
	PNNG(pnng_req0_open(&preq));
	PNNG(pnng_socket_set_ms(prep, PNNG_OPT_RECVTIMEO, 5000));
	PNNG(pnng_socket_set_ms(preq, PNNG_OPT_RECVTIMEO, 5000));
	PNNG(pnng_socket_listen(prep, "inproc://coexist", 0, NULL));
	PNNG(pnng_socket_dial(preq, "inproc://coexist", 0, NULL));
	PNNG(pnng_socket_send(preq, "pnng\0\xff", 6, 0));
	PNNG(pnng_socket_recv(prep, buf, sizeof(buf), 0, &len));
	if (len != 6 || memcmp(buf, "pnng\0\xff", 6) != 0)
		FAIL("pnng: wrong request bytes");
	PNNG(pnng_socket_send(prep, "ok", 2, 0));
	PNNG(pnng_socket_recv(preq, buf, sizeof(buf), 0, &len));
	if (len != 2 || memcmp(buf, "ok", 2) != 0)
		FAIL("pnng: wrong reply bytes");

	/* 4. system NNG req -> pnng rep over ipc */
	PNNG(pnng_socket_listen(prep, url, 0, NULL));
	NNG(nng_close(nreq));
	NNG(nng_req0_open(&nreq));
	NNG(nng_socket_set_ms(nreq, NNG_OPT_RECVTIMEO, tmo));
	NNG(nng_dial(nreq, url, NULL, 0));
	NNG(nng_send(nreq, (void *) "across", 6, 0));
	PNNG(pnng_socket_recv(prep, buf, sizeof(buf), 0, &len));
	if (len != 6 || memcmp(buf, "across", 6) != 0)
		FAIL("pnng rep: wrong bytes from the system NNG req");
	PNNG(pnng_socket_send(prep, "back", 4, 0));
	len = sizeof(buf);
	NNG(nng_recv(nreq, buf, &len, 0));
	if (len != 4 || memcmp(buf, "back", 4) != 0)
		FAIL("system NNG req: wrong bytes from the pnng rep");

	NNG(nng_close(nreq));
	NNG(nng_close(nrep));
	PNNG(pnng_socket_close(preq));
	PNNG(pnng_socket_close(prep));
	printf("coexist: ok (system NNG %s and %s in one process)\n", nng_version(), pnng_version());
	pnng_fini();
	nng_fini();
	return 0;
}
