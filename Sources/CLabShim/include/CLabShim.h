#ifndef CONCLAB_LABSHIM_H
#define CONCLAB_LABSHIM_H
// Glibc functions Swift's Glibc module hides (it is imported without _GNU_SOURCE), wrapped so LabOS can call
// them, and the C side of starting children.
#include <sys/types.h>
#include <signal.h>
#include <pthread.h>

pid_t conclab_gettid(void);
int conclab_pipe2_cloexec(int fds[2]);
int conclab_set_thread_name(const char *name);
/// sched_getaffinity of this process into `mask` (`size` bytes, a multiple of 8): 0, or -1 with errno set.
int conclab_sched_getaffinity(unsigned char *mask, size_t size);

/// The state a child starts in, whatever starts it (LabOS: ChildProcess.Attributes).
struct conclab_child_attributes {
    /// Non-zero: a process group of its own (setpgid(0, 0)).
    int new_process_group;
    /// Signals put back to their default action (an ignored SIGPIPE, say, would otherwise stay ignored).
    sigset_t default_signals;
    /// The child's signal mask.
    sigset_t mask;
    /// Sent to the child when the thread that started it ends (PR_SET_PDEATHSIG); 0 for none.
    int parent_death_signal;
    /// With a parent death signal: the parent's pid, to notice a parent that died before the signal was set.
    pid_t expected_parent;
};
/// Applies `attributes` to the calling process: 0, or the errno of the step that failed (ESRCH: the expected
/// parent is gone). Async-signal-safe: callable between fork and exec.
int conclab_child_setup(const struct conclab_child_attributes *attributes);
/// The one way conclab starts a program: clone (sharing memory until the exec, as posix_spawn does), hand the
/// child `count` descriptors (the parent's from[i] becomes the child's to[i], never close-on-exec there; EINVAL
/// if an entry's source was replaced by an earlier entry), apply `attributes`, execve. 0 and *pid, or an errno
/// (an exec failure is reported here; that child is already reaped).
int conclab_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                  const int *from, const int *to, int count, const struct conclab_child_attributes *attributes);
/// fork, then `conclab_child_setup` in the child (which exits 1 if its parent is already gone, 127 if the set-up
/// failed otherwise). Only for a single-threaded caller (the fork server): the child goes on running its code.
pid_t conclab_fork_child(const struct conclab_child_attributes *attributes);
int conclab_block_signals_for_workers(sigset_t *old);
int conclab_restore_signals(const sigset_t *old);
// Processes (LabOS/Fork.swift).
/// Forks a child that does only async-signal-safe work: reports its pid and what `slot` holds, writes
/// `child_text` into `slot`, reports again over `report_fd`, and `_exit`s. Returns the child's pid (or -1).
pid_t conclab_fork_demo(char *slot, size_t length, const char *child_text, size_t text_length, int report_fd);
/// Forks a child that takes `mutex` and `_exit`s with 0 once it has it. When another thread of the caller holds
/// the mutex, the child waits for ever: the copy of the mutex in its memory is held by a thread that does not exist
/// there. The child dies with its parent (PR_SET_PDEATHSIG, SIGKILL). Returns the child's pid, or -1 (errno).
pid_t conclab_fork_then_lock(pthread_mutex_t *mutex);
/// Forks a child that `_exit`s at once, for timing fork itself. Returns its pid, or -1 (errno).
pid_t conclab_fork_exit(void);
/// Forks a child that writes to `buffer` on request: each byte `k` (1 to `steps`) read from `command_fd` makes it
/// write one byte into every page of the first k/steps of `buffer` (copy-on-write copies each such page), then
/// answer on `report_fd` with the time those writes took (8 bytes, nanoseconds, most significant first). It closes its copy of
/// `close_fd` (the command pipe's write end) first, `_exit`s with 0 at the end of `command_fd`, and dies with its parent
/// (PR_SET_PDEATHSIG, SIGKILL). Only async-signal-safe calls in the child. Returns its pid, or -1 (errno).
pid_t conclab_fork_writer(unsigned char *buffer, size_t length, size_t page_size, int steps, int command_fd, int report_fd,
                           int close_fd);
