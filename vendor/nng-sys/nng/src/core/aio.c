//
// Copyright 2024 Staysail Systems, Inc. <info@staysail.tech>
// Copyright 2018 Capitar IT Group BV <info@capitar.com>
//
// This software is supplied under the terms of the MIT License, a
// copy of which should be located in the distribution where this
// file was obtained (LICENSE.txt).  A copy of the license may also be
// found online at https://opensource.org/licenses/MIT.
//

#include "core/nng_impl.h"

#if defined(NNG_PLATFORM_POSIX)
#include <sched.h>
#endif

#include <limits.h>
#include <string.h>

struct nni_aio_expire_q {
	nni_mtx  eq_mtx;
	nni_cv   eq_cv;
	nni_list eq_list;
	nni_thr  eq_thr;
	nni_time eq_next; // next expiration
	bool     eq_exit;
	// pnng: cancel functions running now (called without eq_mtx), counted
	// in the slot of the epoch they started in; eq_barrier is set while a
	// barrier waits.  See nni_aio_cancel_barrier.
	uint64_t eq_epoch;
	unsigned eq_cancels[2];
	bool     eq_barrier;
};

static nni_aio_expire_q **nni_aio_expire_q_list;
static int                nni_aio_expire_q_cnt;

// Design notes.
//
// AIOs are only ever "completed" by the provider, which must call
// one of the nni_aio_finish variants.  Until this occurs, the provider
// guarantees that the AIO is valid.  The provider must guarantee that
// an AIO will be "completed" (with a call to nni_aio_finish & friends)
// exactly once.
//
// Note that the cancellation routine may be called by the framework
// several times.  The framework (or the consumer) guarantees that the
// AIO will remain valid across these calls, so that the provider is
// free to examine the aio for list membership, etc.  The provider must
// not call finish more than once though.
//
// We use an array of expiration queues, each with its own lock and
// condition variable, and expiration thread.  By default, this is one
// per CPU core present -- the goal being to reduce overall pressure
// caused by a single lock.  The number of queues (and threads) can
// be tuned using the NNG_NUM_EXPIRE_THREADS tunable.
//
// We will not permit an AIO
// to be marked done if an expiration is outstanding.
//
// In order to synchronize with the expiration, we record the aio as
// expiring, and wait for that record to be cleared (or at least not
// equal to the aio) before destroying it.
//
// The aio framework is tightly bound up with the task framework. We
// "prepare" the task for an aio when a caller marks an aio as starting
// (with nni_aio_begin), and that marks the task as busy. Then, all we have
// to do is wait for the task to complete (the busy flag to be cleared)
// when we want to know if the operation itself is complete.
//
// In order to guard against aio reuse during teardown, we set the a_stop
// flag.  Any attempt to initialize for a new operation after that point
// will fail and the caller will get NNG_ECANCELED indicating this.  The
// provider that calls nni_aio_begin() MUST check the return value, and
// if it comes back nonzero (NNG_ECANCELED) then it must simply discard the
// request and return.
//
// Calling nni_aio_wait waits for the current outstanding operation to
// complete, but does not block another one from being started on the
// same aio.  To synchronously stop the aio and prevent any further
// operations from starting on it, call nni_aio_stop.  To prevent the
// operations from starting, without waiting for any existing one to
// complete, call nni_aio_close.

static nni_reap_list aio_reap_list = {
	.rl_offset = offsetof(nni_aio, a_reap_node),
	.rl_func   = nni_aio_free_cb,
};

static void nni_aio_expire_add(nni_aio *);
static void nni_aio_expire_rm(nni_aio *);

// pnng: cancel calls running now, over all expire queues: the barrier's
// fast path (nothing running, nothing to wait for).
static nni_atomic_int aio_cancels_running;

// pnng: bracket a cancel function's call (see nni_aio_cancel_barrier).
// The start is counted under eq_mtx, where the function is taken.
static unsigned
aio_cancel_start(nni_aio_expire_q *eq)
{
	unsigned slot = (unsigned) (eq->eq_epoch & 1);
	eq->eq_cancels[slot]++;
	nni_atomic_inc(&aio_cancels_running);
	return (slot);
}

static void
aio_cancel_done(nni_aio_expire_q *eq, unsigned slot)
{
	nni_atomic_dec(&aio_cancels_running);
	nni_mtx_lock(&eq->eq_mtx);
	// Only a barrier waits for the count (eq_barrier is set while one
	// does); waking eq_cv otherwise only wakes the expire thread.
	if ((--eq->eq_cancels[slot] == 0) && eq->eq_barrier) {
		nni_cv_wake(&eq->eq_cv);
	}
	nni_mtx_unlock(&eq->eq_mtx);
}

// pnng: call a cancel function taken (and counted, in slot) under eq_mtx.
// The aio may be gone when it returns: eq is the caller's copy.
static void
aio_cancel_call(nni_aio_expire_q *eq, nni_aio *aio, nni_aio_cancel_fn fn,
    void *arg, int rv, unsigned slot)
{
	fn(aio, arg, rv);
	aio_cancel_done(eq, slot);
}

