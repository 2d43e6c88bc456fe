// Shared memory: a memfd segment whose first page holds two process-shared mutexes (one robust), futex words for
// the counting demonstration and the bandwidth benchmark, and the children that use them (LabOS/SharedMemory.swift).
// The racy counting loop is not here: it lives in racy_shared_counter.c, on purpose and alone.
#define _GNU_SOURCE
#include "CLabShim.h"
#include <errno.h>
#include <linux/futex.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int conclab_memfd_create(const char *name) { return memfd_create(name, MFD_CLOEXEC); }

static int init_mutex(pthread_mutex_t *mutex, int robust) {
    pthread_mutexattr_t attr;
    int rc = pthread_mutexattr_init(&attr);
    if (rc != 0) return rc;
    rc = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    if (rc == 0 && robust) rc = pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    if (rc == 0) rc = pthread_mutex_init(mutex, &attr);
    pthread_mutexattr_destroy(&attr);
    return rc;
}

int conclab_shm_init(struct conclab_shm_header *header, uint64_t size) {
    memset(header, 0, sizeof *header);
    header->magic = 0x636f6e636c616273ULL;  // "conclabs"
    header->size = size;
    int rc = init_mutex(&header->mutex, 0);
    if (rc == 0) rc = init_mutex(&header->robust, 1);
    return rc;
}

int conclab_shm_mutex_owner(pthread_mutex_t *mutex, unsigned int *lock_word) {
    *lock_word = (unsigned int)__atomic_load_n(&mutex->__data.__lock, __ATOMIC_RELAXED);
    return __atomic_load_n(&mutex->__data.__owner, __ATOMIC_RELAXED);
}

int conclab_shm_lock_once(pthread_mutex_t *mutex, long long timeout_ns, int recover) {
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    long long ns = (long long)deadline.tv_nsec + (timeout_ns > 0 ? timeout_ns : 0);
    deadline.tv_sec += (time_t)(ns / 1000000000LL);
    deadline.tv_nsec = (long)(ns % 1000000000LL);
    int rc = pthread_mutex_clocklock(mutex, CLOCK_MONOTONIC, &deadline);
    if (rc == 0) {
        pthread_mutex_unlock(mutex);
    } else if (rc == EOWNERDEAD) {
        // We hold it now, and whatever it protects may be half-updated: say it is consistent again, or not.
        if (recover) pthread_mutex_consistent(mutex);
        pthread_mutex_unlock(mutex);
    }
    return rc;
}

int conclab_futex_wait(uint32_t *word, uint32_t expected, long long timeout_ns) {
    struct timespec timeout = { (time_t)(timeout_ns / 1000000000LL), (long)(timeout_ns % 1000000000LL) };
    return (int)syscall(SYS_futex, word, FUTEX_WAIT, expected, timeout_ns >= 0 ? &timeout : NULL, NULL, 0);
}

int conclab_futex_wake(uint32_t *word, int count) {
    return (int)syscall(SYS_futex, word, FUTEX_WAKE, count, NULL, NULL, 0);
}

pthread_mutex_t *conclab_shm_mutex(struct conclab_shm_header *h, int robust) { return robust ? &h->robust : &h->mutex; }

void conclab_close_inherited(int keep) {
    // A long-lived forked child must not keep the shell's other descriptors open (a pipe's write end held here would
    // keep its reader from ever seeing end of file). close_range(2), Linux 5.9; without it, close them one by one.
    unsigned int first = 3;
    if (keep >= 3) {
        if (keep > 3 && syscall(SYS_close_range, 3U, (unsigned int)keep - 1, 0U) != 0)
            for (int fd = 3; fd < keep; fd++) close(fd);
        first = (unsigned int)keep + 1;
    }
    if (syscall(SYS_close_range, first, ~0U, 0U) != 0)
        for (int fd = (int)first; fd < 1024; fd++) close(fd);
}

pid_t conclab_shm_fork(int keep) {
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid != 0) return pid;
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (getppid() != parent) _exit(1);
    conclab_close_inherited(keep);
    return 0;
}

static void report_ints(int fd, int a, int b) {
    unsigned char bytes[8];
    for (int i = 0; i < 4; i++) bytes[i] = (unsigned char)((unsigned)a >> (8 * (3 - i)));
    for (int i = 0; i < 4; i++) bytes[4 + i] = (unsigned char)((unsigned)b >> (8 * (3 - i)));
    size_t done = 0;
    while (done < sizeof bytes) {
        ssize_t w = write(fd, bytes + done, sizeof bytes - done);
        if (w < 0) { if (errno == EINTR) continue; return; }
        done += (size_t)w;
    }
}

