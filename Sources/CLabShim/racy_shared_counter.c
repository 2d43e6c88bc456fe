// ─────────────────────────────────────────────────────────────────────────────────────────────
//  THE RACY KERNEL ACROSS PROCESSES. This file is racy ON PURPOSE (its threads' twin is
//  LabCore/Shared/RacyCounter.swift, which explains the choices below at length).
//
//  `shm count --lock none` must show that the lost update comes back as soon as processes share
//  memory: several forked workers add 1 to one integer in a MAP_SHARED segment with no lock, each
//  increment a load, then a store of the value plus one; another process's store in between is
//  overwritten. The load and the store are separate relaxed atomic accesses with a full fence
//  between them: the fence keeps the optimiser from fusing them into one `inc [mem]` (which a
//  preemption can never split), and is where a timer interrupt lands, so even on one CPU a worker
//  is stopped between its load and its store and later writes back a stale value. `noinline`
//  keeps one load and one store per iteration (inlined, a loop of increments becomes one add).
//
//  With `--lock mutex` or `--lock robust` the same increment runs under a PTHREAD_PROCESS_SHARED
//  mutex in the segment, and nothing is lost. Nothing else may use this file.
// ─────────────────────────────────────────────────────────────────────────────────────────────
#define _GNU_SOURCE
#include "CLabShim.h"
#include <errno.h>
#include <unistd.h>

/// One unsynchronised read-modify-write of a counter other processes write too. Racy on purpose.
__attribute__((noinline)) static void racy_increment(volatile int64_t *counter) {
    int64_t value = __atomic_load_n(counter, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);   // keeps the load and the store apart; not one step
    __atomic_store_n(counter, value + 1, __ATOMIC_RELAXED);
}

static int take(pthread_mutex_t *mutex) {
    int rc = pthread_mutex_lock(mutex);
    if (rc == EOWNERDEAD) { pthread_mutex_consistent(mutex); rc = 0; }
    return rc;
}

pid_t conclab_shm_fork_counter(struct conclab_shm_header *h, int index, int lock, long long increments) {
    if (index < 0 || index >= CONCLAB_SHM_MAX_WORKERS) { errno = EINVAL; return -1; }
    pid_t pid = conclab_shm_fork(-1);
    if (pid != 0) return pid;
    // The child: loads, stores, futex and the mutex, on memory mapped before the fork. No malloc, no stdio, no Swift.
    __atomic_fetch_add(&h->ready, 1, __ATOMIC_SEQ_CST);
    while (!__atomic_load_n(&h->go, __ATOMIC_SEQ_CST)) {
        if (__atomic_load_n(&h->stop, __ATOMIC_SEQ_CST)) _exit(0);
        conclab_futex_wait(&h->go, 0, 50000000LL);
    }
    pthread_mutex_t *mutex = lock == 1 ? &h->mutex : lock == 2 ? &h->robust : NULL;
    long long done = 0;
    while (increments == 0 || done < increments) {
        if (__atomic_load_n(&h->stop, __ATOMIC_RELAXED)) break;
        long long chunk = 1024;
        if (increments > 0 && increments - done < chunk) chunk = increments - done;
        if (mutex) {
            for (long long k = 0; k < chunk; k++) {
                if (take(mutex) != 0) _exit(2);
                racy_increment(&h->counter);
                pthread_mutex_unlock(mutex);
            }
        } else {
            for (long long k = 0; k < chunk; k++) racy_increment(&h->counter);
        }
        done += chunk;
    }
    __atomic_store_n(&h->tallies[index], done, __ATOMIC_SEQ_CST);
    _exit(0);
}
