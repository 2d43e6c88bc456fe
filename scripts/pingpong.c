/* The C reference for `ipc bench`: the same ping-pong and stream between a parent and a forked child, over two
 * pipes or a Unix socket pair, with plain blocking read/write and one clock_gettime per round trip.
 *
 *   pingpong pipe|unix SIZE COUNT BLOCK TOTAL
 *
 * Prints one line: median_us p99_us mib_s   (round trip median and 99th percentile in microseconds, one-way
 * bandwidth of TOTAL bytes written BLOCK bytes at a time, in MiB/s).
 * Built and run by scripts/bench_ipc.py; the first tenth of the round trips (at most 1000) warm up unmeasured.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) { if (errno == EINTR) continue; return -1; }
        p += w; n -= (size_t)w;
    }
    return 0;
}

static int read_all(int fd, char *p, size_t n) {
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r < 0) { if (errno == EINTR) continue; return -1; }
        if (r == 0) return -1;
        p += r; n -= (size_t)r;
    }
    return 0;
}

static int compare(const void *a, const void *b) {
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: pingpong pipe|unix SIZE COUNT BLOCK TOTAL\n");
        return 2;
    }
    int use_pipe = strcmp(argv[1], "pipe") == 0;
    size_t size = (size_t)atol(argv[2]);
    long count = atol(argv[3]);
    size_t block = (size_t)atol(argv[4]);
    long long total = atoll(argv[5]);
    long warmup = count / 10 > 1000 ? 1000 : (count / 10 < 10 ? 10 : count / 10);
    long blocks = total / (long long)block > 0 ? (long)(total / (long long)block) : 1;
    if (size == 0 || count <= 0 || block == 0) return 2;
    signal(SIGPIPE, SIG_IGN);

    int to_child[2], to_parent[2];
    if (use_pipe) {
        if (pipe(to_child) || pipe(to_parent)) { perror("pipe"); return 1; }
    } else {
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) { perror("socketpair"); return 1; }
        to_child[0] = sv[1]; to_child[1] = sv[0];
        to_parent[0] = sv[0]; to_parent[1] = sv[1];
    }
    size_t room = size > block ? size : block;
    char *buffer = malloc(room);
    if (!buffer) return 1;
    memset(buffer, 'x', room);

    pid_t pid = fork();
    if (pid < 0) { perror("fork"); return 1; }
    if (pid == 0) {
        int in = to_child[0], out = to_parent[1];
        for (long i = 0; i < warmup + count; i++) {
            if (read_all(in, buffer, size) || write_all(out, buffer, size)) _exit(1);
        }
        long long left = (long long)blocks * (long long)block;
        while (left > 0) {
            ssize_t r = read(in, buffer, (size_t)(left < (long long)room ? left : (long long)room));
            if (r <= 0) { if (r < 0 && errno == EINTR) continue; _exit(1); }
            left -= r;
        }
        if (write_all(out, buffer, 1)) _exit(1);
        _exit(0);
    }
    if (use_pipe) { close(to_child[0]); close(to_parent[1]); }
    int out = to_child[1], in = to_parent[0];

    long long *samples = malloc(sizeof(long long) * (size_t)count);
    if (!samples) return 1;
    for (long i = 0; i < warmup + count; i++) {
        long long start = now_ns();
        if (write_all(out, buffer, size) || read_all(in, buffer, size)) { fprintf(stderr, "ping-pong failed\n"); return 1; }
        long long elapsed = now_ns() - start;
        if (i >= warmup) samples[i - warmup] = elapsed;
    }
    long long start = now_ns();
    for (long i = 0; i < blocks; i++) {
        if (write_all(out, buffer, block)) { fprintf(stderr, "stream failed\n"); return 1; }
    }
    if (read_all(in, buffer, 1)) { fprintf(stderr, "no acknowledgement\n"); return 1; }
    long long elapsed = now_ns() - start;
    int status = 0;
    waitpid(pid, &status, 0);

    qsort(samples, (size_t)count, sizeof(long long), compare);
    long long median = count % 2 ? samples[count / 2] : (samples[count / 2 - 1] + samples[count / 2]) / 2;
    long p99_index = (long)((double)count * 0.99 + 0.999999) - 1;
    if (p99_index < 0) p99_index = 0;
    if (p99_index >= count) p99_index = count - 1;
    double mib_s = (double)blocks * (double)block / (1024.0 * 1024.0) / ((double)(elapsed > 0 ? elapsed : 1) / 1e9);
    printf("%.3f %.3f %.1f\n", (double)median / 1000.0, (double)samples[p99_index] / 1000.0, mib_s);
    free(samples);
    free(buffer);
    return 0;
}