pid_t conclab_shm_fork_holder(pthread_mutex_t *mutex, int report_fd) {
    pid_t pid = conclab_shm_fork(report_fd);
    if (pid != 0) return pid;
    // The child: the lock, a report, and sleep. No malloc, no stdio, no Swift.
    int rc = pthread_mutex_lock(mutex);
    if (rc == EOWNERDEAD) pthread_mutex_consistent(mutex);
    report_ints(report_fd, (int)getpid(), rc);
    close(report_fd);
    for (;;) pause();
}

// ---- `ipc bench shm`: a spin-then-futex handshake over two sequence numbers.

/// Waits until `*word` is no longer `seen`: a short spin (the other side is often running on another core), then
/// sleeps in futex, saying so in `*sleeps` so the other side knows to wake it. -1 once the abort word is set.
static int wait_change(struct conclab_shm_header *h, uint32_t *word, uint32_t seen, uint32_t *sleeps) {
    for (int spin = 0; spin < 100; spin++) {
        if (__atomic_load_n(word, __ATOMIC_ACQUIRE) != seen) return 0;
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    }
    for (;;) {
        __atomic_store_n(sleeps, 1, __ATOMIC_SEQ_CST);
        if (__atomic_load_n(word, __ATOMIC_SEQ_CST) != seen) break;
        if (__atomic_load_n(&h->abort_flag, __ATOMIC_SEQ_CST)) { __atomic_store_n(sleeps, 0, __ATOMIC_SEQ_CST); return -1; }
        conclab_futex_wait(word, seen, 50000000LL);
        if (__atomic_load_n(word, __ATOMIC_ACQUIRE) != seen) break;
    }
    __atomic_store_n(sleeps, 0, __ATOMIC_SEQ_CST);
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    return 0;
}

/// Publishes `value` in `*word` and wakes the other side if it sleeps on it.
static void publish(uint32_t *word, uint32_t value, uint32_t *sleeps) {
    __atomic_store_n(word, value, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(sleeps, __ATOMIC_SEQ_CST)) conclab_futex_wake(word, 1);
}

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

pid_t conclab_shm_bench_fork_peer(struct conclab_shm_header *h, unsigned char *data, long size, long rounds,
                                   long block, long slots, long long blocks) {
    pid_t pid = conclab_shm_fork(-1);
    if (pid != 0) return pid;
    // The child: loads, stores, memcpy and futex on memory mapped before the fork. No malloc, no stdio, no Swift.
    uint32_t seen = __atomic_load_n(&h->consumed, __ATOMIC_ACQUIRE);
    for (long r = 0; r < rounds; r++) {
        if (wait_change(h, &h->produced, seen, &h->consumer_sleeps) != 0) _exit(3);
        memcpy(data + size, data, (size_t)size);   // read the request, write the reply
        seen++;
        publish(&h->consumed, seen, &h->producer_sleeps);
    }
    uint64_t zeros = 0;
    for (long long i = 0; i < blocks; i++) {
        while (__atomic_load_n(&h->produced, __ATOMIC_ACQUIRE) == seen) {
            if (wait_change(h, &h->produced, seen, &h->consumer_sleeps) != 0) _exit(3);
        }
        // Read in place, where the shell wrote it: every byte of the slot, looking for a 0 (the shell writes none; a
        // slot it had not written would still hold the zeros of a fresh memfd). The C library's memchr reads as fast
        // as this machine can, whatever this file was compiled with.
        const unsigned char *slot = data + (size_t)(i % slots) * (size_t)block;
        if (memchr(slot, 0, (size_t)block) != NULL) zeros++;
        seen++;
        publish(&h->consumed, seen, &h->producer_sleeps);
    }
    __atomic_store_n(&h->checksum, zeros, __ATOMIC_RELEASE);
    _exit(0);
}

