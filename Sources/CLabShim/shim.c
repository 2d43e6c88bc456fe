#define _GNU_SOURCE
#include "CLabShim.h"
#include <unistd.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <string.h>
#include <errno.h>
#include <stdint.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/mman.h>
#include <sched.h>
#include <sys/wait.h>

pid_t conclab_gettid(void) { return (pid_t)syscall(SYS_gettid); }

int conclab_pipe2_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

int conclab_sched_getaffinity(unsigned char *mask, size_t size) {
    return sched_getaffinity(0, size, (cpu_set_t *)mask);
}

int conclab_set_thread_name(const char *name) {
    char buf[16];
    strncpy(buf, name, 15);
    buf[15] = 0;
    return pthread_setname_np(pthread_self(), buf);
}

// ---- Starting children: one description of the child's state, applied by the spawn below and by the fork
// server's fork (LabOS/Spawn.swift builds it from ChildProcess.Attributes).

int conclab_child_setup(const struct conclab_child_attributes *a) {
    if (a->new_process_group && setpgid(0, 0) == -1) return errno;
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP || sigismember(&a->default_signals, sig) != 1) continue;
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = SIG_DFL;
        if (sigaction(sig, &action, NULL) == -1) return errno;
    }
    if (a->parent_death_signal > 0) {
        if (prctl(PR_SET_PDEATHSIG, a->parent_death_signal, 0, 0, 0) == -1) return errno;
        // The parent may have died before the line above took effect: then nobody will send the signal.
        if (getppid() != a->expected_parent) return ESRCH;
    }
    if (sigprocmask(SIG_SETMASK, &a->mask, NULL) == -1) return errno;
    return 0;
}

/// What the cloned child needs; it shares this memory with the parent until it execs.
struct spawn_request {
    const char *path;
    char *const *argv;
    char *const *envp;
    const int *from;
    const int *to;
    int count;
    const struct conclab_child_attributes *attributes;
    volatile int error;
};

/// The child between clone and execve. It runs on its own stack in the parent's memory (CLONE_VM) while the
/// parent waits (CLONE_VFORK): only async-signal-safe calls, no allocation, and nothing written but `error`.
static int spawn_child(void *raw) {
    struct spawn_request *request = raw;
    int err = 0;
    // Signal handlers are the parent's code in the parent's memory: none may run here. All signals are blocked
    // (the parent blocked them before cloning); a caught one goes back to its default before any is unblocked.
    for (int sig = 1; sig < NSIG; sig++) {
        struct sigaction action;
        if (sig == SIGKILL || sig == SIGSTOP || sigaction(sig, NULL, &action) == -1) continue;
        if (action.sa_handler == SIG_DFL || action.sa_handler == SIG_IGN) continue;
        memset(&action, 0, sizeof action);
        action.sa_handler = SIG_DFL;
        sigaction(sig, &action, NULL);
    }
    // Descriptors in order: dup2 makes the copy without close-on-exec; one already at its number only loses
    // the flag (dup2(x, x) would leave it set).
    for (int i = 0; i < request->count && err == 0; i++) {
        if (request->from[i] == request->to[i]) {
            int flags = fcntl(request->to[i], F_GETFD);
            if (flags == -1 || fcntl(request->to[i], F_SETFD, flags & ~FD_CLOEXEC) == -1) err = errno;
        } else if (dup2(request->from[i], request->to[i]) == -1) {
            err = errno;
        }
    }
    if (err == 0) err = conclab_child_setup(request->attributes);
    if (err == 0) {
        execve(request->path, request->argv, request->envp);
        err = errno;
    }
    request->error = err;
    _exit(127);
}

int conclab_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                  const int *from, const int *to, int count, const struct conclab_child_attributes *attributes) {
    // Entries apply in order: one whose source an earlier entry has replaced would hand on the wrong file.
    for (int i = 0; i < count; i++)
        for (int j = 0; j < i; j++)
            if (to[j] == from[i] && from[j] != to[j]) return EINVAL;
    const size_t stack_size = 64 * 1024;
    void *stack = mmap(NULL, stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) return errno;
    struct spawn_request request = { path, argv, envp, from, to, count, attributes, 0 };
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    // Like glibc's posix_spawn: the child borrows the parent's memory instead of copying its page tables, so
    // starting a program costs the same however large the shell has grown; the parent resumes once it execs.
    pid_t child = clone(spawn_child, (char *)stack + stack_size, CLONE_VM | CLONE_VFORK | SIGCHLD, &request);
    int clone_error = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    munmap(stack, stack_size);
    if (child == -1) return clone_error;
    if (request.error != 0) {
        // It never became the program: collect it here, it is nobody else's.
        while (waitpid(child, NULL, 0) == -1 && errno == EINTR) {}
        return request.error;
    }
    *pid = child;
    return 0;
}

