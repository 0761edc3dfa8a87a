//
// Copyright 2019 Staysail Systems, Inc. <info@staysail.tech>
// Copyright 2018 Capitar IT Group BV <info@capitar.com>
//
// This software is supplied under the terms of the MIT License, a
// copy of which should be located in the distribution where this
// file was obtained (LICENSE.txt).  A copy of the license may also be
// found online at https://opensource.org/licenses/MIT.
//

#ifndef PLATFORM_POSIX_POLLQ_H
#define PLATFORM_POSIX_POLLQ_H

#ifdef NNG_PLATFORM_POSIX

// This file defines structures we will use for emulating asynchronous I/O
// on POSIX.  POSIX lacks the support for callback based asynchronous I/O
// that we have on Windows, although it has a non-widely support aio layer
// that is not very performant on many systems.   So we emulate this using
// one of several possible different backends.

#include "core/nng_impl.h"
#include <poll.h>

typedef struct nni_posix_pfd nni_posix_pfd;
typedef void (*nni_posix_pfd_cb)(nni_posix_pfd *, unsigned, void *);

extern int  nni_posix_pfd_init(nni_posix_pfd **, int);
extern void nni_posix_pfd_fini(nni_posix_pfd *);
extern int  nni_posix_pfd_arm(nni_posix_pfd *, unsigned);
extern int  nni_posix_pfd_fd(nni_posix_pfd *);
extern void nni_posix_pfd_close(nni_posix_pfd *);
extern void nni_posix_pfd_set_cb(nni_posix_pfd *, nni_posix_pfd_cb, void *);

// pnng: the stream transports name the descriptor a thread writes to; a
// synchronous call of that thread then reads it while it waits
// (nni_posix_pfd_wait_task in posix_pollq_epoll.c).
// Only writes of up to NNI_POSIX_PFD_HOLD_MAX bytes name the descriptor: after
// a larger one the thread neither takes the read interest during the send nor
// reads the descriptor while it waits, and the poller thread reads as before.
// Reading a large answer on the caller's thread moves the answer's allocation
// onto that thread, where it meets the caller's own large message: with
// glibc's default trim threshold the heap then shrank and grew back every
// round trip (a 1 MiB tcp round trip took 3.5 times as long, all of it page
// faults), and for a large message the hand-off it saves is small beside the
// copy.  The size of the write stands for the size of the answer (req/rep,
// pair ping-pong).
#define NNI_POSIX_PFD_HOLD_MAX (64u * 1024u + 64u)
#if defined(NNG_HAVE_EPOLL) && defined(NNG_HAVE_EVENTFD) && \
    !defined(NNG_HAVE_PORT_CREATE) && !defined(NNG_HAVE_KQUEUE)
extern void nni_posix_pfd_hint(nni_posix_pfd *, size_t);
extern bool nni_posix_pfd_read_ahead(nni_posix_pfd *);
#else
#define nni_posix_pfd_hint(pfd, len) ((void) (pfd), (void) (len))
#define nni_posix_pfd_read_ahead(pfd) ((void) (pfd), false)
#endif

#define NNI_POLL_IN ((unsigned) POLLIN)
#define NNI_POLL_OUT ((unsigned) POLLOUT)
#define NNI_POLL_HUP ((unsigned) POLLHUP)
#define NNI_POLL_ERR ((unsigned) POLLERR)
#define NNI_POLL_INVAL ((unsigned) POLLNVAL)

#endif // NNG_PLATFORM_POSIX

#endif // PLATFORM_POSIX_POLLQ_H