// pnng: inline completions (see nni_aio_set_inline in aio.h).  Each thread
// has a FIFO of finished inline aios whose callbacks have not run yet and
// a scope depth; the outermost nni_aio_scope_leave runs the list, and
// callbacks that finish further inline aios append to the same list, so
// the stack does not grow with a chain of completions.
#if defined(__GNUC__) || defined(__clang__)
#define NNI_AIO_INLINE 1
static NNI_TLS_FAST __thread nni_aio *aio_defer_head;
static NNI_TLS_FAST __thread nni_aio *aio_defer_tail;
static NNI_TLS_FAST __thread unsigned aio_scope_depth;
static NNI_TLS_FAST __thread bool     aio_call; // outermost scope: a send/recv call
// pnng: user callbacks completed while a task thread runs a user callback,
// run by that thread after it (nni_aio_user_leave); how many more may be.
static NNI_TLS_FAST __thread nni_aio *aio_after_head;
static NNI_TLS_FAST __thread nni_aio *aio_after_tail;
static NNI_TLS_FAST __thread unsigned aio_after_budget;
// pnng: set on task-queue threads; a count of this thread's send and
// receive calls (see nni_aio_scope_leave).
static NNI_TLS_FAST __thread bool     aio_task_thread;
static NNI_TLS_FAST __thread unsigned aio_calls;
#else
#define NNI_AIO_INLINE 0
#endif

// pnng: a caller's own thread reads its stream pipe while it waits, see
// nni_posix_pfd_wait_task (posix_pollq_epoll.c).
#if NNI_AIO_INLINE && defined(NNG_HAVE_EPOLL) && defined(NNG_HAVE_EVENTFD) && \
    !defined(NNG_HAVE_PORT_CREATE) && !defined(NNG_HAVE_KQUEUE)
#define NNI_AIO_WAIT_POLL 1
extern int      nni_posix_pfd_wait_task(nni_task *, int, int);
extern bool     nni_posix_pfd_release(void);
extern uint64_t nni_posix_pfd_hints(void);
extern void     nni_posix_pfd_hints_set(uint64_t);
#endif

void
nni_aio_set_inline(nni_aio *aio)
{
	aio->a_inline             = true;
	aio->a_task.task_inline   = true;
}

void
nni_aio_set_recv(nni_aio *aio, bool recv)
{
	aio->a_recv = recv;
}

void
nni_aio_set_user(nni_aio *aio)
{
	aio->a_user              = true;
	aio->a_task.task_user    = true;
}

// pnng: for an aio from nng_aio_alloc whose callback only wakes a waiter
// (signals a condition variable or posts to a queue) and takes no lock that
// a caller of NNG holds while calling NNG: it may complete inline too.
void
nng_aio_set_inline(nng_aio *aio)
{
	nni_aio_set_inline(aio);
}

#if NNI_AIO_INLINE
static void
aio_defer_run(void)
{
	nni_aio *aio;
	while ((aio = aio_defer_head) != NULL) {
		aio_defer_head = aio->a_defer_next;
		if (aio_defer_head == NULL) {
			aio_defer_tail = NULL;
		}
		aio->a_defer_next = NULL;
		aio->a_deferred   = false;
		nni_task_run_held(&aio->a_task);
	}
}

// An aio about to be waited for, stopped or freed by the thread whose
// deferred list holds it: run its callback now (waiting would never end).
static void
aio_defer_claim(nni_aio *aio)
{
	nni_aio **pp;
	nni_aio  *prev = NULL;
	if (!aio->a_deferred) {
		return;
	}
	for (pp = &aio_defer_head; *pp != NULL; pp = &(*pp)->a_defer_next) {
		if (*pp == aio) {
			*pp = aio->a_defer_next;
			if (aio_defer_tail == aio) {
				aio_defer_tail = prev;
			}
			aio->a_defer_next = NULL;
			aio->a_deferred   = false;
			nni_task_run_held(&aio->a_task);
			return;
		}
		prev = *pp;
	}
	// On another thread's list: that thread runs it when its scope ends.
}

// An aio on this thread's list of user callbacks to run after the current
// one, about to be waited for: it goes to the task queue instead, as it
// would have without the list (another task thread runs it).
static void
aio_after_claim(nni_aio *aio)
{
	nni_aio **pp;
	nni_aio  *prev = NULL;
	if (!aio->a_after) {
		return;
	}
	for (pp = &aio_after_head; *pp != NULL; pp = &(*pp)->a_defer_next) {
		if (*pp == aio) {
			*pp = aio->a_defer_next;
			if (aio_after_tail == aio) {
				aio_after_tail = prev;
			}
			aio->a_defer_next = NULL;
			aio->a_after      = false;
			nni_task_dispatch_held(&aio->a_task);
			return;
		}
		prev = *pp;
	}
	// On another thread's list: it runs there after that thread's callback.
}
#endif

// At most this many user callbacks run after one taken from the task
// queue, one after the other: a longer chain goes back to the queue.
#define NNI_AIO_AFTER_MAX 16

void
nni_aio_task_thread(void)
{
#if NNI_AIO_INLINE
	aio_task_thread = true;
#endif
}

// pnng: when the system task queue holds more than this many tasks at the
// end of an application thread's send or receive call (looked at every
// 16th call), the thread yields the CPU once.
#define NNI_AIO_BACKLOG_YIELD 1024

void
nni_aio_user_enter(void)
{
#if NNI_AIO_INLINE
	aio_after_budget = NNI_AIO_AFTER_MAX;
#endif
}

void
nni_aio_user_leave(void)
{
#if NNI_AIO_INLINE
	nni_aio *aio;
	while ((aio = aio_after_head) != NULL) {
		aio_after_head = aio->a_defer_next;
		if (aio_after_head == NULL) {
			aio_after_tail = NULL;
		}
		aio->a_defer_next = NULL;
		aio->a_after      = false;
		nni_task_run_held(&aio->a_task);
	}
	aio_after_budget = 0;
#endif
}

void
nng_aio_claim(nng_aio *aio)
{
#if NNI_AIO_INLINE
	aio_after_claim(aio);
#else
	NNI_ARG_UNUSED(aio);
#endif
}

