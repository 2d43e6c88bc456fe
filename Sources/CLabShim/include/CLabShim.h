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
#endif
