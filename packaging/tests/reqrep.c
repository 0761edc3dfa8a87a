/*
 * Install test for pnng: req/rep over inproc using only the installed header and library.
 * Valid C99 and C++ (the install test compiles it with both gcc and g++).
 * Checks: the round-trip bytes (including NUL and 0xff), a stale handle error, and that the
 * library's runtime version (pnng_version) matches the header's PNNG_VERSION_* macros.
 * Usage: reqrep [label]   -- prints "<label>: ok" and exits 0, or explains and exits 1.
 */
#include <pnng.h>

#include <stdio.h>
#include <string.h>

#define CHECK(expr)                                                                        \
	do {                                                                                   \
		int rv_ = (expr);                                                                  \
		if (rv_ != 0) {                                                                    \
			fprintf(stderr, "%s:%d: %s: %s (%d)\n", __FILE__, __LINE__, #expr,            \
			        pnng_strerror(rv_), rv_);                                              \
			return 1;                                                                      \
		}                                                                                  \
	} while (0)

static int
run(const char *label)
{
	static const unsigned char request[] = { 'p', 'i', 'n', 'g', 0x00, 0xff, '\n', 'x' };
	static const unsigned char reply[]   = { 0x00, 'p', 'o', 'n', 'g', 0xfe };
	unsigned char              buf[64];
	size_t                     len = 0;
	pnng_socket                rep = PNNG_SOCKET_INITIALIZER;
	pnng_socket                req = PNNG_SOCKET_INITIALIZER;
	char                       want[64];
	const char                *version = pnng_version();

	snprintf(want, sizeof(want), "pnng %d.%d.%d ", PNNG_VERSION_MAJOR, PNNG_VERSION_MINOR,
	    PNNG_VERSION_PATCH);
	if (version == NULL || strncmp(version, want, strlen(want)) != 0) {
		fprintf(stderr, "version mismatch: header says \"%s...\", library says \"%s\"\n", want,
		    version ? version : "(null)");
		return 1;
	}

	CHECK(pnng_rep0_open(&rep));
	CHECK(pnng_req0_open(&req));
	CHECK(pnng_socket_set_ms(rep, PNNG_OPT_RECVTIMEO, 5000));
	CHECK(pnng_socket_set_ms(req, PNNG_OPT_RECVTIMEO, 5000));
	CHECK(pnng_socket_listen(rep, "inproc://pnng-install-test", 0, NULL));
	CHECK(pnng_socket_dial(req, "inproc://pnng-install-test", 0, NULL));

	CHECK(pnng_socket_send(req, request, sizeof(request), 0));
	CHECK(pnng_socket_recv(rep, buf, sizeof(buf), 0, &len));
	if (len != sizeof(request) || memcmp(buf, request, len) != 0) {
		fprintf(stderr, "rep received %zu wrong bytes\n", len);
		return 1;
	}
	CHECK(pnng_socket_send(rep, reply, sizeof(reply), 0));
	len = 0;
	CHECK(pnng_socket_recv(req, buf, sizeof(buf), 0, &len));
	if (len != sizeof(reply) || memcmp(buf, reply, len) != 0) {
		fprintf(stderr, "req received %zu wrong bytes\n", len);
		return 1;
	}

	CHECK(pnng_socket_close(req));
	CHECK(pnng_socket_close(rep));
	if (pnng_socket_close(rep) != PNNG_ECLOSED) {
		fprintf(stderr, "second close did not give PNNG_ECLOSED\n");
		return 1;
	}
	pnng_fini();
	printf("%s: ok (%s, header %d.%d.%d, number %d)\n", label, version, PNNG_VERSION_MAJOR,
	    PNNG_VERSION_MINOR, PNNG_VERSION_PATCH, PNNG_VERSION_NUMBER);
	return 0;
}

int
main(int argc, char **argv)
{
	return run(argc > 1 ? argv[1] : "reqrep");
}