void
nni_aio_scope_enter(void)
{
#if NNI_AIO_INLINE
	aio_scope_depth++;
#endif
}

// pnng: the scope of an application's send or receive call (socket.c).
void
nni_aio_call_enter(void)
{
#if NNI_AIO_INLINE
	if (aio_scope_depth == 0) {
		aio_call = true;
	}
	aio_scope_depth++;
#endif
}

bool
nni_aio_in_call(void)
{
#if NNI_AIO_INLINE
	return (aio_call);
#else
	return (false);
#endif
}

void
nni_aio_scope_leave(void)
{
#if NNI_AIO_INLINE
	if (aio_scope_depth == 1) {
		aio_defer_run();
		if (aio_call) {
			aio_call = false;
#if defined(NNG_PLATFORM_POSIX)
			// An application thread whose calls complete callbacks
			// faster than the task threads run them (thousands of
			// operations completing at once) lets them run, at a
			// point where it holds no lock of NNG's: on a busy CPU
			// the callbacks then find their operations' data still
			// in the cache, instead of thousands of entries later.
			if (!aio_task_thread && ((++aio_calls & 15) == 0) &&
			    (nni_taskq_sys_backlog() > NNI_AIO_BACKLOG_YIELD)) {
				sched_yield();
			}
#endif
#ifdef NNI_AIO_WAIT_POLL
			// A descriptor this call took from epoll goes back.
			if (nni_posix_pfd_release()) {
				aio_defer_run();
			}
#endif
		}
	}
	aio_scope_depth--;
#endif
}

// pnng: the expire queue of each new aio, in turn.  NNG picked one with
// nni_random(), a getrandom system call per aio (arc4random in glibc makes
// one per call); any spread across the queues will do.
static nni_atomic_int aio_expire_q_next;

void
nni_aio_init(nni_aio *aio, nni_cb cb, void *arg)
{
	unsigned next;

	memset(aio, 0, sizeof(*aio));
	nni_task_init(&aio->a_task, NULL, cb, arg);
	aio->a_expire  = NNI_TIME_NEVER;
	aio->a_timeout = NNG_DURATION_INFINITE;
	nni_atomic_inc(&aio_expire_q_next);
	next = (unsigned) nni_atomic_get(&aio_expire_q_next);
	aio->a_expire_q =
	    nni_aio_expire_q_list[next % (unsigned) nni_aio_expire_q_cnt];
}

void
nni_aio_fini(nni_aio *aio)
{
	nni_aio_cancel_fn fn;
	void             *arg;
	unsigned          slot;
	bool              finishing;
	nni_aio_expire_q *eq = aio->a_expire_q;

	// This is like aio_close, but we don't want to dispatch
	// the task.  And unlike aio_stop, we don't want to wait
	// for the task.  (Because we implicitly do task_fini.)
	// We also wait if the aio is being expired.
	nni_mtx_lock(&eq->eq_mtx);
	aio->a_stop = true;
	while (aio->a_expiring) {
		nni_cv_wait(&eq->eq_cv);
	}
	nni_aio_expire_rm(aio);
	fn                = aio->a_cancel_fn;
	arg               = aio->a_cancel_arg;
	aio->a_cancel_fn  = NULL;
	aio->a_cancel_arg = NULL;
	slot              = fn != NULL ? aio_cancel_start(eq) : 0; // pnng
	finishing         = aio->a_finishing; // pnng: see a_finishing
	nni_mtx_unlock(&eq->eq_mtx);

	if (fn != NULL) {
		aio_cancel_call(eq, aio, fn, arg, NNG_ECLOSED, slot);
	} else if (!finishing) {
		nni_task_abort(&aio->a_task);
	}

#if NNI_AIO_INLINE
	aio_defer_claim(aio); // pnng
	aio_after_claim(aio);
#endif
	nni_task_fini(&aio->a_task);
}

int
nni_aio_alloc(nni_aio **aio_p, nni_cb cb, void *arg)
{
	nni_aio *aio;

	if ((aio = NNI_ALLOC_STRUCT(aio)) == NULL) {
		return (NNG_ENOMEM);
	}
	nni_aio_init(aio, cb, arg);
	*aio_p = aio;
	return (0);
}

void
nni_aio_free(nni_aio *aio)
{
	if (aio != NULL) {
		nni_aio_fini(aio);
		NNI_FREE_STRUCT(aio);
	}
}

void
nni_aio_free_cb(void *aio)
{
	nni_aio_free((nni_aio *) aio);
}

void
nni_aio_reap(nni_aio *aio)
{
	if (aio != NULL) {
		nni_reap(&aio_reap_list, aio);
	}
}

int
nni_aio_set_iov(nni_aio *aio, unsigned nio, const nni_iov *iov)
{

	if (nio > NNI_NUM_ELEMENTS((aio->a_iov))) {
		return (NNG_EINVAL);
	}

	// Sometimes we are resubmitting our own io vector, with
	// just a smaller count.  We copy them only if we are not.
	if (iov != &aio->a_iov[0]) {
		for (unsigned i = 0; i < nio; i++) {
			aio->a_iov[i] = iov[i];
		}
	}
	aio->a_nio = nio;
	return (0);
}

