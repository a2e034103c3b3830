/* What a fresh page of memory costs on this machine: maps MIB MiB, touches each 4 KiB page once
 * (the first write to a page is a minor page fault: the kernel finds, zeroes and maps a page),
 * unmaps it, ten times, and prints the time per page. With a second argument, the mapping is
 * first asked to be filled in one call (MADV_POPULATE_WRITE, Linux 5.14) or to be backed by
 * 2 MiB pages (MADV_HUGEPAGE), to compare.
 *
 * On the 2-core VM of bench/RESULTS.md (seventeenth round) a fault took 11-22 µs, about a
 * hundred times what it takes on bare metal; MADV_POPULATE_WRITE 4.6 µs a page, huge pages
 * 1.0 µs. That is why memory a run touches once (not only what it keeps) shows in its time.
 *
 *   cc -O2 -o fault_cost bench/fault_cost.c && ./fault_cost 16 && ./fault_cost 16 hugepage
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char** argv) {
  if (argc < 2 || atoi(argv[1]) <= 0) {
    fprintf(stderr, "usage: fault_cost MIB [populate|hugepage]\n");
    return 1;
  }
  const size_t bytes = (size_t)atoi(argv[1]) << 20;
  const char* mode = argc > 2 ? argv[2] : "touch";
  const int rounds = 10;
  const double start = now();
  for (int r = 0; r < rounds; ++r) {
    char* p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      perror("mmap");
      return 2;
    }
    if (strcmp(mode, "populate") == 0) madvise(p, bytes, MADV_POPULATE_WRITE);
    if (strcmp(mode, "hugepage") == 0) madvise(p, bytes, MADV_HUGEPAGE);
    for (size_t i = 0; i < bytes; i += 4096) p[i] = 1;
    munmap(p, bytes);
  }
  const double pages = (double)rounds * (double)bytes / 4096.0;
  printf("%s: %.2f us per 4 KiB page\n", mode, (now() - start) / pages * 1e6);
  return 0;
}
