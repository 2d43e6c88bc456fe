#define _GNU_SOURCE
#include "CLabShim.h"
#include <unistd.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <string.h>
#include <errno.h>
#include <sys/socket.h>

pid_t conclab_gettid(void) { return (pid_t)syscall(SYS_gettid); }

int conclab_pipe2_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

int conclab_set_thread_name(const char *name) {
    char buf[16];
    strncpy(buf, name, 15);
    buf[15] = 0;
    return pthread_setname_np(pthread_self(), buf);
}

int conclab_set_parent_death_signal(int sig) { return prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0); }

/// Spawns with the prepared file actions: default signal dispositions and an empty mask in the child
/// (the shell blocks SIGINT/TERM/HUP in its threads), optionally in a new process group. Destroys `fa`.
static int spawn_with_actions(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                              posix_spawn_file_actions_t *fa, int new_process_group) {
    posix_spawnattr_t at;
    sigset_t empty, def;
    posix_spawnattr_init(&at);
    sigemptyset(&empty);
    sigemptyset(&def);
    sigaddset(&def, SIGINT);
    sigaddset(&def, SIGTERM);
    sigaddset(&def, SIGHUP);
    sigaddset(&def, SIGPIPE);
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    if (new_process_group) { flags |= POSIX_SPAWN_SETPGROUP; posix_spawnattr_setpgroup(&at, 0); }
    posix_spawnattr_setflags(&at, flags);
    posix_spawnattr_setsigmask(&at, &empty);
    posix_spawnattr_setsigdefault(&at, &def);
    int rc = posix_spawn(pid, path, fa, &at, argv, envp);
    posix_spawn_file_actions_destroy(fa);
    posix_spawnattr_destroy(&at);
    return rc;
}

int conclab_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                  int dup_to_3, int new_process_group) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (dup_to_3 >= 0) {
        if (dup_to_3 == 3) {
            // dup2(3, 3) would leave close-on-exec set: move it out of the way first.
            posix_spawn_file_actions_adddup2(&fa, 3, 1000);
            posix_spawn_file_actions_adddup2(&fa, 1000, 3);
            posix_spawn_file_actions_addclose(&fa, 1000);
        } else {
            posix_spawn_file_actions_adddup2(&fa, dup_to_3, 3);
        }
    }
    return spawn_with_actions(pid, path, argv, envp, &fa, new_process_group);
}

int conclab_block_signals_for_workers(sigset_t *old) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    return pthread_sigmask(SIG_BLOCK, &set, old);
}

int conclab_restore_signals(const sigset_t *old) { return pthread_sigmask(SIG_SETMASK, old, NULL); }

// ---- Processes: fork, and waiting for a child without reaping it (used by LabOS/Fork.swift).
#include <sys/wait.h>
#include <sys/resource.h>

pid_t conclab_fork(void) { return fork(); }

pid_t conclab_fork_demo(char *slot, size_t length, const char *child_text, size_t text_length, int report_fd) {
    pid_t pid = fork();
    if (pid != 0) return pid;
    // The child: only async-signal-safe work from here to _exit. No malloc, no locks, no stdio, no Swift.
    char report[4 + 2 * 256];
    size_t n = length > 256 ? 256 : length;
    pid_t self = getpid();
    report[0] = (char)(self >> 24); report[1] = (char)(self >> 16); report[2] = (char)(self >> 8); report[3] = (char)self;
    for (size_t i = 0; i < n; i++) report[4 + i] = slot[i];              // what the child sees before writing
    for (size_t i = 0; i < n; i++) slot[i] = i < text_length ? child_text[i] : 0;  // the write: copy-on-write copies the page
    for (size_t i = 0; i < n; i++) report[4 + n + i] = slot[i];          // what the child sees after writing
    size_t total = 4 + 2 * n, done = 0;
    while (done < total) {
        ssize_t w = write(report_fd, report + done, total - done);
        if (w < 0) { if (errno == EINTR) continue; _exit(1); }
        done += (size_t)w;
    }
    _exit(0);
}

int conclab_peek_child(pid_t pid, int *kind, int *value) {
    siginfo_t info;
    memset(&info, 0, sizeof info);
    int rc;
    do { rc = waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT); } while (rc == -1 && errno == EINTR);
    if (rc == -1) return -1;
    if (info.si_pid == 0) { *kind = 0; *value = 0; return 0; }
    if (info.si_code == CLD_EXITED) { *kind = 1; *value = info.si_status; }
    else { *kind = 2; *value = info.si_status; }
    return 1;
}

pid_t conclab_reap_child(pid_t pid, int block, int *status, long long *user_us, long long *sys_us, long long *maxrss_kb) {
    struct rusage usage;
    memset(&usage, 0, sizeof usage);
    pid_t rc;
    do { rc = wait4(pid, status, block ? 0 : WNOHANG, &usage); } while (rc == -1 && errno == EINTR);
    if (rc > 0) {
        *user_us = (long long)usage.ru_utime.tv_sec * 1000000 + usage.ru_utime.tv_usec;
        *sys_us = (long long)usage.ru_stime.tv_sec * 1000000 + usage.ru_stime.tv_usec;
        *maxrss_kb = usage.ru_maxrss;
    }
    return rc;
}


int conclab_spawn_mapped(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                         const int *from, const int *to, int count, int new_process_group) {
    posix_spawn_file_actions_t fa;
    int i, j;
    for (i = 0; i < count; i++)
        for (j = 0; j < count; j++)
            if (from[i] == to[j]) return EINVAL;
    posix_spawn_file_actions_init(&fa);
    for (i = 0; i < count; i++) posix_spawn_file_actions_adddup2(&fa, from[i], to[i]);
    return spawn_with_actions(pid, path, argv, envp, &fa, new_process_group);
}

int conclab_accept_cloexec(int fd, int nonblocking) {
    return accept4(fd, NULL, NULL, SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0));
}