/// Forks a child that writes `text` through its copy of descriptor `fd`, closes that copy and `_exit`s (0 when the
/// whole text was written, 1 if not). Returns its pid, or -1 (errno).
pid_t conclab_fork_write_close(int fd, const char *text, size_t length);
/// Whether child `pid` has ended, without reaping it (waitid WNOWAIT, one call: EINTR is the caller's): 0 running,
/// 1 ended (kind 1 exited with `value`, kind 2 killed by signal `value`), -1 error (errno).
int conclab_peek_child(pid_t pid, int *kind, int *value);
/// pidfd_open(2): a descriptor that polls readable once process `pid` has ended; -1 and errno where the kernel has none.
int conclab_pidfd_open(pid_t pid);
/// Asks the scheduler for a time slice of `nanoseconds` for the calling thread (sched_setattr with SCHED_OTHER and
/// sched_runtime: EEVDF, Linux 6.12 and later, lets a thread with a short slice preempt sooner when it wakes; older
/// kernels ignore the field). Needs no privilege. 0 or -1 (errno).
int conclab_request_short_slice(unsigned long long nanoseconds);
/// wait4 (one call): the pid reaped (0 if still running without `block`, -1 on error), its raw status and CPU times.
pid_t conclab_reap_child(pid_t pid, int block, int *status, long long *user_us, long long *sys_us, long long *maxrss_kb);
// accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK when asked): the new socket is close-on-exec from birth.
int conclab_accept_cloexec(int fd, int nonblocking);
/// epoll_create1(EPOLL_CLOEXEC).
int conclab_epoll_create(void);
/// epoll_ctl with the descriptor itself as the event's data; `operation` 0 add, 1 modify, 2 delete.
int conclab_epoll_control(int epfd, int operation, int fd, unsigned events);
/// Waits for at most `max` (≤ 256) ready descriptors, `timeout_ns` nanoseconds (epoll_pwait2; < 0: no limit), and
/// writes each one's descriptor and events to `fds` and `events`. The count, or -1 with errno (EINTR included).
int conclab_epoll_wait(int epfd, int *fds, unsigned *events, int max, long long timeout_ns);
/// The Landlock ABI version the kernel offers (1 and up), or -1 with errno (ENOSYS, EOPNOTSUPP) when it has none.
int conclab_landlock_abi(void);
/// Confines the calling process and every child it starts from now on: a file may be executed only if it is one of
/// `exec_paths` (or beneath one that is a directory), and written, created, renamed or removed only beneath
/// `write_paths`. Sets no_new_privs. Missing paths are skipped. 0, or -1 with errno.
int conclab_landlock_confine(const char *const *exec_paths, int exec_count, const char *const *write_paths, int write_count);

// ---- Shared memory (LabOS/SharedMemory.swift): a memfd mapped MAP_SHARED, whose first page is this header. Children
// are forked from the shell and inherit the mapping (MAP_SHARED: no copy on write); they make only async-signal-safe
// calls besides the futex and the pthread mutex calls on memory in the segment.
#include <stdint.h>

#define CONCLAB_SHM_MAX_WORKERS 8
#define CONCLAB_SHM_HEADER_SIZE 4096

/// The segment's first page. Counters each on a cache line of their own.
struct conclab_shm_header {
    uint64_t magic;
    uint64_t size;
    /// PTHREAD_PROCESS_SHARED, default type: a holder that dies leaves it locked for ever.
    pthread_mutex_t mutex;
    char pad0[64];
    /// PTHREAD_PROCESS_SHARED and PTHREAD_MUTEX_ROBUST: the next locker after a dead holder gets EOWNERDEAD.
    pthread_mutex_t robust;
    char pad1[64];
    /// `shm count`: the shared counter, how many workers are ready, the start and stop words (futexes).
    _Alignas(64) volatile int64_t counter;
    _Alignas(64) uint32_t ready;
    uint32_t go;
    uint32_t stop;
    /// Each worker's own tally of the increments it made (written once, when it ends).
    _Alignas(64) int64_t tallies[CONCLAB_SHM_MAX_WORKERS];
    /// `ipc bench shm`: the producer's and the consumer's sequence numbers (futex words), whether each side sleeps
    /// in futex, the abort word, and how many blocks the consumer found a 0 byte in (none should have one).
    _Alignas(64) uint32_t produced;
    uint32_t producer_sleeps;
    _Alignas(64) uint32_t consumed;
    uint32_t consumer_sleeps;
    _Alignas(64) uint32_t abort_flag;
    uint32_t progress;
    uint64_t checksum;
};

