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

#endif