// nni_aio_stop cancels any outstanding operation, and waits for the
// callback to complete, if still running.  It also marks the AIO as
// stopped, preventing further calls to nni_aio_begin from succeeding.
// To correctly tear down an AIO, call stop, and make sure any other
// callers are not also stopped, before calling nni_aio_free to release
// actual memory.
void
nni_aio_stop(nni_aio *aio)
{
	if (aio != NULL) {
		nni_aio_cancel_fn fn;
		void             *arg;
		unsigned          slot;
		nni_aio_expire_q *eq = aio->a_expire_q;

		nni_mtx_lock(&eq->eq_mtx);
		nni_aio_expire_rm(aio);
		fn                = aio->a_cancel_fn;
		arg               = aio->a_cancel_arg;
		aio->a_cancel_fn  = NULL;
		aio->a_cancel_arg = NULL;
		aio->a_stop       = true;
		slot = fn != NULL ? aio_cancel_start(eq) : 0; // pnng
		nni_mtx_unlock(&eq->eq_mtx);

		if (fn != NULL) {
			aio_cancel_call(eq, aio, fn, arg, NNG_ECANCELED, slot);
		}

		nni_aio_wait(aio);
	}
}

void
nni_aio_close(nni_aio *aio)
{
	if (aio != NULL) {
		nni_aio_cancel_fn fn;
		void             *arg;
		unsigned          slot;
		nni_aio_expire_q *eq = aio->a_expire_q;

		nni_mtx_lock(&eq->eq_mtx);
		nni_aio_expire_rm(aio);
		fn                = aio->a_cancel_fn;
		arg               = aio->a_cancel_arg;
		aio->a_cancel_fn  = NULL;
		aio->a_cancel_arg = NULL;
		aio->a_stop       = true;
		slot = fn != NULL ? aio_cancel_start(eq) : 0; // pnng
		nni_mtx_unlock(&eq->eq_mtx);

		if (fn != NULL) {
			aio_cancel_call(eq, aio, fn, arg, NNG_ECLOSED, slot);
		}
	}
}

void
nni_aio_set_timeout(nni_aio *aio, nni_duration when)
{
	aio->a_timeout    = when;
	aio->a_use_expire = false;
}

void
nni_aio_set_expire(nni_aio *aio, nni_time expire)
{
	aio->a_expire     = expire;
	aio->a_use_expire = true;
}

nng_duration
nni_aio_get_timeout(nni_aio *aio)
{
	return (aio->a_timeout);
}

void
nni_aio_set_msg(nni_aio *aio, nni_msg *msg)
{
	aio->a_msg = msg;
}

nni_msg *
nni_aio_get_msg(nni_aio *aio)
{
	return (aio->a_msg);
}

void
nni_aio_set_input(nni_aio *aio, unsigned index, void *data)
{
	if (index < NNI_NUM_ELEMENTS(aio->a_inputs)) {
		aio->a_inputs[index] = data;
	}
}

void *
nni_aio_get_input(nni_aio *aio, unsigned index)
{
	if (index < NNI_NUM_ELEMENTS(aio->a_inputs)) {
		return (aio->a_inputs[index]);
	}
	return (NULL);
}

void
nni_aio_set_output(nni_aio *aio, unsigned index, void *data)
{
	if (index < NNI_NUM_ELEMENTS(aio->a_outputs)) {
		aio->a_outputs[index] = data;
	}
}

void *
nni_aio_get_output(nni_aio *aio, unsigned index)
{
	if (index < NNI_NUM_ELEMENTS(aio->a_outputs)) {
		return (aio->a_outputs[index]);
	}
	return (NULL);
}

int
nni_aio_result(nni_aio *aio)
{
	return (aio->a_result);
}

size_t
nni_aio_count(nni_aio *aio)
{
	return (aio->a_count);
}

void
nni_aio_wait(nni_aio *aio)
{
#if NNI_AIO_INLINE
	aio_defer_claim(aio); // pnng
	aio_after_claim(aio);
#endif
#ifdef NNI_AIO_WAIT_POLL
	// pnng: a caller blocked on its own callback-less aio (a synchronous
	// receive) reads its stream pipe on its own thread instead
	// of sleeping until the poller thread has read it (posix_pollq_epoll.c).
	// Only receives: a blocked send waits for room, which its own pipe's
	// reads do not make.
	if (aio->a_user && aio->a_recv && (aio->a_task.task_cb == NULL) &&
	    (aio_scope_depth == 0)) {
		(void) nni_posix_pfd_wait_task(&aio->a_task, -1, -1);
	}
#endif
	nni_task_wait(&aio->a_task);
}

// pnng: for a waiter of its own (pnng's interruptible calls): waits until the
// receive on aio has completed and its callback has returned (0), until fd
// (if >= 0) is readable or ms milliseconds (if >= 0) have passed (NNG_EINTR),
// reading the calling thread's stream pipe meanwhile as nni_aio_wait does;
// NNG_ENOTSUP when that does not apply (the caller waits its own way: the
// operation may still be running).
int
nng_aio_wait_pipe(nng_aio *aio, int fd, int ms)
{
#ifdef NNI_AIO_WAIT_POLL
	if (aio->a_recv && (aio_scope_depth == 0)) {
		return (nni_posix_pfd_wait_task(&aio->a_task, fd, ms));
	}
#endif
	NNI_ARG_UNUSED(aio);
	NNI_ARG_UNUSED(fd);
	NNI_ARG_UNUSED(ms);
	return (NNG_ENOTSUP);
}

// pnng: the calling thread's stream descriptor hints (the one it last wrote
// to, and the one whose message ended its last wait; see
// posix_pollq_epoll.c) as one value, for a caller whose operations move
// between threads: it keeps them per socket and restores them on the thread
// that carries on (0 where the caller's thread does not read its pipe).
uint64_t
nng_pipe_hints(void)
{
#ifdef NNI_AIO_WAIT_POLL
	return (nni_posix_pfd_hints());
#else
	return (0);
#endif
}