pid_t conclab_fork_child(const struct conclab_child_attributes *attributes) {
    pid_t pid = fork();
    if (pid == 0) {
        int err = conclab_child_setup(attributes);
        if (err != 0) _exit(err == ESRCH ? 1 : 127);
    }
    return pid;
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

// ---- Processes: the fork demonstration, and waiting for a child (used by LabOS/Fork.swift). These make one call
// each: LabOS retries an interrupted one.
#include <sys/resource.h>

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

pid_t conclab_fork_then_lock(pthread_mutex_t *mutex) {
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid != 0) return pid;
    // The child: a system call or two, then the lock the demonstration is about. No malloc, no stdio, no Swift.
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (getppid() != parent) _exit(1);
    pthread_mutex_lock(mutex);
    _exit(0);
}

pid_t conclab_fork_exit(void) {
    pid_t pid = fork();
    if (pid == 0) _exit(0);
    return pid;
}

pid_t conclab_fork_writer(unsigned char *buffer, size_t length, size_t page_size, int steps, int command_fd, int report_fd,
                           int close_fd) {
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid != 0) return pid;
    close(close_fd);  // the command pipe's write end: while the child held it, it would never read the end
    // The child: reads, writes and the buffer; no malloc, no stdio, no Swift.
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (getppid() != parent) _exit(1);
    size_t done = 0;
    for (;;) {
        unsigned char k;
        ssize_t r = read(command_fd, &k, 1);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) _exit(0);
        if (k < 1 || (int)k > steps) _exit(2);
        size_t end = length / (size_t)steps * (size_t)k;
        if (k == steps) end = length;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (; done < end; done += page_size) buffer[done] = (unsigned char)(buffer[done] + 1);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        long long ns = (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
        unsigned char ack[8];
        for (int i = 0; i < 8; i++) ack[i] = (unsigned char)(ns >> (8 * (7 - i)));
        size_t sent = 0;
        while (sent < 8) {
            ssize_t w = write(report_fd, ack + sent, 8 - sent);
            if (w < 0) { if (errno == EINTR) continue; _exit(1); }
            sent += (size_t)w;
        }
    }
}

pid_t conclab_fork_write_close(int fd, const char *text, size_t length) {
    pid_t pid = fork();
    if (pid != 0) return pid;
    size_t done = 0;
    while (done < length) {
        ssize_t w = write(fd, text + done, length - done);
        if (w < 0) { if (errno == EINTR) continue; _exit(1); }
        done += (size_t)w;
    }
    close(fd);
    _exit(0);
}

int conclab_request_short_slice(unsigned long long nanoseconds) {
#ifdef SYS_sched_setattr
    // struct sched_attr as sched_setattr(2) has it (the libc has no declaration).
    struct {
        uint32_t size, sched_policy;
        uint64_t sched_flags;
        int32_t sched_nice;
        uint32_t sched_priority;
        uint64_t sched_runtime, sched_deadline, sched_period;
        uint32_t util_min, util_max;
    } attr;
    memset(&attr, 0, sizeof attr);
    attr.size = sizeof attr;
    attr.sched_policy = 0;   // SCHED_OTHER, nice 0: only the slice changes
    attr.sched_runtime = nanoseconds;
    return (int)syscall(SYS_sched_setattr, 0, &attr, 0);
#else
    errno = ENOSYS;
    return -1;
#endif
}

int conclab_pidfd_open(pid_t pid) {
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    errno = ENOSYS;
    return -1;
#endif
}

int conclab_peek_child(pid_t pid, int *kind, int *value) {
    siginfo_t info;
    memset(&info, 0, sizeof info);
    int rc;
    rc = waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT);
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
    rc = wait4(pid, status, block ? 0 : WNOHANG, &usage);
    if (rc > 0) {
        *user_us = (long long)usage.ru_utime.tv_sec * 1000000 + usage.ru_utime.tv_usec;
        *sys_us = (long long)usage.ru_stime.tv_sec * 1000000 + usage.ru_stime.tv_usec;
        *maxrss_kb = usage.ru_maxrss;
    }
    return rc;
}


