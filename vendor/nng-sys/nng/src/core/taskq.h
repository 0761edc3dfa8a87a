//
// Copyright 2022 Staysail Systems, Inc. <info@staysail.tech>
// Copyright 2018 Capitar IT Group BV <info@capitar.com>
//
// This software is supplied under the terms of the MIT License, a
// copy of which should be located in the distribution where this
// file was obtained (LICENSE.txt).  A copy of the license may also be
// found online at https://opensource.org/licenses/MIT.
//

#ifndef CORE_TASKQ_H
#define CORE_TASKQ_H

#include "core/defs.h"
#include "core/list.h"

typedef struct nni_taskq nni_taskq;
typedef struct nni_task  nni_task;

extern int  nni_taskq_init(nni_taskq **, int);
extern void nni_taskq_fini(nni_taskq *);

// nni_task_dispatch sends the task to the queue.  It is guaranteed to
// succeed.  (If the queue is shutdown, then the behavior is undefined.)
extern void nni_task_dispatch(nni_task *);

// nni_task_exec runs the task synchronously, if possible.  (Under certain
// circumstances the task must be run asynchronously.)  The caller is
// responsible for ensuring that it does not hold any resources which might
// be acquired by the task itself; otherwise deadlock may occur.  (When in
// doubt, use nni_task_dispatch instead.)
extern void nni_task_exec(nni_task *);

// pnng: nni_task_exec in two halves (taskq.c).
extern void nni_task_hold(nni_task *);
extern void nni_task_run_held(nni_task *);
// pnng: queues a task whose hold nni_task_hold took (aio.c).
extern void nni_task_dispatch_held(nni_task *);
// pnng: tasks waiting in the system task queue (a hint, taskq.c).
extern int nni_taskq_sys_backlog(void);

// nni_task_prep is used by and exclusively for the aio framework.
// nni_task_prep marks the task as "scheduled" without actually
// dispatching anything to it yet; nni_task_wait will block waiting for the
// task to complete normally (after a call to nni_task_dispatch or
// nni_task_exec).
extern void nni_task_prep(nni_task *);

// nni_task_abort is called to undo the effect of nni_task_prep,
// basically. The aio framework uses this when nni_aio_schedule()
// returns an error.
extern void nni_task_abort(nni_task *);

// nni_task_busy checks to see if a task is still busy.
// This is uses the same check that nni_task_wait uses.
extern bool nni_task_busy(nni_task *);

// nni_task_wait waits for the task to complete.  If additional
// work is scheduled on the task then it will not return until that
// work (or any other work subsequently scheduled) is complete.
extern void nni_task_wait(nni_task *);
extern void  nni_task_init(nni_task *, nni_taskq *, nni_cb, void *);

// nni_task_fini destroys the task.  It will reap resources asynchronously
// if the task is currently executing.  Use nni_task_wait() first if the
// callback must be stopped entirely before destroying the task (such as if
// it reschedules the task.)
extern void nni_task_fini(nni_task *);

extern int  nni_taskq_sys_init(void);
extern void nni_taskq_sys_fini(void);

// pnng: waits until the system task queue is idle; whether it waited.
extern bool nni_taskq_sys_drain(void);

// nni_task implementation details are not to be used except by the
// nni_task_framework.  Placing here allows for inlining this in
// consuming structures.
struct nni_task {
	nni_list_node task_node;
	void *        task_arg;
	nni_cb        task_cb;
	nni_taskq *   task_tq;
	unsigned      task_busy;
	bool          task_prep;
	bool          task_inline; // pnng: an inline aio's task (aio.c)
	bool          task_user;   // pnng: a user aio's callback (aio.c)
	// pnng: a waiter that does not sleep on task_cv (it polls a
	// descriptor, see nni_posix_pfd_wait_task) is woken by this too.
	void (*task_wake_fn)(void *);
	void *task_wake_arg;
	// pnng: wakers between their unlock and their cv wake (taskq.c);
	// fini waits for them.
	unsigned task_waking;
	bool     task_fini;
	// pnng: threads asleep on task_cv (nni_task_wait, nni_task_fini):
	// with none, a task that is done wakes nobody (taskq.c).  16 bits:
	// in the room before task_mtx.
	uint16_t task_sleepers;
	nni_mtx       task_mtx;
	nni_cv        task_cv;
};

#endif // CORE_TASKQ_H
