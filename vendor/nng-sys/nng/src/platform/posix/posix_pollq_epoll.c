//
// Copyright 2020 Staysail Systems, Inc. <info@staysail.tech>
// Copyright 2018 Capitar IT Group BV <info@capitar.com>
// Copyright 2018 Liam Staskawicz <liam@stask.net>
//
// This software is supplied under the terms of the MIT License, a
// copy of which should be located in the distribution where this
// file was obtained (LICENSE.txt).  A copy of the license may also be
// found online at https://opensource.org/licenses/MIT.
//

#ifdef NNG_HAVE_EPOLL

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h> /* for strerror() */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/nng_impl.h"
#include "platform/posix/posix_pollq.h"

typedef struct nni_posix_pollq nni_posix_pollq;

#ifndef EFD_CLOEXEC
#define EFD_CLOEXEC 0
#endif
#ifndef EFD_NONBLOCK
#define EFD_NONBLOCK 0
#endif

#define NNI_MAX_EPOLL_EVENTS 64

// flags we always want enabled as long as at least one event is active
#define NNI_EPOLL_FLAGS ((unsigned) EPOLLONESHOT | (unsigned) EPOLLERR)

// Locking strategy:
//
// The pollq mutex protects its own reapq, close state, and the close
// state of the individual pfds.  It also protects the pfd cv, which is
// only signaled when the pfd is closed.  This mutex is only acquired
// when shutting down the pollq, or closing a pfd.  For normal hot-path
// operations we don't need it.
//
// The pfd mutex protects the pfd's own "closing" flag (test and set),
// the callback and arg, and its event mask.  This mutex is used a lot,
// but it should be uncontended excepting possibly when closing.

// nni_posix_pollq is a work structure that manages state for the epoll-based
// pollq implementation
struct nni_posix_pollq {
	nni_mtx  mtx;
	int      epfd;  // epoll handle
	int      evfd;  // event fd (to wake us for other stuff)
	bool     close; // request for worker to exit
	nni_thr  thr;   // worker thread
	nni_list reapq;
	nni_id_map ids; // pnng: pfd ids (weak references), under mtx
};

struct nni_posix_pfd {
	nni_list_node    node;
	nni_posix_pollq *pq;
	int              fd;
	nni_posix_pfd_cb cb;
	void *           arg;
	bool             closed;
	bool             closing;
	bool             reap;
	unsigned         events;
	nni_mtx          mtx;
	nni_cv           cv;
	uint32_t         id;       // pnng: key in pq->ids
	bool             waiter;   // pnng: a caller polls fd (wait_task)
	bool             taken;    // pnng: POLLIN taken from epoll by it
	nni_cv           wait_cv;  // pnng: fini waits for the waiter
	uint32_t         peer;     // pnng: id of the in-process peer (atomic)
	uint32_t         rx_from;  // pnng: last sender it was paired with
	unsigned         misses;   // pnng: taken as a peer, found empty
	int              local;    // pnng: peer in this process: 1, not: -1
};

// single global instance for now.
static nni_posix_pollq nni_posix_global_pollq;

static void pfd_learn_peer(nni_posix_pfd *); // pnng

