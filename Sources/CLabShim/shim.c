#define _GNU_SOURCE
#include "CLabShim.h"
#include <unistd.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <string.h>

pid_t conclab_gettid(void) { return (pid_t)syscall(SYS_gettid); }

int conclab_pipe2_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

int conclab_set_thread_name(const char *name) {
    char buf[16];
    strncpy(buf, name, 15);
    buf[15] = 0;
    return pthread_setname_np(pthread_self(), buf);
}

int conclab_set_parent_death_signal(int sig) { return prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0); }

int conclab_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                  int dup_to_3, int new_process_group) {
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    sigset_t empty, def;
    int rc;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&at);
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
    rc = posix_spawn(pid, path, &fa, &at, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    return rc;
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
