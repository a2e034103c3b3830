/* Plain C peer: a straightforward single-threaded program with a hand-written CSV parser,
 * computing the unit totals of the bench pool. The "simple C" baseline: no SIMD, no threads,
 * no memory mapping; the file is read in 1 MiB blocks and parsed field by field.
 *
 *   cc -O2 -o plain_c plain_c.c && ./plain_c POOL.csv OUT.csv
 *
 * Writes "unit,total" lines, sorted by unit. See README.md in this folder for the job.
 * It expects the pool's layout (respondent_id, group, unit, weight, q01..q30; no quoted fields)
 * and stops with an error on anything else.
 *
 * The job, as in bench/pool.yaml: 30 items q01..q30 with weights 1 + (j mod 3); codes 1, 2, 3
 * earn 100, 80, 0 points; 4 (don't know) and blanks are not answered; a ballot answering fewer
 * than 0.5 x 30 = 15 items is void; nine groups with these shares; the survey is worth 80 points.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define K 30
#define MAX_UNITS 256
#define MAX_NAME 32
#define BLOCK (1 << 20)

static const char* const group_ids[] = {"g1", "g2", "g3", "g4", "g5", "g6", "g7", "g8", "g9"};
static const double group_shares[] = {0.15, 0.15, 0.12, 0.12, 0.1, 0.1, 0.08, 0.1, 0.08};
#define GROUPS (int)(sizeof group_shares / sizeof group_shares[0])
static const double survey_points = 80.0;
static const double min_answered = 0.5 * K;

static char unit_ids[MAX_UNITS][MAX_NAME];
static int unit_count;
static double sum_vs[MAX_UNITS][GROUPS]; /* sum of v * S over valid ballots */
static double sum_v[MAX_UNITS][GROUPS];  /* sum of v */
static long valid[MAX_UNITS][GROUPS];    /* valid ballots */

static void fail(const char* what, long line) {
  fprintf(stderr, "plain_c: line %ld: %s\n", line, what);
  exit(2);
}

static int find_group(const char* s, size_t len) {
  for (int g = 0; g < GROUPS; ++g)
    if (strlen(group_ids[g]) == len && memcmp(group_ids[g], s, len) == 0) return g;
  return -1;
}

static int find_unit(const char* s, size_t len) {
  for (int u = 0; u < unit_count; ++u)
    if (strlen(unit_ids[u]) == len && memcmp(unit_ids[u], s, len) == 0) return u;
  if (unit_count == MAX_UNITS || len >= MAX_NAME) return -1;
  memcpy(unit_ids[unit_count], s, len);
  unit_ids[unit_count][len] = '\0';
  return unit_count++;
}

/* Parses one line [p, end) (without its newline). */
static void parse_line(const char* p, const char* end, long line) {
  static const double item_weight[K] = {2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1,
                                        2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1};
  const char* field;
  /* respondent_id: skipped */
  while (p < end && *p != ',') ++p;
  if (p == end) fail("too few fields", line);
  /* group */
  field = ++p;
  while (p < end && *p != ',') ++p;
  if (p == end) fail("too few fields", line);
  const int g = find_group(field, (size_t)(p - field));
  if (g < 0) fail("unknown group", line);
  /* unit */
  field = ++p;
  while (p < end && *p != ',') ++p;
  if (p == end) fail("too few fields", line);
  const int u = find_unit(field, (size_t)(p - field));
  if (u < 0) fail("too many units", line);
  /* weight: digits, an optional point and more digits */
  ++p;
  double v = 0.0, scale = 1.0;
  int digits = 0;
  while (p < end && *p >= '0' && *p <= '9') v = v * 10.0 + (*p++ - '0'), ++digits;
  if (p < end && *p == '.') {
    ++p;
    while (p < end && *p >= '0' && *p <= '9') v = v * 10.0 + (*p++ - '0'), scale *= 10.0, ++digits;
  }
  if (digits == 0 || p == end || *p != ',') fail("bad weight", line);
  v /= scale;
  /* q01..q30: empty, or one of 1..4 */
  double num = 0.0, den = 0.0;
  int answered = 0;
  for (int j = 0; j < K; ++j) {
    if (p == end || *p != ',') fail("too few fields", line);
    ++p;
    if (p == end || *p == ',') continue; /* blank */
    const char c = *p++;
    if (p != end && *p != ',') fail("bad answer", line);
    switch (c) {
      case '1': num += item_weight[j] * 100.0; den += item_weight[j]; ++answered; break;
      case '2': num += item_weight[j] * 80.0; den += item_weight[j]; ++answered; break;
      case '3': den += item_weight[j]; ++answered; break;
      case '4': break; /* don't know */
      default: fail("bad answer", line);
    }
  }
  if (p != end) fail("too many fields", line);
  if (answered == 0 || answered < min_answered) return; /* void ballot */
  sum_vs[u][g] += v * (num / den);
  sum_v[u][g] += v;
  ++valid[u][g];
}

static int by_id(const void* a, const void* b) {
  return strcmp(unit_ids[*(const int*)a], unit_ids[*(const int*)b]);
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: plain_c POOL.csv OUT.csv\n");
    return 1;
  }
  FILE* in = fopen(argv[1], "rb");
  if (!in) {
    perror(argv[1]);
    return 2;
  }
  char* buffer = malloc(2 * BLOCK);
  size_t have = 0;
  long line = 0;
  int header = 1;
  for (;;) {
    const size_t got = fread(buffer + have, 1, 2 * BLOCK - have, in);
    have += got;
    const int at_end = got == 0;
    char* start = buffer;
    char* const stop = buffer + have;
    for (;;) {
      char* nl = memchr(start, '\n', (size_t)(stop - start));
      if (!nl) {
        if (!at_end || start == stop) break;
        nl = stop; /* last line without a newline */
      }
      ++line;
      const char* end = nl > start && nl[-1] == '\r' ? nl - 1 : nl;
      if (header)
        header = 0;
      else if (end > start)
        parse_line(start, end, line);
      start = nl == stop ? stop : nl + 1;
    }
    have = (size_t)(stop - start);
    memmove(buffer, start, have);
    if (at_end) break;
    if (have == 2 * BLOCK) fail("line too long", line + 1);
  }
  fclose(in);
  free(buffer);

  int order[MAX_UNITS];
  for (int u = 0; u < unit_count; ++u) order[u] = u;
  qsort(order, (size_t)unit_count, sizeof order[0], by_id);
  FILE* out = fopen(argv[2], "w");
  if (!out) {
    perror(argv[2]);
    return 2;
  }
  for (int k = 0; k < unit_count; ++k) {
    const int u = order[k];
    double weighted = 0.0, present = 0.0;
    for (int g = 0; g < GROUPS; ++g) {
      if (valid[u][g] == 0) continue; /* no valid ballot of this group here */
      weighted += group_shares[g] * (sum_vs[u][g] / sum_v[u][g]);
      present += group_shares[g];
    }
    if (present > 0.0) fprintf(out, "%s,%.17g\n", unit_ids[u], survey_points * (weighted / present) / 100.0);
  }
  return fclose(out) == 0 ? 0 : 2;
}