void
nng_pipe_hints_set(uint64_t hints)
{
#ifdef NNI_AIO_WAIT_POLL
	nni_posix_pfd_hints_set(hints);
#else
	NNI_ARG_UNUSED(hints);
#endif
}

bool
nni_aio_busy(nni_aio *aio)
{
	return (nni_task_busy(&aio->a_task));
}

int
nni_aio_begin(nni_aio *aio)
{
	// If any of these triggers then the caller has a defect because
	// it means that the aio is already in use.  This is always
	// a bug in the caller.  These checks are not technically thread
	// safe in the event that they are false.  Users of race detectors
	// checks may wish ignore or suppress these checks.
	nni_aio_expire_q *eq = aio->a_expire_q;

	nni_mtx_lock(&eq->eq_mtx);
	NNI_ASSERT(!nni_aio_list_active(aio));
	NNI_ASSERT(aio->a_cancel_fn == NULL);
	NNI_ASSERT(!nni_list_node_active(&aio->a_expire_node));

	// Some initialization can be done outside the lock, because
	// we must have exclusive access to the aio.
	for (unsigned i = 0; i < NNI_NUM_ELEMENTS(aio->a_outputs); i++) {
		aio->a_outputs[i] = NULL;
	}
	aio->a_result    = 0;
	aio->a_count     = 0;
	aio->a_cancel_fn = NULL;
	aio->a_abort     = false;
	aio->a_finishing = false; // pnng: a new operation

	// We should not reschedule anything at this point.
	if (aio->a_stop) {
		aio->a_result    = NNG_ECANCELED;
		aio->a_cancel_fn = NULL;
		aio->a_expire    = NNI_TIME_NEVER;
		aio->a_sleep     = false;
		aio->a_expire_ok = false;
		nni_mtx_unlock(&eq->eq_mtx);

		return (NNG_ECANCELED);
	}
	nni_task_prep(&aio->a_task);
	nni_mtx_unlock(&eq->eq_mtx);
	return (0);
}

int
nni_aio_schedule(nni_aio *aio, nni_aio_cancel_fn cancel, void *data)
{
	nni_aio_expire_q *eq = aio->a_expire_q;

	if ((!aio->a_sleep) && (!aio->a_use_expire)) {
		// Convert the relative timeout to an absolute timeout.
		switch (aio->a_timeout) {
		case NNG_DURATION_ZERO:
			return (NNG_ETIMEDOUT);
		case NNG_DURATION_INFINITE:
		case NNG_DURATION_DEFAULT:
			aio->a_expire = NNI_TIME_NEVER;
			break;
		default:
			aio->a_expire = nni_clock() + aio->a_timeout;
			break;
		}
	}

	nni_mtx_lock(&eq->eq_mtx);
	if (aio->a_abort) {
		int rv = aio->a_result;
		nni_mtx_unlock(&eq->eq_mtx);
		return (rv);
	}

	if (aio->a_stop) {
		nni_mtx_unlock(&eq->eq_mtx);
		return (NNG_ECLOSED);
	}

	NNI_ASSERT(aio->a_cancel_fn == NULL);
	aio->a_cancel_fn  = cancel;
	aio->a_cancel_arg = data;
	aio->a_finishing  = true; // pnng: the provider will finish it

	// We only schedule expiration if we have a way for the expiration
	// handler to actively cancel it.
	if ((aio->a_expire != NNI_TIME_NEVER) && (cancel != NULL)) {
		nni_aio_expire_add(aio);
	}
	nni_mtx_unlock(&eq->eq_mtx);
	return (0);
}

// nni_aio_abort is called by a consumer which guarantees that the aio
// is still valid.
void
nni_aio_abort(nni_aio *aio, int rv)
{
	nni_aio_cancel_fn fn;
	void             *arg;
	unsigned          slot;
	nni_aio_expire_q *eq = aio->a_expire_q;

	nni_mtx_lock(&eq->eq_mtx);
	nni_aio_expire_rm(aio);
	fn                = aio->a_cancel_fn;
	arg               = aio->a_cancel_arg;
	aio->a_cancel_fn  = NULL;
	aio->a_cancel_arg = NULL;
	if (fn == NULL && !aio->a_finishing) {
		// We haven't been scheduled yet,
		// so make sure that the schedule will abort.
		// pnng: only then: once scheduled (the cancel function
		// taken by another caller) or finished, the result is the
		// provider's, and a late abort must not replace it.
		aio->a_abort  = true;
		aio->a_result = rv;
	}
	slot = fn != NULL ? aio_cancel_start(eq) : 0; // pnng
	nni_mtx_unlock(&eq->eq_mtx);

	// Stop any I/O at the provider level.
	if (fn != NULL) {
		aio_cancel_call(eq, aio, fn, arg, rv, slot);
	}
}

// I/O provider related functions.

