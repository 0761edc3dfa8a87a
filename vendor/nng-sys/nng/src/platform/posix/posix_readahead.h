//
// Copyright 2026 pnng contributors
//
// This software is supplied under the terms of the MIT License, a
// copy of which should be located in the distribution where this
// file was obtained (LICENSE.txt).  A copy of the license may also be
// found online at https://opensource.org/licenses/MIT.
//

#ifndef PLATFORM_POSIX_READAHEAD_H
#define PLATFORM_POSIX_READAHEAD_H

// pnng: read-ahead for the tcp and ipc stream connections.
//
// The SP transports read a message in two reads, its 8-byte length and then
// its body, each a readv system call of its own.  When messages queue up in
// the socket (a receiver slower than its sender), each still cost two
// system calls.  Here a readv that nni_posix_pfd_read_ahead allows (on a
// thread that serves both ends of the connection) also asks for up to
// NNI_POSIX_READAHEAD more bytes, into a buffer on the reader's stack; what
// arrives past the read's own buffers is kept with the connection, in a
// block of its exact size, and the reads after it are served from that
// block without a system call until it is used up (then freed).  A
// connection holds no memory for this while nothing is queued, so thousands
// of idle connections cost nothing, and a round trip (whose reads find
// exactly their own bytes) does no more work than before.
//
// The kept bytes are read before anything else, so the stream is the same
// byte stream.  The connection's doread serves them whenever a read is
// queued, before it would arm the poller, so a descriptor is waited on (by
// the poller or a thread reading its pipe itself) only when nothing is kept:
// after a doread either no read is queued or nothing is kept.

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "core/nng_impl.h"
#include "platform/posix/posix_pollq.h"

#define NNI_POSIX_READAHEAD 8192

typedef struct {
	uint8_t *buf;    // kept bytes (an nni_alloc of len), NULL when none
	size_t   off;    // the first unread byte of buf
	size_t   len;    // the size of buf
	bool     failed; // bytes read could not be kept: the stream is broken
} nni_posix_readahead;

static inline void
nni_posix_readahead_fini(nni_posix_readahead *ra)
{
	if (ra->buf != NULL) {
		nni_free(ra->buf, ra->len);
		ra->buf = NULL;
	}
}

// Reads into iov (niov buffers; iov has room for one more entry) from fd,
// pfd's descriptor: from the kept bytes if there are any, else with one
// readv, which also reads ahead if nni_posix_pfd_read_ahead allows it.
// Returns what readv would: the count (0 at the end of the stream), or -1
// with errno set.
static inline ssize_t
nni_posix_readahead_readv(nni_posix_readahead *ra, nni_posix_pfd *pfd, int fd,
    struct iovec *iov, int niov)
{
	uint8_t more[NNI_POSIX_READAHEAD];
	size_t  want = 0;
	ssize_t n;

	if (ra->failed) {
		errno = ENOMEM;
		return (-1);
	}
	if (ra->buf != NULL) {
		size_t got = 0;
		for (int i = 0; (i < niov) && (ra->off < ra->len); i++) {
			size_t k = ra->len - ra->off;
			if (k > iov[i].iov_len) {
				k = iov[i].iov_len;
			}
			memcpy(iov[i].iov_base, ra->buf + ra->off, k);
			ra->off += k;
			got += k;
		}
		if (ra->off == ra->len) {
			nni_posix_readahead_fini(ra);
		}
		return ((ssize_t) got);
	}
	for (int i = 0; i < niov; i++) {
		want += iov[i].iov_len;
	}
	if ((want == 0) || !nni_posix_pfd_read_ahead(pfd)) {
		return (readv(fd, iov, niov));
	}
	iov[niov].iov_base = more;
	iov[niov].iov_len  = sizeof(more);
	if ((n = readv(fd, iov, niov + 1)) <= (ssize_t) want) {
		return (n);
	}
	// The bytes past the request stay with the connection.
	ra->len = (size_t) n - want;
	ra->off = 0;
	if ((ra->buf = nni_alloc(ra->len)) == NULL) {
		ra->failed = true;
		errno      = ENOMEM;
		return (-1);
	}
	memcpy(ra->buf, more, ra->len);
	return ((ssize_t) want);
}

#endif // PLATFORM_POSIX_READAHEAD_H
