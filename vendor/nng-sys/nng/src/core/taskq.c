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

#if defined(__linux__)
#include <sched.h>
#include <string.h>
#endif

typedef struct nni_taskq_thr nni_taskq_thr;
struct nni_taskq_thr {
	nni_taskq *tqt_tq;
	nni_thr    tqt_thread;
};
struct nni_taskq {
	nni_list       tq_tasks;
	nni_mtx        tq_mtx;
	nni_cv         tq_sched_cv;
	nni_cv         tq_wait_cv;
	nni_taskq_thr *tq_threads;
	int            tq_nthreads;
	int            tq_active; // pnng: callbacks running (nni_taskq_sys_drain)
	int            tq_len;    // pnng: tasks queued (nni_taskq_sys_backlog)
	bool           tq_run;
};

static nni_taskq *nni_taskq_systq = NULL;

// pnng: the queue's length, changed under tq_mtx and read without it by
// nni_taskq_sys_backlog (a hint), hence atomic stores and loads.
static void
taskq_len_add(nni_taskq *tq, int delta)
{
#if defined(__GNUC__) || defined(__clang__)
	__atomic_store_n(&tq->tq_len, tq->tq_len + delta, __ATOMIC_RELAXED);
#else
	tq->tq_len += delta;
#endif
}

// pnng: with task_mtx held and the busy count just decremented: when it
// reached zero, wakes the waiters after unlocking.  Woken under the lock, a
// waiter that runs at once (one CPU, wake-up preemption) finds the lock
// still held, sleeps on it, and costs two more context switches.  The
// waking count keeps the task (its cv) alive until the wake is done:
// nni_task_fini waits for it.
static void
task_done_unlock(nni_task *task)
{
	if (task->task_busy != 0) {
		nni_mtx_unlock(&task->task_mtx);
		return;
	}
	if (task->task_wake_fn != NULL) {
		// Its argument lives only while the waiter has it set.
		task->task_wake_fn(task->task_wake_arg);
	}
	if (task->task_sleepers == 0) {
		// Nobody sleeps on task_cv: no wake-up to make.
		nni_mtx_unlock(&task->task_mtx);
		return;
	}
	task->task_waking++;
	nni_mtx_unlock(&task->task_mtx);
	nni_cv_wake(&task->task_cv);
	nni_mtx_lock(&task->task_mtx);
	if ((--task->task_waking == 0) && task->task_fini) {
		nni_cv_wake(&task->task_cv);
	}
	nni_mtx_unlock(&task->task_mtx);
}

static void
nni_taskq_thread(void *self)
{
	nni_taskq_thr *thr = self;
	nni_taskq     *tq  = thr->tqt_tq;
	nni_task      *task;

	nni_thr_set_name(NULL, "nng:task");
	nni_aio_task_thread(); // pnng: see nni_aio_scope_leave
#if defined(__linux__) && defined(SCHED_BATCH)
	// pnng: a task thread that wakes up does not preempt the thread
	// that woke it (SCHED_BATCH: same share of the CPU, no wake-up
	// preemption).  With inline completions the thread dispatching a
	// callback usually holds a socket lock the callback then takes;
	// preempting it there makes the callback block on that lock at once
	// and hand the CPU back, two context switches per message on a busy
	// CPU.  Threads of the application keep preempting task threads.
	{
		struct sched_param sp;
		memset(&sp, 0, sizeof(sp));
		(void) sched_setscheduler(0, SCHED_BATCH, &sp);
	}
#endif

	nni_mtx_lock(&tq->tq_mtx);
	for (;;) {
		if ((task = nni_list_first(&tq->tq_tasks)) != NULL) {

			nni_list_remove(&tq->tq_tasks, task);
			taskq_len_add(tq, -1); // pnng
			tq->tq_active++;

			nni_mtx_unlock(&tq->tq_mtx);

			// pnng: inline completions started by an inline
			// aio's callback run on this thread (aio.c).
			bool scope = task->task_inline;
			bool user  = task->task_user;
			if (scope) {
				nni_aio_scope_enter();
			}
			if (user) {
				nni_aio_user_enter();
			}
			task->task_cb(task->task_arg);

			nni_mtx_lock(&task->task_mtx);
			task->task_busy--;
			task_done_unlock(task); // pnng
			if (scope) {
				nni_aio_scope_leave();
			}
			if (user) {
				// pnng: user callbacks that the one just
				// run completed run now, after it (aio.c).
				nni_aio_user_leave();
			}

			nni_mtx_lock(&tq->tq_mtx);
			if ((--tq->tq_active == 0) &&
			    nni_list_empty(&tq->tq_tasks)) {
				nni_cv_wake(&tq->tq_wait_cv);
			}

			continue;
		}

		if (!tq->tq_run) {
			break;
		}
		nni_cv_wait(&tq->tq_sched_cv);
	}
	nni_mtx_unlock(&tq->tq_mtx);
}

