/* The C reference for `io fetch loop` in `make bench`: the same requests (8 bytes each, a reply of REPLY bytes) over
 * CONNS non-blocking connections to the I/O lab's server on 127.0.0.1:PORT, one thread, one epoll set, each
 * connection making its share one after another. Prints the nanoseconds from before the first connect to the last
 * reply, and the CPU time used.
 *
 *     cc -O2 -o ioclient scripts/ioclient.c && ./ioclient PORT REQUESTS CONNS REPLY
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct conn { int fd; int left; int got; int sending; uint64_t next; };

static long long now(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "usage: ioclient PORT REQUESTS CONNS REPLY\n"); return 2; }
    int port = atoi(argv[1]), requests = atoi(argv[2]), conns = atoi(argv[3]), reply = atoi(argv[4]);
    if (conns < 1 || conns > 4096 || reply < 8) return 2;
    struct conn *c = calloc((size_t)conns, sizeof *c);
    char *buffer = malloc((size_t)reply > 65536 ? (size_t)reply : 65536);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    long long start = now(CLOCK_MONOTONIC);
    int running = 0;
    for (int i = 0; i < conns; i++) {
        c[i].left = requests / conns + (i < requests % conns ? 1 : 0);
        c[i].next = (uint64_t)i;
        c[i].fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        int one = 1;
        setsockopt(c[i].fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(c[i].fd, (struct sockaddr *)&address, sizeof address) < 0 && errno != EINPROGRESS) { perror("connect"); return 1; }
        c[i].sending = 1;
        struct epoll_event e = { .events = EPOLLOUT, .data.u32 = (uint32_t)i };
        epoll_ctl(ep, EPOLL_CTL_ADD, c[i].fd, &e);
        if (c[i].left > 0) running++;
    }
    struct epoll_event ready[256];
    while (running > 0) {
        int n = epoll_wait(ep, ready, 256, 5000);
        if (n <= 0) { if (n < 0 && errno == EINTR) continue; fprintf(stderr, "stalled\n"); return 1; }
        for (int k = 0; k < n; k++) {
            struct conn *x = &c[ready[k].data.u32];
            if (x->sending) {
                uint64_t id = x->next;
                if (send(x->fd, &id, 8, MSG_NOSIGNAL) != 8) { perror("send"); return 1; }
                x->sending = 0;
                x->got = 0;
                struct epoll_event e = { .events = EPOLLIN, .data.u32 = ready[k].data.u32 };
                epoll_ctl(ep, EPOLL_CTL_MOD, x->fd, &e);
                continue;
            }
            ssize_t got = recv(x->fd, buffer, (size_t)(reply - x->got), 0);
            if (got < 0 && errno == EAGAIN) continue;
            if (got <= 0) { fprintf(stderr, "the server closed a connection\n"); return 1; }
            x->got += (int)got;
            if (x->got < reply) continue;
            x->left--;
            x->next += (uint64_t)conns;
            if (x->left == 0) { running--; epoll_ctl(ep, EPOLL_CTL_DEL, x->fd, NULL); close(x->fd); continue; }
            /* Send the next request at once, as the loop does; wait for writability only if it does not go. */
            uint64_t id = x->next;
            if (send(x->fd, &id, 8, MSG_NOSIGNAL) != 8) { perror("send"); return 1; }
            x->got = 0;
        }
    }
    printf("%lld %lld\n", now(CLOCK_MONOTONIC) - start, now(CLOCK_PROCESS_CPUTIME_ID));
    return 0;
}