int conclab_accept_cloexec(int fd, int nonblocking) {
    return accept4(fd, NULL, NULL, SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0));
}

// ---- epoll, unpacked (struct epoll_event is packed on x86-64, which Swift does not import faithfully) ----
#include <sys/epoll.h>

int conclab_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int conclab_epoll_control(int epfd, int operation, int fd, unsigned events) {
    struct epoll_event event;
    memset(&event, 0, sizeof event);
    event.events = events;
    event.data.fd = fd;
    int op = operation == 0 ? EPOLL_CTL_ADD : operation == 1 ? EPOLL_CTL_MOD : EPOLL_CTL_DEL;
    return epoll_ctl(epfd, op, fd, &event);
}

int conclab_epoll_wait(int epfd, int *fds, unsigned *events, int max, long long timeout_ns) {
    struct epoll_event ready[256];
    if (max > 256) max = 256;
    int n;
    if (timeout_ns < 0) {
        n = epoll_wait(epfd, ready, max, -1);
    } else {
        struct timespec timeout = { (time_t)(timeout_ns / 1000000000LL), (long)(timeout_ns % 1000000000LL) };
        n = epoll_pwait2(epfd, ready, max, &timeout, NULL);
        if (n < 0 && errno == ENOSYS) {
            long long ms = (timeout_ns + 999999LL) / 1000000LL;
            n = epoll_wait(epfd, ready, max, ms > 2000000000LL ? 2000000000 : (int)ms);
        }
    }
    for (int i = 0; i < n; i++) {
        fds[i] = ready[i].data.fd;
        events[i] = ready[i].events;
    }
    return n;
}

// ---- Containment of a replayed lab (Landlock) ----
#include <linux/landlock.h>
#include <sys/stat.h>

int conclab_landlock_abi(void) {
#ifdef SYS_landlock_create_ruleset
    return (int)syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
#else
    errno = ENOSYS;
    return -1;
#endif
}

#ifdef SYS_landlock_create_ruleset
static int add_rule(int ruleset, const char *path, __u64 directory_rights, __u64 file_rights) {
    int fd = open(path, O_PATH | O_CLOEXEC);
    if (fd < 0) return -1;
    struct stat st;
    if (fstat(fd, &st) != 0) { int e = errno; close(fd); errno = e; return -1; }
    struct landlock_path_beneath_attr rule = {
        .allowed_access = S_ISDIR(st.st_mode) ? directory_rights : file_rights,
        .parent_fd = fd,
    };
    int rc = (int)syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}
#endif

int conclab_landlock_confine(const char *const *exec_paths, int exec_count, const char *const *write_paths, int write_count) {
#ifdef SYS_landlock_create_ruleset
    int abi = conclab_landlock_abi();
    if (abi < 1) return -1;
    __u64 write_rights = LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE
        | LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG
        | LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK
        | LANDLOCK_ACCESS_FS_MAKE_SYM;
    __u64 file_write_rights = LANDLOCK_ACCESS_FS_WRITE_FILE;
    if (abi >= 2) write_rights |= LANDLOCK_ACCESS_FS_REFER;
#ifdef LANDLOCK_ACCESS_FS_TRUNCATE
    if (abi >= 3) { write_rights |= LANDLOCK_ACCESS_FS_TRUNCATE; file_write_rights |= LANDLOCK_ACCESS_FS_TRUNCATE; }
#endif
    struct landlock_ruleset_attr attr = { .handled_access_fs = LANDLOCK_ACCESS_FS_EXECUTE | write_rights };
    int ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
    if (ruleset < 0) return -1;
    for (int i = 0; i < exec_count; i++) {
        if (add_rule(ruleset, exec_paths[i], LANDLOCK_ACCESS_FS_EXECUTE, LANDLOCK_ACCESS_FS_EXECUTE) != 0 && errno != ENOENT) {
            int e = errno; close(ruleset); errno = e; return -1;
        }
    }
    for (int i = 0; i < write_count; i++) {
        if (add_rule(ruleset, write_paths[i], write_rights, file_write_rights) != 0 && errno != ENOENT) {
            int e = errno; close(ruleset); errno = e; return -1;
        }
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) { int e = errno; close(ruleset); errno = e; return -1; }
    int rc = (int)syscall(SYS_landlock_restrict_self, ruleset, 0);
    int e = errno;
    close(ruleset);
    errno = e;
    return rc;
#else
    (void)exec_paths; (void)exec_count; (void)write_paths; (void)write_count;
    errno = ENOSYS;
    return -1;
#endif
}