static void
nni_aio_finish_impl(
    nni_aio *aio, int rv, size_t count, nni_msg *msg, bool sync)
{
	nni_aio_expire_q *eq = aio->a_expire_q;

	nni_mtx_lock(&eq->eq_mtx);

	nni_aio_expire_rm(aio);
	aio->a_result     = rv;
	aio->a_count      = count;
	aio->a_cancel_fn  = NULL;
	aio->a_cancel_arg = NULL;
	if (msg) {
		aio->a_msg = msg;
	}

	aio->a_expire     = NNI_TIME_NEVER;
	aio->a_sleep      = false;
	aio->a_use_expire = false;
	aio->a_finishing  = true; // pnng: see a_finishing in aio.h
	nni_mtx_unlock(&eq->eq_mtx);

#if NNI_AIO_INLINE
	if ((aio_after_budget > 0) && aio->a_user && !aio->a_inline &&
	    (aio->a_task.task_cb != NULL)) {
		// pnng: a task thread runs a user callback: this one runs
		// on the same thread after that callback has returned.
		aio_after_budget--;
		nni_task_hold(&aio->a_task);
		aio->a_after      = true;
		aio->a_defer_next = NULL;
		if (aio_after_tail != NULL) {
			aio_after_tail->a_defer_next = aio;
		} else {
			aio_after_head = aio;
		}
		aio_after_tail = aio;
		return;
	}
	if (aio_scope_depth > 0) {
		if (aio->a_inline && !sync) {
			// pnng: run on this thread when its scope ends;
			// the task's hold is taken now, as a dispatch does.
			nni_task_hold(&aio->a_task);
			aio->a_deferred   = true;
			aio->a_defer_next = NULL;
			if (aio_defer_tail != NULL) {
				aio_defer_tail->a_defer_next = aio;
			} else {
				aio_defer_head = aio;
			}
			aio_defer_tail = aio;
			return;
		}
		if (sync && aio->a_user && !aio->a_inline &&
		    aio->a_task.task_cb != NULL) {
			// pnng: a user callback never runs inside a scope.
			sync = false;
		}
	}
#endif
	if (sync) {
		nni_task_exec(&aio->a_task);
	} else {
		nni_task_dispatch(&aio->a_task);
	}
}

void
nni_aio_finish(nni_aio *aio, int result, size_t count)
{
	nni_aio_finish_impl(aio, result, count, NULL, false);
}

void
nni_aio_finish_sync(nni_aio *aio, int result, size_t count)
{
	nni_aio_finish_impl(aio, result, count, NULL, true);
}

void
nni_aio_finish_error(nni_aio *aio, int result)
{
	nni_aio_finish_impl(aio, result, 0, NULL, false);
}

void
nni_aio_finish_msg(nni_aio *aio, nni_msg *msg)
{
	NNI_ASSERT(msg != NULL);
	nni_aio_finish_impl(aio, 0, nni_msg_len(msg), msg, false);
}

void
nni_aio_list_init(nni_list *list)
{
	NNI_LIST_INIT(list, nni_aio, a_prov_node);
}

void
nni_aio_list_append(nni_list *list, nni_aio *aio)
{
	nni_aio_list_remove(aio);
	nni_list_append(list, aio);
}

void
nni_aio_list_remove(nni_aio *aio)
{
	nni_list_node_remove(&aio->a_prov_node);
}

int
nni_aio_list_active(nni_aio *aio)
{
	return (nni_list_node_active(&aio->a_prov_node));
}

// completions list.
// Implementation note: in order to avoid wasting space, we
// reuse the reap node -- which will be inactive here.
void
nni_aio_completions_init(nni_aio_completions *clp)
{
	*clp = NULL;
}

void
nni_aio_completions_add(
    nni_aio_completions *clp, nni_aio *aio, int result, size_t count)
{
	NNI_ASSERT(!nni_aio_list_active(aio));
	aio->a_reap_node.rn_next = *clp;
	aio->a_result            = result;
	aio->a_count             = count;
	*clp                     = aio;
}

void
nni_aio_completions_run(nni_aio_completions *clp)
{
	nni_aio *aio;
	nni_aio *cl = *clp;
	*clp        = NULL;

	while ((aio = cl) != NULL) {
		cl                       = (void *) aio->a_reap_node.rn_next;
		aio->a_reap_node.rn_next = NULL;
		nni_aio_finish_sync(aio, aio->a_result, aio->a_count);
	}
}

static void
nni_aio_expire_add(nni_aio *aio)
{
	nni_aio_expire_q *eq = aio->a_expire_q;

	nni_list_append(&eq->eq_list, aio);

	if (eq->eq_next > aio->a_expire) {
		eq->eq_next = aio->a_expire;
		nni_cv_wake(&eq->eq_cv);
	}
}

static void
nni_aio_expire_rm(nni_aio *aio)
{
	nni_list_node_remove(&aio->a_expire_node);

	// If this item is the one that is going to wake the loop,
	// don't worry about it.  It will wake up normally, or when we
	// add a new aio to it. Worst case is just one spurious wake up,
	// which we'd need to do anyway.
}

