/* The floor: read the file in 1 MiB blocks and count its newlines with memchr. No parsing, no
 * scoring; whatever a peer does beyond reading its input costs more than this.
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

#define BLOCK (1 << 20)

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