int
nni_posix_pfd_init(nni_posix_pfd **pfdp, int fd)
{
	nni_posix_pfd *    pfd;
	nni_posix_pollq *  pq;
	struct epoll_event ev;
	int                rv;

	pq = &nni_posix_global_pollq;

	(void) fcntl(fd, F_SETFD, FD_CLOEXEC);
	(void) fcntl(fd, F_SETFL, O_NONBLOCK);

	if ((pfd = NNI_ALLOC_STRUCT(pfd)) == NULL) {
		return (NNG_ENOMEM);
	}
	nni_mtx_init(&pfd->mtx);
	nni_cv_init(&pfd->cv, &pq->mtx);
	nni_cv_init(&pfd->wait_cv, &pfd->mtx);
	pfd->waiter  = false;
	pfd->taken   = false;
	pfd->peer    = 0;
	pfd->rx_from = 0;
	pfd->misses  = 0;
	pfd->local   = 0;

	pfd->pq      = pq;
	pfd->fd      = fd;
	pfd->cb      = NULL;
	pfd->arg     = NULL;
	pfd->events  = 0;
	pfd->closing = false;
	pfd->closed  = false;

	NNI_LIST_NODE_INIT(&pfd->node);

	// notifications disabled to begin with
	memset(&ev, 0, sizeof(ev));
	ev.events   = 0;
	ev.data.ptr = pfd;

	nni_mtx_lock(&pq->mtx);
	rv = nni_id_alloc32(&pq->ids, &pfd->id, pfd);
	nni_mtx_unlock(&pq->mtx);
	if (rv != 0) {
		nni_cv_fini(&pfd->wait_cv);
		nni_cv_fini(&pfd->cv);
		nni_mtx_fini(&pfd->mtx);
		NNI_FREE_STRUCT(pfd);
		return (rv);
	}

	if (epoll_ctl(pq->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
		rv = nni_plat_errno(errno);
		nni_mtx_lock(&pq->mtx);
		nni_id_remove(&pq->ids, pfd->id);
		nni_mtx_unlock(&pq->mtx);
		nni_cv_fini(&pfd->wait_cv);
		nni_cv_fini(&pfd->cv);
		nni_mtx_fini(&pfd->mtx);
		NNI_FREE_STRUCT(pfd);
		return (rv);
	}

	*pfdp = pfd;
	return (0);
}

int
nni_posix_pfd_arm(nni_posix_pfd *pfd, unsigned events)
{
	nni_posix_pollq *pq = pfd->pq;

	// NB: We depend on epoll event flags being the same as their POLLIN
	// equivalents.  I.e. POLLIN == EPOLLIN, POLLOUT == EPOLLOUT, and so
	// forth.  This turns out to be true both for Linux and the illumos
	// epoll implementation.

	nni_mtx_lock(&pfd->mtx);
	if (!pfd->closing) {
		struct epoll_event ev;
		pfd->events |= events;
		events = pfd->events;
		if ((events & (unsigned) POLLIN) != 0) {
			pfd->taken = false; // pnng: epoll has it again
		}

		memset(&ev, 0, sizeof(ev));
		ev.events   = events | NNI_EPOLL_FLAGS;
		ev.data.ptr = pfd;

		if (epoll_ctl(pq->epfd, EPOLL_CTL_MOD, pfd->fd, &ev) != 0) {
			int rv = nni_plat_errno(errno);
			nni_mtx_unlock(&pfd->mtx);
			return (rv);
		}
	}
	nni_mtx_unlock(&pfd->mtx);
	return (0);
}

int
nni_posix_pfd_fd(nni_posix_pfd *pfd)
{
	return (pfd->fd);
}

void
nni_posix_pfd_set_cb(nni_posix_pfd *pfd, nni_posix_pfd_cb cb, void *arg)
{
	nni_mtx_lock(&pfd->mtx);
	pfd->cb  = cb;
	pfd->arg = arg;
	nni_mtx_unlock(&pfd->mtx);
}

void
nni_posix_pfd_close(nni_posix_pfd *pfd)
{
	nni_mtx_lock(&pfd->mtx);
	if (!pfd->closing) {
		nni_posix_pollq *  pq = pfd->pq;
		struct epoll_event ev; // Not actually used.
		pfd->closing = true;

		(void) shutdown(pfd->fd, SHUT_RDWR);
		(void) epoll_ctl(pq->epfd, EPOLL_CTL_DEL, pfd->fd, &ev);
	}
	nni_mtx_unlock(&pfd->mtx);
}

void
nni_posix_pfd_fini(nni_posix_pfd *pfd)
{
	nni_posix_pollq *pq = pfd->pq;

	nni_posix_pfd_close(pfd);

	// We have to synchronize with the pollq thread (unless we are
	// on that thread!)
	NNI_ASSERT(!nni_thr_is_self(&pq->thr));

	uint64_t one = 1;

	// pnng: no new waiter finds it; wait for one polling it now (the
	// shutdown in nni_posix_pfd_close has woken its poll).
	nni_mtx_lock(&pq->mtx);
	nni_id_remove(&pq->ids, pfd->id);
	nni_mtx_unlock(&pq->mtx);
	nni_mtx_lock(&pfd->mtx);
	while (pfd->waiter) {
		nni_cv_wait(&pfd->wait_cv);
	}
	nni_mtx_unlock(&pfd->mtx);

	nni_mtx_lock(&pq->mtx);
	nni_list_append(&pq->reapq, pfd);

	// Wake the remote side.  For now we assume this always
	// succeeds.  The only failure modes here occur when we
	// have already excessively signaled this (2^64 times
	// with no read!!), or when the evfd is closed, or some
	// kernel bug occurs.  Those errors would manifest as
	// a hang waiting for the poller to reap the pfd in fini,
	// if it were possible for them to occur.  (Barring other
	// bugs, it isn't.)
	if (write(pq->evfd, &one, sizeof(one)) != sizeof(one)) {
		nni_panic("BUG! write to epoll fd incorrect!");
	}

	while (!pfd->closed) {
		nni_cv_wait(&pfd->cv);
	}
	nni_mtx_unlock(&pq->mtx);

	// We're exclusive now.

	(void) close(pfd->fd);
	nni_cv_fini(&pfd->wait_cv);
	nni_cv_fini(&pfd->cv);
	nni_mtx_fini(&pfd->mtx);
	NNI_FREE_STRUCT(pfd);
}

static void
nni_posix_pollq_reap(nni_posix_pollq *pq)
{
	nni_posix_pfd *pfd;
	nni_mtx_lock(&pq->mtx);
	while ((pfd = nni_list_first(&pq->reapq)) != NULL) {
		nni_list_remove(&pq->reapq, pfd);

		// Let fini know we're done with it, and it's safe to
		// remove.
		pfd->closed = true;
		nni_cv_wake(&pfd->cv);
	}
	nni_mtx_unlock(&pq->mtx);
}

static void
nni_posix_poll_thr(void *arg)
{
	nni_posix_pollq *  pq = arg;
	struct epoll_event events[NNI_MAX_EPOLL_EVENTS];

	for (;;) {
		int  n;
		bool reap = false;

		n = epoll_wait(pq->epfd, events, NNI_MAX_EPOLL_EVENTS, -1);
		if ((n < 0) && (errno == EBADF)) {
			// Epoll fd closed, bail.
			return;
		}

		// dispatch events
		for (int i = 0; i < n; ++i) {
			const struct epoll_event *ev;

			ev = &events[i];
			// If the waker pipe was signaled, read from it.
			if ((ev->data.ptr == NULL) &&
			    (ev->events & (unsigned) POLLIN)) {
				uint64_t clear;
				if (read(pq->evfd, &clear, sizeof(clear)) !=
				    sizeof(clear)) {
					nni_panic("read from evfd incorrect!");
				}
				reap = true;
			} else {
				nni_posix_pfd *  pfd = ev->data.ptr;
				nni_posix_pfd_cb cb;
				void *           cbarg;
				unsigned         mask;

				mask = ev->events &
				    ((unsigned) EPOLLIN | (unsigned) EPOLLOUT |
				        (unsigned) EPOLLERR);

				nni_mtx_lock(&pfd->mtx);
				pfd->events &= ~mask;
				cb    = pfd->cb;
				cbarg = pfd->arg;
				nni_mtx_unlock(&pfd->mtx);
				if ((mask & (unsigned) EPOLLIN) != 0) {
					pfd_learn_peer(pfd); // pnng
				}

				// Execute the callback with lock released
				if (cb != NULL) {
					// pnng: inline completions (aio.c)
					nni_aio_scope_enter();
					cb(pfd, mask, cbarg);
					nni_aio_scope_leave();
				}
			}
		}

		if (reap) {
			nni_posix_pollq_reap(pq);
			nni_mtx_lock(&pq->mtx);
			if (pq->close) {
				nni_mtx_unlock(&pq->mtx);
				return;
			}
			nni_mtx_unlock(&pq->mtx);
		}
	}
}

static void
nni_posix_pollq_destroy(nni_posix_pollq *pq)
{
	uint64_t one = 1;

	nni_mtx_lock(&pq->mtx);
	pq->close = true;

	if (write(pq->evfd, &one, sizeof(one)) != sizeof(one)) {
		// This should never occur, and if it does it could
		// lead to a hang.
		nni_panic("BUG! unable to write to evfd!");
	}
	nni_mtx_unlock(&pq->mtx);

	nni_thr_fini(&pq->thr);

	close(pq->evfd);
	close(pq->epfd);
	nni_id_map_fini(&pq->ids);

	nni_mtx_fini(&pq->mtx);
}

static int
nni_posix_pollq_add_eventfd(nni_posix_pollq *pq)
{
	// add event fd so we can wake ourself on exit
	struct epoll_event ev;
	int                fd;

	memset(&ev, 0, sizeof(ev));

	if ((fd = eventfd(0, EFD_NONBLOCK)) < 0) {
		return (nni_plat_errno(errno));
	}
	(void) fcntl(fd, F_SETFD, FD_CLOEXEC);
	(void) fcntl(fd, F_SETFL, O_NONBLOCK);

	// This is *NOT* one shot.  We want to wake EVERY single time.
	ev.events   = EPOLLIN;
	ev.data.ptr = 0;

	if (epoll_ctl(pq->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
		(void) close(fd);
		return (nni_plat_errno(errno));
	}
	pq->evfd = fd;
	return (0);
}

static int
nni_posix_pollq_create(nni_posix_pollq *pq)
{
	int rv;

#if NNG_HAVE_EPOLL_CREATE1
	if ((pq->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		return (nni_plat_errno(errno));
	}
#else
	// Old Linux.  Size is a "hint" about number of descriptors.
	// Hopefully not a hard limit, and not used in modern Linux.
	if ((pq->epfd = epoll_create(16)) < 0) {
		return (nni_plat_errno(errno));
	}
	(void) fcntl(pq->epfd, F_SETFD, FD_CLOEXEC);
#endif

	pq->close = false;

	NNI_LIST_INIT(&pq->reapq, nni_posix_pfd, node);
	nni_mtx_init(&pq->mtx);
	nni_id_map_init(&pq->ids, 1, 0x7fffffff, false);

	if ((rv = nni_posix_pollq_add_eventfd(pq)) != 0) {
		(void) close(pq->epfd);
		nni_id_map_fini(&pq->ids);
		nni_mtx_fini(&pq->mtx);
		return (rv);
	}
	if ((rv = nni_thr_init(&pq->thr, nni_posix_poll_thr, pq)) != 0) {
		(void) close(pq->epfd);
		(void) close(pq->evfd);
		nni_id_map_fini(&pq->ids);
		nni_mtx_fini(&pq->mtx);
		return (rv);
	}
	nni_thr_set_name(&pq->thr, "nng:poll:epoll");
	nni_thr_run(&pq->thr);
	return (0);
}

int
nni_posix_pollq_sysinit(void)
{
	return (nni_posix_pollq_create(&nni_posix_global_pollq));
}

void
nni_posix_pollq_sysfini(void)
{
	nni_posix_pollq_destroy(&nni_posix_global_pollq);
}

// pnng: a blocked synchronous call reads its stream pipe on its own thread.
//
// The stream descriptor (tcp, ipc) a thread last wrote to (the thread's hint,
// a weak reference by id) is where its next synchronous receive most likely
// waits for data (req/rep, a pair ping-pong).  While such a caller waits for
// its own aio (nni_aio_wait of a callback-less aio from nng_aio_alloc), it
// takes the descriptor's read interest out of epoll, polls the descriptor and
// a per-thread eventfd (written when the aio's task completes, however it
// completes: a message from another pipe, a timeout, close), and when the
// descriptor is readable runs its callback itself, in a completion scope, as
// the poller thread would.  The kernel then wakes the receiver directly: one
// wake-up per message instead of two (the poller, then the receiver).  What
// the callback completes goes where it would go from the poller (user
// callbacks to the task queue).  Only one waiter polls a descriptor at a
// time; when none can (the poller already has the event, the descriptor is
// closing), the caller sleeps on its aio as before.  When the waiter leaves
// with the read interest still taken, it gives it back to epoll; fini waits
// for a waiter to leave (close's shutdown wakes its poll).
//
// Only small writes (up to NNI_POSIX_PFD_HOLD_MAX bytes, see posix_pollq.h)
// name the descriptor; after a larger one the poller reads as before.
//
// A thread that waited on a descriptor and then sends on it (the next
// request, the reply) takes the read interest during its send call, and
// gives it back at the end of the call by reading what has arrived: the
// peer, woken by the write, often runs (and answers) before the sender has
// returned from its call and started to wait, and without this the answer
// would wake the poller thread.

static NNI_TLS_FAST __thread nni_posix_pfd *pfd_held;      // taken during this call
static NNI_TLS_FAST __thread uint32_t       pfd_last_wait; // polled by this thread's wait

static NNI_TLS_FAST __thread uint32_t pfd_hint;
static NNI_TLS_FAST __thread int      pfd_wake_fd = -1;
static pthread_key_t     pfd_wake_key;
static bool              pfd_wake_key_ok;
static pthread_once_t    pfd_wake_once = PTHREAD_ONCE_INIT;

static void
pfd_wake_close(void *arg)
{
	(void) close((int) ((intptr_t) arg - 1));
}

static void
pfd_wake_key_init(void)
{
	pfd_wake_key_ok = pthread_key_create(&pfd_wake_key, pfd_wake_close) == 0;
}

// The calling thread's eventfd, closed when the thread exits.
static int
pfd_wake_fd_get(void)
{
	int fd;
	if (pfd_wake_fd >= 0) {
		return (pfd_wake_fd);
	}
	(void) pthread_once(&pfd_wake_once, pfd_wake_key_init);
	if (!pfd_wake_key_ok) {
		return (-1);
	}
	if ((fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
		return (-1);
	}
	if (pthread_setspecific(pfd_wake_key, (void *) (intptr_t) (fd + 1)) !=
	    0) {
		(void) close(fd);
		return (-1);
	}
	pfd_wake_fd = fd;
	return (fd);
}

// What a waiting task's completion writes to (under the task's lock).
typedef struct {
	int  fd;
	bool written;
} pfd_waker;

// The waker of this thread's own wait: a completion that its own callback
// run finishes needs no eventfd (the loop looks at the task next).
static NNI_TLS_FAST __thread pfd_waker *pfd_own_waker;

static void
pfd_wake(void *arg)
{
	pfd_waker *w   = arg;
	uint64_t   one = 1;
	if (w == pfd_own_waker) {
		return;
	}
	w->written = true;
	if (write(w->fd, &one, sizeof(one)) != sizeof(one)) {
		// Only fails when the counter is full: it is readable then.
		return;
	}
}

static void
pfd_wake_drain(int fd)
{
	uint64_t v;
	if (read(fd, &v, sizeof(v)) != sizeof(v)) {
		return; // nothing to drain
	}
}

// The thread's hints as one value (nng_pipe_hints, aio.c): ids only, weak
// references that the waits look up.
uint64_t
nni_posix_pfd_hints(void)
{
	return (((uint64_t) pfd_last_wait << 32) | pfd_hint);
}

void
nni_posix_pfd_hints_set(uint64_t hints)
{
	pfd_hint      = (uint32_t) hints;
	pfd_last_wait = (uint32_t) (hints >> 32);
}

// pnng: a sender reads its in-process peer's end itself.
//
// When both ends of a tcp or ipc connection are in this process (a client
// and a server socket of one program, both served by one event loop or one
// Go scheduler), the peer end is often waited for by nobody's own thread: its
// receive is armed in epoll, so the sender's write wakes the poller thread,
// which reads the message and completes the peer's receive, and the sender
// runs again after it (two context switches per message, and on two CPUs
// two wake-ups across them).  The poller learns which descriptor a write
// lands on (pfd_learn_peer: the descriptor it reads right after a write to
// another one of the same process); from then on a small write by a
// synchronous call (nni_posix_pfd_hint) takes the peer's read interest out
// of epoll first, and the end of the call reads the peer's descriptor on the
// calling thread (nni_posix_pfd_release), as the poller would have.  A peer
// that a thread waits on itself (wait_task) is left alone: that thread is
// woken directly.  A pairing that keeps finding nothing to read (the write
// went elsewhere) is forgotten after PFD_PEER_MISSES takes in a row.

#define PFD_PEER_MISSES 8

static uint32_t pfd_last_tx; // id of the last small write's pfd (atomic)
static NNI_TLS_FAST __thread nni_posix_pfd *pfd_peer_held; // taken as peer
static NNI_TLS_FAST __thread uint32_t       pfd_peer_from; // ...for this one
static NNI_TLS_FAST __thread uint32_t       pfd_tx_peer;   // last write's peer
static NNI_TLS_FAST __thread bool           pfd_recv_waited; // a receive waited

// Whether descriptor fd's peer may be in this process: an ipc peer that is
// this process, a tcp peer on a loopback address.  Looked at once per
// descriptor (pfd_learn_peer), so that a process talking to others pays
// nothing per message.
static bool
pfd_peer_may_be_local(int fd)
{
	struct sockaddr_storage pa;
	socklen_t               pal = sizeof(pa);
	struct ucred            cred;
	socklen_t               cl = sizeof(cred);

	if (getpeername(fd, (struct sockaddr *) &pa, &pal) != 0) {
		return (false);
	}
	switch (pa.ss_family) {
	case AF_UNIX:
		return ((getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) == 0) &&
		    (cred.pid == getpid()));
	case AF_INET:
		return ((ntohl(((struct sockaddr_in *) &pa)->sin_addr.s_addr) >>
		            24) == 127);
	case AF_INET6: {
		const struct in6_addr *a = &((struct sockaddr_in6 *) &pa)->sin6_addr;
		return (IN6_IS_ADDR_LOOPBACK(a) ||
		    (IN6_IS_ADDR_V4MAPPED(a) && (a->s6_addr[12] == 127)));
	}
	default:
		return (false);
	}
}

// Whether descriptors a and b (whose peer may be local) are the two ends of
// one connection, as far as can be told: for tcp, a's local address is b's
// peer address; for ipc, both are unix sockets (which end within the process
// is not known: a wrong guess is forgotten after its misses).
static bool
pfd_same_connection(int a, int b)
{
	struct sockaddr_storage la, pb;
	socklen_t               lal = sizeof(la), pbl = sizeof(pb);

	if ((getsockname(a, (struct sockaddr *) &la, &lal) != 0) ||
	    (getpeername(b, (struct sockaddr *) &pb, &pbl) != 0) ||
	    (la.ss_family != pb.ss_family)) {
		return (false);
	}
	if ((la.ss_family == AF_INET) || (la.ss_family == AF_INET6)) {
		return ((lal == pbl) && (memcmp(&la, &pb, lal) == 0));
	}
	return (la.ss_family == AF_UNIX);
}

// The poller read pfd: if a small write to another descriptor came just
// before, pfd is most likely where it landed.  Pairs them (once per sender).
static void
pfd_learn_peer(nni_posix_pfd *pfd)
{
	nni_posix_pollq *pq = pfd->pq;
	nni_posix_pfd   *tx;
	uint32_t         x  = __atomic_load_n(&pfd_last_tx, __ATOMIC_RELAXED);

	if ((x == 0) || (x == pfd->id) || (pfd->rx_from == x) ||
	    (pfd->local < 0)) {
		return;
	}
	pfd->rx_from = x; // poller thread only (as local)
	if (pfd->local == 0) {
		pfd->local = pfd_peer_may_be_local(pfd->fd) ? 1 : -1;
		if (pfd->local < 0) {
			return;
		}
	}
	nni_mtx_lock(&pq->mtx);
	if (((tx = nni_id_get(&pq->ids, x)) != NULL) &&
	    (__atomic_load_n(&tx->peer, __ATOMIC_RELAXED) != pfd->id) &&
	    pfd_same_connection(tx->fd, pfd->fd)) {
		__atomic_store_n(&tx->peer, pfd->id, __ATOMIC_RELAXED);
	}
	nni_mtx_unlock(&pq->mtx);
}

// pfd->mtx held: takes the read interest out of epoll, for a caller that
// reads the descriptor itself; whether it could (not when closing, when no
// read is pending, or when the poller has the event already).  Given back by
// the descriptor's callback re-arming it, or by pfd_give_back.
static bool
pfd_take_in(nni_posix_pfd *pfd)
{
	struct epoll_event ev;

	if (pfd->closing || ((pfd->events & (unsigned) POLLIN) == 0)) {
		return (false);
	}
	memset(&ev, 0, sizeof(ev));
	ev.events   = (pfd->events & ~(unsigned) POLLIN) | NNI_EPOLL_FLAGS;
	ev.data.ptr = pfd;
	if (epoll_ctl(pfd->pq->epfd, EPOLL_CTL_MOD, pfd->fd, &ev) != 0) {
		return (false);
	}
	pfd->events &= ~(unsigned) POLLIN;
	pfd->taken = true;
	return (true);
}

// Takes the read interest of peer (id) for the rest of this call.
static void
pfd_take_peer(uint32_t id, uint32_t from)
{
	nni_posix_pollq *pq = &nni_posix_global_pollq;
	nni_posix_pfd   *peer;

	nni_mtx_lock(&pq->mtx);
	if ((peer = nni_id_get(&pq->ids, id)) == NULL) {
		nni_mtx_unlock(&pq->mtx);
		return;
	}
	nni_mtx_lock(&peer->mtx);
	nni_mtx_unlock(&pq->mtx);
	if (!peer->waiter && pfd_take_in(peer)) {
		peer->waiter  = true; // fini waits for the release
		pfd_peer_held = peer;
		pfd_peer_from = from;
	}
	nni_mtx_unlock(&peer->mtx);
}

// pfd->mtx held: give the read interest back to epoll.
static void pfd_give_back(nni_posix_pfd *pfd);

// The end of the call: reads the peer taken by pfd_take_peer if the write
// reached it, else gives it back (and counts the miss).  Whether there was
// one.
static bool
pfd_release_peer(void)
{
	nni_posix_pfd   *peer = pfd_peer_held;
	nni_posix_pfd_cb cb   = NULL;
	void            *cbarg;
	struct pollfd    p;
	bool             ready;
	bool             forget = false;

	if (peer == NULL) {
		return (false);
	}
	pfd_peer_held = NULL;
	// The descriptor stays open while peer->waiter is set.
	p.fd      = peer->fd;
	p.events  = POLLIN;
	p.revents = 0;
	ready     = (poll(&p, 1, 0) == 1);
	nni_mtx_lock(&peer->mtx);
	if (peer->taken && !peer->closing) {
		if (ready) {
			peer->taken  = false; // the callback re-arms
			peer->misses = 0;
			cb           = peer->cb;
			cbarg        = peer->arg;
		} else {
			pfd_give_back(peer);
			forget = (++peer->misses >= PFD_PEER_MISSES);
			if (forget) {
				peer->misses = 0;
			}
		}
	}
	nni_mtx_unlock(&peer->mtx);
	if (cb != NULL) {
		// Within the call's scope, as the caller's own pipe below.
		cb(peer, (unsigned) POLLIN, cbarg);
	}
	nni_mtx_lock(&peer->mtx);
	peer->waiter = false;
	nni_cv_wake(&peer->wait_cv);
	nni_mtx_unlock(&peer->mtx);
	if (forget) {
		nni_posix_pollq *pq = &nni_posix_global_pollq;
		nni_posix_pfd   *tx;
		nni_mtx_lock(&pq->mtx);
		if ((tx = nni_id_get(&pq->ids, pfd_peer_from)) != NULL) {
			__atomic_store_n(&tx->peer, 0, __ATOMIC_RELAXED);
		}
		nni_mtx_unlock(&pq->mtx);
	}
	return (true);
}

// Called by the stream transports (holding their lock) when this thread
// writes len bytes to pfd; a large write clears the thread's hint.
void
nni_posix_pfd_hint(nni_posix_pfd *pfd, size_t len)
{
	uint32_t peer;

	if (len > NNI_POSIX_PFD_HOLD_MAX) {
		pfd_hint    = 0;
		pfd_tx_peer = 0;
		return;
	}
	pfd_hint = pfd->id;
	__atomic_store_n(&pfd_last_tx, pfd->id, __ATOMIC_RELAXED);
	pfd_tx_peer = peer = __atomic_load_n(&pfd->peer, __ATOMIC_RELAXED);
	if ((peer != 0) && (pfd_peer_held == NULL) && nni_aio_in_call()) {
		pfd_take_peer(peer, pfd->id);
	}
	if ((pfd_held != NULL) || (pfd_last_wait != pfd->id) ||
	    !nni_aio_in_call()) {
		return;
	}
	nni_mtx_lock(&pfd->mtx);
	if (!pfd->waiter && pfd_take_in(pfd)) {
		pfd->waiter = true;
		pfd_held    = pfd;
	}
	nni_mtx_unlock(&pfd->mtx);
}

// Whether a stream read of pfd on this thread reads ahead
// (posix_readahead.h): in an application's call, when pfd is the peer end of
// this thread's last small write (0050) and the thread has never blocked for
// a receive.  Such a thread serves both ends of the connection and takes
// what it receives without sleeping for it (an event loop, asyncio), and a
// backlog of small messages cost it two system calls each.
// Other threads read as before: a receiving thread that read ahead caught up
// with its sender and was then woken for every message, which cost both
// threads more than the reads saved (C pair1 tcp 64 B on two CPUs: 427k ->
// 140k msg/s; Node with its sender in a Worker 298k -> 107k; Go, whose
// goroutines move between threads, 365k -> 175k).
bool
nni_posix_pfd_read_ahead(nni_posix_pfd *pfd)
{
	return ((pfd_tx_peer != 0) && (pfd->id == pfd_tx_peer) &&
	    !pfd_recv_waited && nni_aio_in_call());
}

// At the end of the send call (aio.c): read what has arrived on the
// descriptor taken by nni_posix_pfd_hint; the callback gives the read
// interest back to epoll.  Whether there was one.
bool
nni_posix_pfd_release(void)
{
	nni_posix_pfd   *pfd = pfd_held;
	nni_posix_pfd_cb cb  = NULL;
	void            *cbarg;
	bool             peer = pfd_release_peer(); // pnng

	if (pfd == NULL) {
		return (peer);
	}
	pfd_held = NULL;
	nni_mtx_lock(&pfd->mtx);
	if (pfd->taken) {
		pfd->taken = false;
		if (!pfd->closing) {
			cb    = pfd->cb;
			cbarg = pfd->arg;
		}
	}
	nni_mtx_unlock(&pfd->mtx);
	if (cb != NULL) {
		cb(pfd, (unsigned) POLLIN, cbarg);
	}
	nni_mtx_lock(&pfd->mtx);
	pfd->waiter = false;
	nni_cv_wake(&pfd->wait_cv);
	nni_mtx_unlock(&pfd->mtx);
	return (true);
}

// pfd->mtx held: give the read interest back to epoll.
static void
pfd_give_back(nni_posix_pfd *pfd)
{
	struct epoll_event ev;
	pfd->taken = false;
	if (pfd->closing) {
		return;
	}
	pfd->events |= (unsigned) POLLIN;
	memset(&ev, 0, sizeof(ev));
	ev.events   = pfd->events | NNI_EPOLL_FLAGS;
	ev.data.ptr = pfd;
	(void) epoll_ctl(pfd->pq->epfd, EPOLL_CTL_MOD, pfd->fd, &ev);
}

// Waits until task is done (0), or until xfd (if >= 0) is readable or ms
// milliseconds (if >= 0) have passed (NNG_EINTR), reading the thread's pipe
// meanwhile; NNG_ENOTSUP when it cannot read a pipe (the caller waits its
// own way: the task may still be busy).
int
nni_posix_pfd_wait_task(nni_task *task, int xfd, int ms)
{
	nni_posix_pollq *pq = &nni_posix_global_pollq;
	nni_posix_pfd   *pfd;
	uint32_t         id = pfd_hint;
	int              wfd;
	int              rv = NNG_ENOTSUP;
	bool             busy;
	pfd_waker        waker;
	nni_time         deadline = NNI_TIME_NEVER;

	if (!pfd_recv_waited &&
	    (__atomic_load_n(&task->task_busy, __ATOMIC_RELAXED) != 0)) {
		// A receive that waits (not one that found its message, nor
		// a non-blocking one, which has ended by now).
		pfd_recv_waited = true;
	}
	if ((id == 0) || ((wfd = pfd_wake_fd_get()) < 0)) {
		return (NNG_ENOTSUP);
	}
	nni_mtx_lock(&pq->mtx);
	if ((pfd = nni_id_get(&pq->ids, id)) == NULL) {
		nni_mtx_unlock(&pq->mtx);
		pfd_hint = 0;
		return (NNG_ENOTSUP);
	}
	nni_mtx_lock(&pfd->mtx);
	if (pfd->waiter || pfd->closing) {
		nni_mtx_unlock(&pfd->mtx);
		nni_mtx_unlock(&pq->mtx);
		return (NNG_ENOTSUP);
	}
	pfd->waiter = true;
	nni_mtx_unlock(&pfd->mtx);
	nni_mtx_unlock(&pq->mtx);
	if (ms >= 0) {
		deadline = nni_clock() + (nni_time) ms;
	}

	nni_mtx_lock(&task->task_mtx);
	busy = task->task_busy != 0;
	if (busy) {
		waker.fd            = wfd;
		waker.written       = false;
		task->task_wake_fn  = pfd_wake;
		task->task_wake_arg = &waker;
		pfd_own_waker       = &waker;
	} else {
		rv = 0;
	}
	nni_mtx_unlock(&task->task_mtx);

	while (busy) {
		struct pollfd    fds[3];
		unsigned         mask  = 0;
		nni_posix_pfd_cb cb    = NULL;
		void            *cbarg = NULL;
		int              timeout = -1;
		int              n;

		nni_mtx_lock(&pfd->mtx);
		if (pfd->closing || (!pfd->taken && !pfd_take_in(pfd))) {
			// Closing, no read pending, or the poller has the
			// event already: wait the caller's own way.
			nni_mtx_unlock(&pfd->mtx);
			break;
		}
		nni_mtx_unlock(&pfd->mtx);

		if (deadline != NNI_TIME_NEVER) {
			nni_time now = nni_clock();
			if (now >= deadline) {
				rv = NNG_EINTR;
				break;
			}
			timeout = (int) (deadline - now);
		}
		// The descriptor stays open while pfd->waiter is set.
		fds[0].fd      = pfd->fd;
		fds[0].events  = POLLIN;
		fds[0].revents = 0;
		fds[1].fd      = wfd;
		fds[1].events  = POLLIN;
		fds[1].revents = 0;
		fds[2].fd      = xfd;
		fds[2].events  = POLLIN;
		fds[2].revents = 0;
		n = poll(fds, xfd >= 0 ? 3 : 2, timeout);
		if ((n < 0) && (errno != EINTR)) {
			break;
		}
		if (fds[1].revents != 0) {
			nni_mtx_lock(&task->task_mtx);
			waker.written = false;
			pfd_wake_drain(wfd);
			nni_mtx_unlock(&task->task_mtx);
		}
		mask = (unsigned) fds[0].revents &
		    ((unsigned) POLLIN | (unsigned) POLLERR);
		if ((fds[0].revents & POLLHUP) != 0) {
			mask |= (unsigned) POLLIN;
		}

		nni_mtx_lock(&pfd->mtx);
		if ((mask != 0) && !pfd->closing) {
			// As the poller does: the callback re-arms what it
			// still needs.
			pfd->taken = false;
			cb         = pfd->cb;
			cbarg      = pfd->arg;
		}
		nni_mtx_unlock(&pfd->mtx);
		if (cb != NULL) {
			nni_aio_scope_enter();
			cb(pfd, mask, cbarg);
			nni_aio_scope_leave();
		}

		nni_mtx_lock(&task->task_mtx);
		busy = task->task_busy != 0;
		nni_mtx_unlock(&task->task_mtx);
		if (!busy) {
			rv = 0;
			if (cb != NULL) {
				// What this pipe brought ended the wait (a
				// ping-pong): this thread's next send on it
				// holds its reads.
				pfd_last_wait = id;
			}
		} else if ((xfd >= 0) && (fds[2].revents != 0)) {
			rv = NNG_EINTR;
			break;
		}
	}

	nni_mtx_lock(&task->task_mtx);
	if (task->task_wake_fn == pfd_wake) {
		task->task_wake_fn  = NULL;
		task->task_wake_arg = NULL;
		if (waker.written) {
			pfd_wake_drain(wfd);
		}
	}
	pfd_own_waker = NULL;
	nni_mtx_unlock(&task->task_mtx);

	nni_mtx_lock(&pfd->mtx);
	if (pfd->taken) {
		pfd_give_back(pfd);
	}
	pfd->waiter = false;
	nni_cv_wake(&pfd->wait_cv);
	nni_mtx_unlock(&pfd->mtx);
	return (rv);
}

// pnng: poll(2) on the caller's descriptors (at most 8), reading the calling
// thread's tcp/ipc pipe meanwhile as nni_posix_pfd_wait_task does: for a
// waiter of its own that sleeps on a socket's receive descriptor (pnng's
// interruptible req/rep receive), the pipe's message then reaches the socket
// on this thread and the kernel wakes it once.  Returns what poll returns
// for the caller's descriptors (their revents set).
int
nng_poll_pipe(struct pollfd *fds, int nfds, int ms)
{
	nni_posix_pollq *pq = &nni_posix_global_pollq;
	nni_posix_pfd   *pfd;
	uint32_t         id = pfd_hint;
	struct pollfd    all[9];
	nni_time         deadline = NNI_TIME_NEVER;
	int              rv;
	bool             plain = false;

	if ((id == 0) || (nfds < 0) || (nfds > 8) ||
	    (nni_aio_in_call())) {
		return (poll(fds, (nfds_t) nfds, ms));
	}
	nni_mtx_lock(&pq->mtx);
	if ((pfd = nni_id_get(&pq->ids, id)) == NULL) {
		nni_mtx_unlock(&pq->mtx);
		pfd_hint = 0;
		return (poll(fds, (nfds_t) nfds, ms));
	}
	nni_mtx_lock(&pfd->mtx);
	if (pfd->waiter || pfd->closing) {
		nni_mtx_unlock(&pfd->mtx);
		nni_mtx_unlock(&pq->mtx);
		return (poll(fds, (nfds_t) nfds, ms));
	}
	pfd->waiter = true;
	nni_mtx_unlock(&pfd->mtx);
	nni_mtx_unlock(&pq->mtx);
	if (ms >= 0) {
		deadline = nni_clock() + (nni_time) ms;
	}

	for (;;) {
		nni_posix_pfd_cb cb      = NULL;
		void            *cbarg   = NULL;
		int              timeout = -1;
		int              n       = nfds;
		int              raw;
		unsigned         mask;

		for (int i = 0; i < nfds; i++) {
			all[i]         = fds[i];
			all[i].revents = 0;
		}
		nni_mtx_lock(&pfd->mtx);
		if (!pfd->closing && (pfd->taken || pfd_take_in(pfd))) {
			all[n].fd      = pfd->fd;
			all[n].events  = POLLIN;
			all[n].revents = 0;
			n++;
		}
		nni_mtx_unlock(&pfd->mtx);
		if (n == nfds) {
			// The pipe is not ours to read (closing, the poller
			// has it, no read pending): leave it (its fini may
			// wait for us), then a plain poll.
			plain = true;
			break;
		}

		if (deadline != NNI_TIME_NEVER) {
			nni_time now = nni_clock();
			timeout = now >= deadline ? 0 : (int) (deadline - now);
		}
		if ((raw = poll(all, (nfds_t) n, timeout)) < 0) {
			rv = raw;
			break;
		}
		rv = 0;
		for (int i = 0; i < nfds; i++) {
			fds[i].revents = all[i].revents;
			if (all[i].revents != 0) {
				rv++;
			}
		}
		if ((rv > 0) || (raw == 0)) {
			break; // ready, or timed out
		}
		mask = (unsigned) all[nfds].revents &
		    ((unsigned) POLLIN | (unsigned) POLLERR);
		if ((all[nfds].revents & POLLHUP) != 0) {
			mask |= (unsigned) POLLIN;
		}
		nni_mtx_lock(&pfd->mtx);
		if ((mask != 0) && !pfd->closing) {
			pfd->taken = false; // the callback re-arms
			cb         = pfd->cb;
			cbarg      = pfd->arg;
		}
		nni_mtx_unlock(&pfd->mtx);
		if (cb != NULL) {
			nni_aio_scope_enter();
			cb(pfd, mask, cbarg);
			nni_aio_scope_leave();
			pfd_last_wait = id;
		}
	}

	nni_mtx_lock(&pfd->mtx);
	if (pfd->taken) {
		pfd_give_back(pfd);
	}
	pfd->waiter = false;
	nni_cv_wake(&pfd->wait_cv);
	nni_mtx_unlock(&pfd->mtx);
	if (plain) {
		int timeout = -1;
		if (deadline != NNI_TIME_NEVER) {
			nni_time now = nni_clock();
			timeout = now >= deadline ? 0 : (int) (deadline - now);
		}
		rv = poll(fds, (nfds_t) nfds, timeout);
	}
	return (rv);
}

#endif // NNG_HAVE_EPOLL