int conclab_shm_bench_pingpong(struct conclab_shm_header *h, unsigned char *data, const unsigned char *message,
                               long size, long rounds, long warmup, long long *samples) {
    uint32_t sent = __atomic_load_n(&h->produced, __ATOMIC_ACQUIRE);
    for (long r = 0; r < rounds; r++) {
        long long start = now_ns();
        memcpy(data, message, (size_t)size);
        uint32_t before = sent;
        sent++;
        publish(&h->produced, sent, &h->consumer_sleeps);
        uint32_t answered = before;
        while (answered != sent) {
            if (wait_change(h, &h->consumed, answered, &h->producer_sleeps) != 0) return -1;
            answered = __atomic_load_n(&h->consumed, __ATOMIC_ACQUIRE);
        }
        if (r >= warmup) samples[r - warmup] = now_ns() - start;
        if ((r & 255) == 0) __atomic_store_n(&h->progress, (uint32_t)r, __ATOMIC_RELAXED);
    }
    return 0;
}

long long conclab_shm_bench_stream(struct conclab_shm_header *h, unsigned char *data, const unsigned char *source,
                                   long block, long slots, long long blocks) {
    uint32_t sent = __atomic_load_n(&h->produced, __ATOMIC_ACQUIRE);
    long long start = now_ns();
    for (long long i = 0; i < blocks; i++) {
        uint32_t consumed;
        while ((uint32_t)(sent - (consumed = __atomic_load_n(&h->consumed, __ATOMIC_ACQUIRE))) >= (uint32_t)slots) {
            if (wait_change(h, &h->consumed, consumed, &h->producer_sleeps) != 0) return -1;
        }
        memcpy(data + (size_t)(i % slots) * (size_t)block, source, (size_t)block);
        sent++;
        publish(&h->produced, sent, &h->consumer_sleeps);
        if ((i & 15) == 0) __atomic_store_n(&h->progress, (uint32_t)i, __ATOMIC_RELAXED);
    }
    uint32_t consumed;
    while ((consumed = __atomic_load_n(&h->consumed, __ATOMIC_ACQUIRE)) != sent) {
        if (wait_change(h, &h->consumed, consumed, &h->producer_sleeps) != 0) return -1;
    }
    return now_ns() - start;
}

void conclab_shm_bench_abort(struct conclab_shm_header *h) {
    __atomic_store_n(&h->abort_flag, 1, __ATOMIC_SEQ_CST);
    conclab_futex_wake(&h->produced, 8);
    conclab_futex_wake(&h->consumed, 8);
    conclab_futex_wake(&h->go, 64);
}

void conclab_shm_count_reset(struct conclab_shm_header *h) {
    __atomic_store_n(&h->counter, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&h->ready, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&h->go, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&h->stop, 0, __ATOMIC_SEQ_CST);
    for (int i = 0; i < CONCLAB_SHM_MAX_WORKERS; i++) __atomic_store_n(&h->tallies[i], 0, __ATOMIC_SEQ_CST);
}

uint32_t conclab_shm_count_ready(struct conclab_shm_header *h) { return __atomic_load_n(&h->ready, __ATOMIC_SEQ_CST); }

void conclab_shm_count_go(struct conclab_shm_header *h) {
    __atomic_store_n(&h->go, 1, __ATOMIC_SEQ_CST);
    conclab_futex_wake(&h->go, CONCLAB_SHM_MAX_WORKERS);
}

void conclab_shm_count_stop(struct conclab_shm_header *h) {
    __atomic_store_n(&h->stop, 1, __ATOMIC_SEQ_CST);
    conclab_futex_wake(&h->go, CONCLAB_SHM_MAX_WORKERS);
}

int64_t conclab_shm_counter(struct conclab_shm_header *h) { return __atomic_load_n(&h->counter, __ATOMIC_SEQ_CST); }

int64_t conclab_shm_tally(struct conclab_shm_header *h, int index) {
    if (index < 0 || index >= CONCLAB_SHM_MAX_WORKERS) return 0;
    return __atomic_load_n(&h->tallies[index], __ATOMIC_SEQ_CST);
}

void conclab_shm_bench_reset(struct conclab_shm_header *h) {
    __atomic_store_n(&h->produced, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&h->consumed, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&h->producer_sleeps, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&h->consumer_sleeps, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&h->abort_flag, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&h->progress, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&h->checksum, 0, __ATOMIC_SEQ_CST);
}

uint32_t conclab_shm_bench_progress(struct conclab_shm_header *h) { return __atomic_load_n(&h->progress, __ATOMIC_RELAXED); }

uint64_t conclab_shm_bench_checksum(struct conclab_shm_header *h) { return __atomic_load_n(&h->checksum, __ATOMIC_SEQ_CST); }
