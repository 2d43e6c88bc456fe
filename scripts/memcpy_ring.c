/* The C reference for `ipc bench shm`'s bandwidth: one process, one thread, memcpy of BLOCK bytes at a time from a
 * private buffer into a ring of SLOTS slots of BLOCK bytes (the same ring 'ipc bench shm' copies into, here with
 * nobody reading it), TOTAL bytes in all (whole blocks).
 *
 *   memcpy_ring BLOCK TOTAL SLOTS
 *
 * Prints one line: mib_s (MiB per second copied). The first pass over the ring warms it up unmeasured.
 * Built and run by scripts/bench_ipc.py.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: memcpy_ring BLOCK TOTAL SLOTS\n"); return 2; }
    long block = atol(argv[1]);
    long long total = atoll(argv[2]);
    long slots = atol(argv[3]);
    if (block <= 0 || total < block || slots <= 0) { fprintf(stderr, "memcpy_ring: bad arguments\n"); return 2; }
    long long blocks = total / block;
    unsigned char *source = aligned_alloc(64, (size_t)((block + 63) / 64 * 64));
    unsigned char *ring = aligned_alloc(4096, (size_t)((block * slots + 4095) / 4096 * 4096));
    if (!source || !ring) { fprintf(stderr, "memcpy_ring: out of memory\n"); return 1; }
    memset(source, 'x', (size_t)block);
    memset(ring, 0, (size_t)(block * slots));
    for (long i = 0; i < slots; i++) memcpy(ring + i * block, source, (size_t)block);
    long long start = now_ns();
    for (long long i = 0; i < blocks; i++) {
        memcpy(ring + (i % slots) * block, source, (size_t)block);
        __asm__ volatile("" : : "r"(ring) : "memory");   // each copy happens: the compiler may not drop or merge them
    }
    long long elapsed = now_ns() - start;
    if (elapsed <= 0) elapsed = 1;
    printf("%.1f\n", (double)(blocks * block) / (1 << 20) / ((double)elapsed / 1e9));
    return 0;
}