int
nni_taskq_init(nni_taskq **tqp, int nthr)
{
	nni_taskq *tq;

	if ((tq = NNI_ALLOC_STRUCT(tq)) == NULL) {
		return (NNG_ENOMEM);
	}
	if ((tq->tq_threads = NNI_ALLOC_STRUCTS(tq->tq_threads, nthr)) ==
	    NULL) {
		NNI_FREE_STRUCT(tq);
		return (NNG_ENOMEM);
	}
	tq->tq_nthreads = nthr;
	NNI_LIST_INIT(&tq->tq_tasks, nni_task, task_node);

	nni_mtx_init(&tq->tq_mtx);
	nni_cv_init(&tq->tq_sched_cv, &tq->tq_mtx);
	nni_cv_init(&tq->tq_wait_cv, &tq->tq_mtx);

	for (int i = 0; i < nthr; i++) {
		int rv;
		tq->tq_threads[i].tqt_tq = tq;
		rv = nni_thr_init(&tq->tq_threads[i].tqt_thread,
		    nni_taskq_thread, &tq->tq_threads[i]);
		if (rv != 0) {
			nni_taskq_fini(tq);
			return (rv);
		}
	}
	tq->tq_run = true;
	for (int i = 0; i < tq->tq_nthreads; i++) {
		nni_thr_run(&tq->tq_threads[i].tqt_thread);
	}
	*tqp = tq;
	return (0);
}

void
nni_taskq_fini(nni_taskq *tq)
{
	if (tq == NULL) {
		return;
	}
	if (tq->tq_run) {
		nni_mtx_lock(&tq->tq_mtx);
		tq->tq_run = false;
		nni_cv_wake(&tq->tq_sched_cv);
		nni_mtx_unlock(&tq->tq_mtx);
	}
	for (int i = 0; i < tq->tq_nthreads; i++) {
		nni_thr_fini(&tq->tq_threads[i].tqt_thread);
	}
	nni_cv_fini(&tq->tq_wait_cv);
	nni_cv_fini(&tq->tq_sched_cv);
	nni_mtx_fini(&tq->tq_mtx);
	NNI_FREE_STRUCTS(tq->tq_threads, tq->tq_nthreads);
	NNI_FREE_STRUCT(tq);
}

void
nni_task_exec(nni_task *task)
{
	nni_mtx_lock(&task->task_mtx);
	if (task->task_prep) {
		task->task_prep = false;
	} else {
		task->task_busy++;
	}
	nni_mtx_unlock(&task->task_mtx);

	if (task->task_cb != NULL) {
		task->task_cb(task->task_arg);
	}

	nni_mtx_lock(&task->task_mtx);
	task->task_busy--;
	task_done_unlock(task); // pnng
}

// pnng: the two halves of nni_task_exec, for a completion deferred to the
// end of the finishing thread's scope (aio.c): nni_task_hold takes the busy
// hold at once, as nni_task_dispatch does (so a stop or fini in between
// waits for the callback), and nni_task_run_held runs the callback later.
void
nni_task_hold(nni_task *task)
{
	nni_mtx_lock(&task->task_mtx);
	if (task->task_prep) {
		task->task_prep = false;
	} else {
		task->task_busy++;
	}
	nni_mtx_unlock(&task->task_mtx);
}

void
nni_task_run_held(nni_task *task)
{
	if (task->task_cb != NULL) {
		task->task_cb(task->task_arg);
	}

	nni_mtx_lock(&task->task_mtx);
	task->task_busy--;
	task_done_unlock(task); // pnng
}

void
nni_task_dispatch_held(nni_task *task)
{
	nni_taskq *tq = task->task_tq;

	nni_mtx_lock(&tq->tq_mtx);
	nni_list_append(&tq->tq_tasks, task);
	taskq_len_add(tq, 1); // pnng
	nni_cv_wake1(&tq->tq_sched_cv);
	nni_mtx_unlock(&tq->tq_mtx);
}

void
nni_task_dispatch(nni_task *task)
{
	nni_taskq *tq = task->task_tq;

	// If there is no callback to perform, then do nothing!
	// The user will be none the wiser.
	if (task->task_cb == NULL) {
		nni_task_exec(task);
		return;
	}
	nni_mtx_lock(&task->task_mtx);
	if (task->task_prep) {
		task->task_prep = false;
	} else {
		task->task_busy++;
	}
	nni_mtx_unlock(&task->task_mtx);

	nni_mtx_lock(&tq->tq_mtx);
	nni_list_append(&tq->tq_tasks, task);
	taskq_len_add(tq, 1); // pnng
	nni_cv_wake1(&tq->tq_sched_cv); // waking just one waiter is adequate
	nni_mtx_unlock(&tq->tq_mtx);
}

