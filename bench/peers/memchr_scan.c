/* The floor: read the file in 64 KiB blocks and count its newlines with memchr. No parsing, no
 * scoring; whatever a peer does beyond reading its input costs more than this.
 *
 * Why 64 KiB: the floor should be the fastest plain read of the file. On the AMD EPYC VM of
 * bench/RESULTS.md, read() into a 1 MiB buffer took the kernel 0.37 s of system time for the
 * 10M-row pool, and into a 64 KiB buffer 0.11 s (the whole scan 0.44 s against 0.18 s): the
 * kernel's copy of a large read is far slower there. Blocks of 16 to 128 KiB all took about
 * 0.12-0.15 s; 256 KiB and more about 0.4 s.
 *
 *   cc -O2 -o memchr_scan memchr_scan.c && ./memchr_scan POOL.csv OUT.txt
 *
 * Writes the number of lines (the header included) to OUT.txt.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK (1 << 16)

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: memchr_scan FILE OUT.txt\n");
    return 1;
  }
  const int fd = open(argv[1], O_RDONLY);
  if (fd < 0) {
    perror(argv[1]);
    return 2;
  }
  char* buffer = malloc(BLOCK);
  long long lines = 0;
  char last = '\n';
  ssize_t got;
  while ((got = read(fd, buffer, BLOCK)) > 0) {
    const char* p = buffer;
    const char* const end = buffer + got;
    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
      ++lines;
      ++p;
    }
    last = buffer[got - 1];
  }
  if (got < 0) {
    perror(argv[1]);
    return 2;
  }
  close(fd);
  free(buffer);
  if (last != '\n') ++lines; /* a last line without a newline */
  FILE* out = fopen(argv[2], "w");
  if (!out) {
    perror(argv[2]);
    return 2;
  }
  fprintf(out, "%lld\n", lines);
  return fclose(out) == 0 ? 0 : 2;
}