/// memfd_create(name, MFD_CLOEXEC): a descriptor, or -1 (errno).
int conclab_memfd_create(const char *name);
/// Initialises a header at the start of a fresh mapping of `size` bytes: both mutexes process-shared (the second
/// robust). 0, or an errno from pthread.
int conclab_shm_init(struct conclab_shm_header *header, uint64_t size);
/// The segment's plain mutex (`robust` 0) or its robust one.
pthread_mutex_t *conclab_shm_mutex(struct conclab_shm_header *header, int robust);
/// fork() for the shared-memory children: the child (0 returned) dies with its parent (PR_SET_PDEATHSIG, SIGKILL;
/// it exits at once if the parent is already gone) and keeps no descriptor from 3 up but `keep`.
pid_t conclab_shm_fork(int keep);
/// In a forked child: closes every descriptor from 3 up except `keep` (-1: none). Async-signal-safe.
void conclab_close_inherited(int keep);
/// The thread id the mutex records as its owner (glibc's __owner), 0 when unlocked; and its raw lock word.
int conclab_shm_mutex_owner(pthread_mutex_t *mutex, unsigned int *lock_word);
/// Takes `mutex` within `timeout_ns` (CLOCK_MONOTONIC) and lets it go at once. Returns 0 (taken), ETIMEDOUT (still
/// held), EOWNERDEAD (a robust mutex whose holder died: made consistent and let go when `recover`, else let go
/// inconsistent, which makes it ENOTRECOVERABLE), ENOTRECOVERABLE, or another errno.
int conclab_shm_lock_once(pthread_mutex_t *mutex, long long timeout_ns, int recover);
/// Forks a child that takes `mutex` (making it consistent after EOWNERDEAD), reports on `report_fd` (4 bytes: its
/// pid, then 4 bytes: the lock's result), and sleeps until it is killed. It dies with its parent. Its pid, or -1.
pid_t conclab_shm_fork_holder(pthread_mutex_t *mutex, int report_fd);
/// futex(2) on a word in shared memory (not FUTEX_PRIVATE: the waker may be another process).
int conclab_futex_wait(uint32_t *word, uint32_t expected, long long timeout_ns);
int conclab_futex_wake(uint32_t *word, int count);
/// The racy kernel across processes (racy_shared_counter.c): forks worker `index`, which waits for `go`, then adds 1
/// to `header->counter` `increments` times (0: until `stop`), without a lock (`lock` 0), under `header->mutex` (1)
/// or under `header->robust` (2), writes its tally and exits. It dies with its parent. Its pid, or -1 (errno).
pid_t conclab_shm_fork_counter(struct conclab_shm_header *header, int index, int lock, long long increments);
/// `ipc bench shm`, the worker: forks a child that answers `rounds` ping-pongs of `size` bytes (the request at
/// `data`, the reply copied to `data + size`), then reads `blocks` blocks of `block` bytes in place from a ring of
/// `slots` slots at `data` (every byte, with memchr for a 0, counting the blocks that have one in header->checksum),
/// and exits. Its pid, or -1.
pid_t conclab_shm_bench_fork_peer(struct conclab_shm_header *header, unsigned char *data, long size, long rounds,
                                   long block, long slots, long long blocks);
/// The shell's side of the ping-pongs: writes `size` bytes from `message`, waits for the reply; `samples[i]` gets each
/// round trip's nanoseconds for i >= warmup. 0, or -1 if aborted.
int conclab_shm_bench_pingpong(struct conclab_shm_header *header, unsigned char *data, const unsigned char *message,
                               long size, long rounds, long warmup, long long *samples);
/// The shell's side of the stream: copies `block` bytes from `source` into each free slot, publishes it, and waits
/// until the worker has read the last. The nanoseconds it took, or -1 if aborted.
long long conclab_shm_bench_stream(struct conclab_shm_header *header, unsigned char *data, const unsigned char *source,
                                   long block, long slots, long long blocks);
/// `shm count`, the shell's side: zeroes the counter, the tallies and the start and stop words (before forking);
/// how many workers are ready; sets `go` (waking them all) or `stop`; reads the counter and one tally.
void conclab_shm_count_reset(struct conclab_shm_header *header);
uint32_t conclab_shm_count_ready(struct conclab_shm_header *header);
void conclab_shm_count_go(struct conclab_shm_header *header);
void conclab_shm_count_stop(struct conclab_shm_header *header);
int64_t conclab_shm_counter(struct conclab_shm_header *header);
int64_t conclab_shm_tally(struct conclab_shm_header *header, int index);
/// `ipc bench shm`: zeroes the sequence numbers and the abort word; the progress and checksum the worker left.
void conclab_shm_bench_reset(struct conclab_shm_header *header);
uint32_t conclab_shm_bench_progress(struct conclab_shm_header *header);
uint64_t conclab_shm_bench_checksum(struct conclab_shm_header *header);
/// Sets the abort word and wakes both sides.
void conclab_shm_bench_abort(struct conclab_shm_header *header);

#endif