void
nni_task_prep(nni_task *task)
{
	nni_mtx_lock(&task->task_mtx);
	task->task_busy++;
	task->task_prep = true;
	nni_mtx_unlock(&task->task_mtx);
}

void
nni_task_abort(nni_task *task)
{
	// This is called when unscheduling the task.
	nni_mtx_lock(&task->task_mtx);
	if (task->task_prep) {
		task->task_prep = false;
		task->task_busy--;
		task_done_unlock(task); // pnng
		return;
	}
	nni_mtx_unlock(&task->task_mtx);
}
void
nni_task_wait(nni_task *task)
{
	nni_mtx_lock(&task->task_mtx);
	while (task->task_busy) {
		task->task_sleepers++;
		nni_cv_wait(&task->task_cv);
		task->task_sleepers--;
	}
	nni_mtx_unlock(&task->task_mtx);
}

bool
nni_task_busy(nni_task *task)
{
	bool busy;
	nni_mtx_lock(&task->task_mtx);
	busy = task->task_busy;
	nni_mtx_unlock(&task->task_mtx);
	return (busy);
}

void
nni_task_init(nni_task *task, nni_taskq *tq, nni_cb cb, void *arg)
{
	NNI_LIST_NODE_INIT(&task->task_node);
	nni_mtx_init(&task->task_mtx);
	nni_cv_init(&task->task_cv, &task->task_mtx);
	task->task_prep = false;
	task->task_inline = false;
	task->task_wake_fn  = NULL;
	task->task_wake_arg = NULL;
	task->task_waking   = 0;
	task->task_fini     = false;
	task->task_sleepers = 0;
	task->task_busy = 0;
	task->task_cb   = cb;
	task->task_arg  = arg;
	task->task_tq   = tq != NULL ? tq : nni_taskq_systq;
}

void
nni_task_fini(nni_task *task)
{
	nni_mtx_lock(&task->task_mtx);
	task->task_fini = true; // pnng: see task_done_unlock
	while (task->task_busy || task->task_waking) {
		task->task_sleepers++;
		nni_cv_wait(&task->task_cv);
		task->task_sleepers--;
	}
	nni_mtx_unlock(&task->task_mtx);
	nni_cv_fini(&task->task_cv);
	nni_mtx_fini(&task->task_mtx);
}

int
nni_taskq_sys_init(void)
{
	int num_thr;
	int max_thr;

#ifndef NNG_NUM_TASKQ_THREADS
#define NNG_NUM_TASKQ_THREADS (nni_plat_ncpu() * 2)
#endif

#ifndef NNG_MAX_TASKQ_THREADS
#define NNG_MAX_TASKQ_THREADS 16
#endif

	max_thr = (int) nni_init_get_param(
	    NNG_INIT_MAX_TASK_THREADS, NNG_MAX_TASKQ_THREADS);

	num_thr = (int) nni_init_get_param(
	    NNG_INIT_NUM_TASK_THREADS, NNG_NUM_TASKQ_THREADS);

	if ((max_thr > 0) && (num_thr > max_thr)) {
		num_thr = max_thr;
	}
	if (num_thr < 2) {
		num_thr = 2;
	}
	nni_init_set_effective(NNG_INIT_NUM_TASK_THREADS, num_thr);

	return (nni_taskq_init(&nni_taskq_systq, num_thr));
}

// pnng: nni_taskq_sys_drain waits until the system task queue has nothing
// queued and no callback running; whether it had anything to wait for.
bool
nni_taskq_sys_drain(void)
{
	nni_taskq *tq     = nni_taskq_systq;
	bool       waited = false;

	if (tq == NULL) {
		return (false);
	}
	nni_mtx_lock(&tq->tq_mtx);
	while ((tq->tq_active != 0) || !nni_list_empty(&tq->tq_tasks)) {
		waited = true;
		nni_cv_wait(&tq->tq_wait_cv);
	}
	nni_mtx_unlock(&tq->tq_mtx);
	return (waited);
}

void
nni_taskq_sys_fini(void)
{
	nni_taskq_fini(nni_taskq_systq);
	nni_taskq_systq = NULL;
}

// pnng: how many tasks wait in the system task queue, read without its
// lock: a hint (nni_aio_scope_leave).
int
nni_taskq_sys_backlog(void)
{
	nni_taskq *tq = nni_taskq_systq;

	if (tq == NULL) {
		return (0);
	}
#if defined(__GNUC__) || defined(__clang__)
	return (__atomic_load_n(&tq->tq_len, __ATOMIC_RELAXED));
#else
	return (0);
#endif
}