static void
nni_aio_expire_loop(void *arg)
{
	nni_aio_expire_q *q   = arg;
	nni_mtx          *mtx = &q->eq_mtx;
	nni_cv           *cv  = &q->eq_cv;
	nni_time          now;
	uint32_t          exp_idx;
	nni_aio          *expires[NNI_EXPIRE_BATCH];

	nni_thr_set_name(NULL, "nng:aio:expire");

	nni_mtx_lock(mtx);

	for (;;) {
		nni_aio *aio;
		int      rv;
		nni_time next;

		next = q->eq_next;
		now  = nni_clock();

		// Each time we wake up, we scan the entire list of elements.
		// We scan forward, moving up to NNI_EXPIRE_Q_SIZE elements
		// (a batch) to a saved array of things we are going to cancel.
		// This mostly runs in O(n), provided you don't have many
		// elements (> NNI_EXPIRE_Q_SIZE) all expiring simultaneously.
		aio = nni_list_first(&q->eq_list);
		if ((aio == NULL) && (q->eq_exit)) {
			nni_mtx_unlock(mtx);
			return;
		}
		if (now < next) {
			// Early wake up (just to reschedule), no need to
			// rescan the list.  This is an optimization.
			nni_cv_until(cv, next);
			continue;
		}
		q->eq_next = NNI_TIME_NEVER;
		exp_idx    = 0;
		while (aio != NULL) {
			if ((aio->a_expire < now) &&
			    (exp_idx < NNI_EXPIRE_BATCH)) {
				nni_aio *nxt;

				// This one is expiring.
				expires[exp_idx++] = aio;
				// save the next node
				nxt = nni_list_next(&q->eq_list, aio);
				nni_list_remove(&q->eq_list, aio);
				// Place a temporary hold on the aio.
				// This prevents it from being destroyed.
				aio->a_expiring = true;
				aio             = nxt;
				continue;
			}
			if (aio->a_expire < q->eq_next) {
				q->eq_next = aio->a_expire;
			}
			aio = nni_list_next(&q->eq_list, aio);
		}

		for (uint32_t i = 0; i < exp_idx; i++) {
			aio = expires[i];
			rv  = aio->a_expire_ok ? 0 : NNG_ETIMEDOUT;

			nni_aio_cancel_fn cancel_fn  = aio->a_cancel_fn;
			void             *cancel_arg = aio->a_cancel_arg;

			aio->a_cancel_fn  = NULL;
			aio->a_cancel_arg = NULL;

			// We let the cancel function handle the completion.
			// If there is no cancellation function, then we cannot
			// terminate the aio - we've tried, but it has to run
			// to its natural conclusion.
			if (cancel_fn != NULL) {
				unsigned slot = aio_cancel_start(q); // pnng
				nni_mtx_unlock(mtx);
				cancel_fn(aio, cancel_arg, rv);
				nni_mtx_lock(mtx);
				q->eq_cancels[slot]--; // woken below
				nni_atomic_dec(&aio_cancels_running);
			}
			aio->a_expiring = false;
		}
		nni_cv_wake(cv);

		if (now < q->eq_next) {
			nni_cv_until(cv, q->eq_next);
		}
	}
}

void *
nni_aio_get_prov_data(nni_aio *aio)
{
	return (aio->a_prov_data);
}

void
nni_aio_set_prov_data(nni_aio *aio, void *data)
{
	aio->a_prov_data = data;
}

void
nni_aio_get_iov(nni_aio *aio, unsigned *nio_p, nni_iov **iov_p)
{
	*nio_p = aio->a_nio;
	*iov_p = aio->a_iov;
}

void
nni_aio_normalize_timeout(nni_aio *aio, nng_duration dur)
{
	if (aio->a_timeout == NNG_DURATION_DEFAULT) {
		aio->a_timeout = dur;
	}
}

void
nni_aio_bump_count(nni_aio *aio, size_t n)
{
	aio->a_count += n;
}

size_t
nni_aio_iov_count(nni_aio *aio)
{
	size_t residual = 0;

	for (unsigned i = 0; i < aio->a_nio; i++) {
		residual += aio->a_iov[i].iov_len;
	}
	return (residual);
}

bool
nni_aio_iov_clamp_len(size_t *len, size_t *count)
{
	NNI_ASSERT(*count <= (size_t) INT_MAX);
	size_t headroom = (size_t) INT_MAX - *count;
	bool   clamped  = *len > headroom;
	if (clamped) {
		*len = headroom;
	}
	*count += *len;
	return clamped;
}

size_t
nni_aio_iov_advance(nni_aio *aio, size_t n)
{
	size_t residual = n;
	while (n) {
		NNI_ASSERT(aio->a_nio != 0);
		if (aio->a_iov[0].iov_len > n) {
			aio->a_iov[0].iov_len -= n;
			NNI_INCPTR(aio->a_iov[0].iov_buf, n);
			return (0); // we used all of "n"
		}
		residual -= aio->a_iov[0].iov_len;
		n -= aio->a_iov[0].iov_len;
		aio->a_nio--;
		for (unsigned i = 0; i < aio->a_nio; i++) {
			aio->a_iov[i] = aio->a_iov[i + 1];
		}
	}
	return (residual); // we might not have used all of n for this iov
}

static void
nni_sleep_cancel(nng_aio *aio, void *arg, int rv)
{
	NNI_ARG_UNUSED(arg);
	nni_aio_expire_q *eq = aio->a_expire_q;

	nni_mtx_lock(&eq->eq_mtx);
	if (!aio->a_sleep) {
		nni_mtx_unlock(&eq->eq_mtx);
		return;
	}

	aio->a_sleep = false;
	nni_aio_expire_rm(aio);
	nni_mtx_unlock(&eq->eq_mtx);

	nni_aio_finish_error(aio, rv);
}

void
nni_sleep_aio(nng_duration ms, nng_aio *aio)
{
	int rv;
	if (nni_aio_begin(aio) != 0) {
		return;
	}
	aio->a_expire_ok = true;
	aio->a_sleep     = true;
	switch (aio->a_timeout) {
	case NNG_DURATION_DEFAULT:
	case NNG_DURATION_INFINITE:
		// No premature timeout, honor our expected values.
		break;
	default:
		// If the timeout on the aio is shorter than our sleep time,
		// then let it still wake up early, but with NNG_ETIMEDOUT.
		if (ms > aio->a_timeout) {
			aio->a_expire_ok = false;
			ms               = aio->a_timeout;
		}
	}
	aio->a_expire = nni_clock() + ms;

	if ((rv = nni_aio_schedule(aio, nni_sleep_cancel, NULL)) != 0) {
		nni_aio_finish_error(aio, rv);
	}
}

