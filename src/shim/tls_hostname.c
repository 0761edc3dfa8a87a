/*
 * Same TLS client behaviour on every mbedTLS: a client config without a server name verifies
 * the certificate chain but checks no host name.
 *
 * mbedTLS 3.6.3 and 2.28.10 (CVE-2025-27809) refuse to verify a server certificate unless the
 * application either set a host name or said explicitly, with mbedtls_ssl_set_hostname(ssl,
 * NULL), that it wants none. NNG 1.11 only calls mbedtls_ssl_set_hostname when a name is set,
 * so on those versions a client without a server name would fail every handshake, while on
 * older ones it connects. NNG calls mbedtls_ssl_setup() just before its optional
 * set_hostname(name); this wrapper, linked into libpnng ahead of libmbedtls (hidden, so it does
 * not leak from libpnng.so), adds the explicit "no host name" right after the real setup. A
 * configured server name then overrides it as before. On older mbedTLS the extra call is a no-op.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>

typedef int (*pnng_ssl_setup_fn)(void *ssl, const void *conf);

int mbedtls_ssl_set_hostname(void *ssl, const char *hostname);

/* MBEDTLS_ERR_SSL_BAD_INPUT_DATA: the real function could not be found. */
#define PNNG_SSL_BAD_INPUT_DATA (-0x7100)

static unsigned long pnng_tls_shim_count;

__attribute__((visibility("hidden"))) int
mbedtls_ssl_setup(void *ssl, const void *conf)
{
	static pnng_ssl_setup_fn real;
	pnng_ssl_setup_fn fn = __atomic_load_n(&real, __ATOMIC_ACQUIRE);
	int rv;

	if (fn == NULL) {
		fn = (pnng_ssl_setup_fn) dlsym(RTLD_NEXT, "mbedtls_ssl_setup");
		if (fn == NULL) {
			return (PNNG_SSL_BAD_INPUT_DATA);
		}
		__atomic_store_n(&real, fn, __ATOMIC_RELEASE);
	}
	__atomic_fetch_add(&pnng_tls_shim_count, 1, __ATOMIC_RELAXED);
	if ((rv = fn(ssl, conf)) == 0) {
		rv = mbedtls_ssl_set_hostname(ssl, NULL);
	}
	return (rv);
}

/* How many TLS connections went through the wrapper (read by the tests). */
__attribute__((visibility("hidden"))) unsigned long
pnng_tls_shim_calls(void)
{
	return (__atomic_load_n(&pnng_tls_shim_count, __ATOMIC_RELAXED));
}
