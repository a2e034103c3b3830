/* A compute-bound loop with no memory traffic: its time alone and with k copies at once shows
 * how the device's clock falls as more cores work (turbo), apart from any memory effect. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char** argv) {
  uint64_t n = argc > 1 ? strtoull(argv[1], 0, 10) : 500000000ULL;
  uint64_t x = 88172645463325252ULL, s = 0;
  for (uint64_t i = 0; i < n; ++i) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; s += x; }
  printf("%llu\n", (unsigned long long)s);
  return 0;
}
