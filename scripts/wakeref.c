/* The floor under `watch`'s sampler: a thread that only wakes 1,000 times a second (clock_nanosleep to absolute
 * deadlines, as the sampler does) for SECONDS seconds, reading nothing. Prints wakeups per second and the CPU it
 * used, in per cent of one core. Built and run by scripts/bench_watch.py. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long now(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv) {
    double seconds = argc > 1 ? atof(argv[1]) : 2.0;
    long long interval = 1000000, start = now(CLOCK_MONOTONIC), cpu = now(CLOCK_THREAD_CPUTIME_ID);
    long long next = start, end = start + (long long)(seconds * 1e9), wakeups = 0;
    while (now(CLOCK_MONOTONIC) < end) {
        next += interval;
        struct timespec deadline = { next / 1000000000LL, next % 1000000000LL };
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL);
        wakeups++;
    }
    double wall = (now(CLOCK_MONOTONIC) - start) / 1e9;
    printf("%.1f %.2f\n", wakeups / wall, (now(CLOCK_THREAD_CPUTIME_ID) - cpu) / 1e9 / wall * 100);
    return 0;
}