static void
nni_aio_expire_q_free(nni_aio_expire_q *eq)
{
	if (eq == NULL) {
		return;
	}
	if (!eq->eq_exit) {
		nni_mtx_lock(&eq->eq_mtx);
		eq->eq_exit = true;
		nni_cv_wake(&eq->eq_cv);
		nni_mtx_unlock(&eq->eq_mtx);
	}

	nni_thr_fini(&eq->eq_thr);
	nni_cv_fini(&eq->eq_cv);
	nni_mtx_fini(&eq->eq_mtx);
	NNI_FREE_STRUCT(eq);
}

static nni_aio_expire_q *
nni_aio_expire_q_alloc(void)
{
	nni_aio_expire_q *eq;

	if ((eq = NNI_ALLOC_STRUCT(eq)) == NULL) {
		return (NULL);
	}
	nni_mtx_init(&eq->eq_mtx);
	nni_cv_init(&eq->eq_cv, &eq->eq_mtx);
	NNI_LIST_INIT(&eq->eq_list, nni_aio, a_expire_node);
	eq->eq_next = NNI_TIME_NEVER;
	eq->eq_exit = false;

	if (nni_thr_init(&eq->eq_thr, nni_aio_expire_loop, eq) != 0) {
		nni_aio_expire_q_free(eq);
		return (NULL);
	}

	nni_thr_run(&eq->eq_thr);
	return (eq);
}

// pnng: a cancel function is taken with its argument under eq_mtx and called
// after unlocking (by the expire thread, abort, stop, close or fini).  In that
// gap the provider may finish the aio and be freed (push0_cancel locking a
// freed socket's mutex after a close finished the send; tls_conn_cancel on a
// tls connection reaped after its dial failed).  So objects that may be cancel
// arguments call this before they are freed (sockets, contexts, and the reaper
// before each batch): it waits until the cancel calls running now have
// returned; ones that start later find the aio finished.  It must not be
// called from a cancel function, nor with a lock that one may take.
//
// The fast path: a call counts itself in aio_cancels_running (sequentially
// consistent) under eq_mtx when its function is taken, and uncounts itself
// after the function returns.  A call the barrier must wait for was taken
// before the object being freed was finished with (that finish took the same
// eq_mtx after it), so the barrier's load sees it counted unless it has
// returned: a count of zero means there is nothing to wait for, and the
// barrier costs one load instead of every expire queue's lock (closing many
// contexts paid for all of them on each close).
void
nni_aio_cancel_barrier(void)
{
	if (nni_atomic_get(&aio_cancels_running) == 0) {
		return;
	}
	for (int i = 0; i < nni_aio_expire_q_cnt; i++) {
		nni_aio_expire_q *eq = nni_aio_expire_q_list[i];
		nni_mtx_lock(&eq->eq_mtx);
		// One barrier at a time, in two phases: a call that started
		// before may count in either slot (an earlier barrier flipped
		// the epoch), and each phase moves new calls to the other slot
		// before waiting for one, so a stream of new calls cannot
		// starve it.
		while (eq->eq_barrier) {
			nni_cv_wait(&eq->eq_cv);
		}
		eq->eq_barrier = true;
		for (int phase = 0; phase < 2; phase++) {
			unsigned slot = (unsigned) (eq->eq_epoch++ & 1);
			while (eq->eq_cancels[slot] != 0) {
				nni_cv_wait(&eq->eq_cv);
			}
		}
		eq->eq_barrier = false;
		nni_cv_wake(&eq->eq_cv);
		nni_mtx_unlock(&eq->eq_mtx);
	}
}

void
nni_aio_sys_fini(void)
{
	for (int i = 0; i < nni_aio_expire_q_cnt; i++) {
		nni_aio_expire_q_free(nni_aio_expire_q_list[i]);
	}
	nni_free(nni_aio_expire_q_list,
	    sizeof(nni_aio_expire_q *) * nni_aio_expire_q_cnt);
	nni_aio_expire_q_cnt  = 0;
	nni_aio_expire_q_list = NULL;
}

int
nni_aio_sys_init(void)
{
	int num_thr;
	int max_thr;

	nni_atomic_init(&aio_cancels_running); // pnng
	nni_atomic_init(&aio_expire_q_next);   // pnng

#ifndef NNG_MAX_EXPIRE_THREADS
#define NNG_MAX_EXPIRE_THREADS 8
#endif

#ifndef NNG_NUM_EXPIRE_THREADS
#define NNG_NUM_EXPIRE_THREADS (nni_plat_ncpu())
#endif

	max_thr = (int) nni_init_get_param(
	    NNG_INIT_MAX_EXPIRE_THREADS, NNG_MAX_EXPIRE_THREADS);

	num_thr = (int) nni_init_get_param(
	    NNG_INIT_NUM_EXPIRE_THREADS, NNG_NUM_EXPIRE_THREADS);

	if ((max_thr > 0) && (num_thr > max_thr)) {
		num_thr = max_thr;
	}
	if (num_thr < 1) {
		num_thr = 1;
	}
	nni_init_set_effective(NNG_INIT_NUM_EXPIRE_THREADS, num_thr);
	nni_aio_expire_q_list =
	    nni_zalloc(sizeof(nni_aio_expire_q *) * num_thr);
	nni_aio_expire_q_cnt = num_thr;
	for (int i = 0; i < num_thr; i++) {
		nni_aio_expire_q *eq;
		if ((eq = nni_aio_expire_q_alloc()) == NULL) {
			nni_aio_sys_fini();
			return (NNG_ENOMEM);
		}
		nni_aio_expire_q_list[i] = eq;
	}

	return (0);
}
