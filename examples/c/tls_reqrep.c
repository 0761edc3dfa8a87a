/*
 * Mutual TLS request/reply: the server requires a client certificate signed by the private
 * CA, the client verifies the server's certificate and name. Works over tls+tcp:// and wss://.
 *
 * usage: tls_reqrep CERT_DIR [tls+tcp|wss]     (CERT_DIR as made by gen_certs.sh)
 */
#include <pnng.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(expr)                                                                \
	do {                                                                       \
		int rv_ = (expr);                                                  \
		if (rv_ != 0) {                                                    \
			fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #expr, \
			    pnng_strerror(rv_));                                   \
			exit(1);                                                   \
		}                                                                  \
	} while (0)

/* Reads a whole PEM file into a NUL-terminated string (the caller frees it). */
static char *
slurp(const char *dir, const char *name)
{
	char  path[512];
	FILE *f;
	long  n;
	char *buf;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(1);
	}
	rewind(f);
	buf = malloc((size_t) n + 1);
	if (buf == NULL || fread(buf, 1, (size_t) n, f) != (size_t) n) {
		exit(1);
	}
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* A config holding the CA, this side's certificate and key, and REQUIRED peer verification. */
static pnng_tls_config *
config(int mode, const char *dir, const char *who)
{
	pnng_tls_config *cfg;
	char             crt[32], key[32];
	char            *ca, *c, *k;
	snprintf(crt, sizeof crt, "%s.crt", who);
	snprintf(key, sizeof key, "%s.key", who);
	ca = slurp(dir, "ca.crt");
	c  = slurp(dir, crt);
	k  = slurp(dir, key);
	CHECK(pnng_tls_config_new(mode, &cfg));
	CHECK(pnng_tls_config_ca_chain(cfg, ca, NULL));
	CHECK(pnng_tls_config_own_cert(cfg, c, k, NULL));
	CHECK(pnng_tls_config_auth_mode(cfg, PNNG_TLS_AUTH_MODE_REQUIRED));
	free(ca);
	free(c);
	free(k);
	return cfg;
}

int
main(int argc, char **argv)
{
	const char      *dir    = argc > 1 ? argv[1] : "certs";
	const char      *scheme = argc > 2 ? argv[2] : "tls+tcp";
	pnng_tls_config *server_cfg, *client_cfg;
	pnng_socket      rep, req;
	pnng_listener    l;
	pnng_dialer      d;
	int              port;
	char             url[128], reply[64];
	size_t           n;
	bool             verified;
	pnng_pipe        pipe;

	server_cfg = config(PNNG_TLS_MODE_SERVER, dir, "server");
	client_cfg = config(PNNG_TLS_MODE_CLIENT, dir, "client");
	CHECK(pnng_tls_config_server_name(client_cfg, "localhost"));

	/* The server: create the listener, give it TLS, then start it. */
	CHECK(pnng_rep0_open(&rep));
	snprintf(url, sizeof url, "%s://127.0.0.1:0%s", scheme, strcmp(scheme, "wss") == 0 ? "/rpc" : "");
	CHECK(pnng_listener_create(rep, url, &l));
	CHECK(pnng_listener_set_tls(l, server_cfg));
	CHECK(pnng_listener_start(l, 0));
	CHECK(pnng_listener_get_int(l, PNNG_OPT_TCP_BOUND_PORT, &port));
	pnng_tls_config_free(server_cfg); /* the listener holds its own reference */

	/* The client: TLS for every dialer of the socket. */
	CHECK(pnng_socket_set_ms(rep, PNNG_OPT_RECVTIMEO, 30000));
	CHECK(pnng_req0_open(&req));
	CHECK(pnng_socket_set_ms(req, PNNG_OPT_RECVTIMEO, 30000));
	CHECK(pnng_socket_set_tls(req, client_cfg));
	pnng_tls_config_free(client_cfg);
	snprintf(url, sizeof url, "%s://127.0.0.1:%d%s", scheme, port, strcmp(scheme, "wss") == 0 ? "/rpc" : "");
	CHECK(pnng_socket_dial(req, url, 0, &d));

	CHECK(pnng_socket_send(req, "what is 6*7?", 12, 0));
	{
		pnng_msg *q;
		CHECK(pnng_socket_recv_msg(rep, 0, &q));
		CHECK(pnng_msg_pipe(q, &pipe));
		CHECK(pnng_pipe_get_bool(pipe, PNNG_OPT_TLS_VERIFIED, &verified));
		printf("server got \"%.*s\" over %s from a %s client\n", (int) pnng_msg_len(q),
		    (const char *) pnng_msg_body(q), scheme, verified ? "verified" : "UNVERIFIED");
		pnng_msg_free(q);
	}
	CHECK(pnng_socket_send(rep, "42", 2, 0));
	CHECK(pnng_socket_recv(req, reply, sizeof reply, 0, &n));
	printf("client got \"%.*s\"\n", (int) n, reply);

	CHECK(pnng_socket_close(req));
	CHECK(pnng_socket_close(rep));
	pnng_fini();
	return (verified && n == 2 && memcmp(reply, "42", 2) == 0) ? 0 : 1;
}
