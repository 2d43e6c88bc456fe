#ifndef CONCLAB_LABSHIM_H
#define CONCLAB_LABSHIM_H
// Glibc functions Swift's Glibc module hides (it is imported without _GNU_SOURCE),
// wrapped so LabOS can call them.
#include <sys/types.h>
#include <signal.h>
#include <spawn.h>

pid_t conclab_gettid(void);
int conclab_pipe2_cloexec(int fds[2]);
int conclab_set_thread_name(const char *name);
int conclab_set_parent_death_signal(int sig);
int conclab_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                  int dup_to_3, int new_process_group);
int conclab_block_signals_for_workers(sigset_t *old);
int conclab_restore_signals(const sigset_t *old);
// Processes (LabOS/Fork.swift).
pid_t conclab_fork(void);
/// Forks a child that does only async-signal-safe work: reports its pid and what `slot` holds, writes
/// `child_text` into `slot`, reports again over `report_fd`, and `_exit`s. Returns the child's pid (or -1).
pid_t conclab_fork_demo(char *slot, size_t length, const char *child_text, size_t text_length, int report_fd);
/// Whether child `pid` has ended, without reaping it (waitid WNOWAIT): 0 running, 1 ended (kind 1 exited with
/// `value`, kind 2 killed by signal `value`), -1 error (errno).
int conclab_peek_child(pid_t pid, int *kind, int *value);
/// wait4: the pid reaped (0 if still running without `block`, -1 on error), its raw status and CPU times.
pid_t conclab_reap_child(pid_t pid, int block, int *status, long long *user_us, long long *sys_us, long long *maxrss_kb);
// Like conclab_spawn, but hands `count` descriptors: the parent's from[i] becomes the child's to[i]
// (never close-on-exec there). Every to[i] must be free in the parent, so no source is also a target.
int conclab_spawn_mapped(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                         const int *from, const int *to, int count, int new_process_group);
// accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK when asked): the new socket is close-on-exec from birth.
int conclab_accept_cloexec(int fd, int nonblocking);
#endif
