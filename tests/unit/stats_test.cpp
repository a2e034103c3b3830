// The statistics layer (include/qscore/stats/): moments against NIST StRD certified values,
// merging, intervals, quantiles, the design-based variance, rank uncertainty. Expected values
// are NIST's certified ones, R's (the R call is quoted next to each), or worked by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "qscore/detail/xoshiro.hpp"
#include "qscore/stats/design.hpp"
#include "qscore/stats/histogram.hpp"
#include "qscore/stats/intervals.hpp"
#include "qscore/stats/moments.hpp"
#include "qscore/stats/rank_uncertainty.hpp"
#include "support/reference_csv.hpp"

namespace {

using namespace qscore;
using namespace qscore::stats;

// NIST's log relative error: the number of correct significant digits, capped at 15.
double lre(double got, double certified) {
  if (got == certified) return 15.0;
  return std::min(15.0, -std::log10(std::fabs(got - certified) / std::fabs(certified)));
}

std::vector<double> nist_values(const std::string& name) {
  const auto table = fixtures::read_reference_csv(fixtures::reference_path("nist/" + name + ".csv"));
  std::vector<double> out;
  for (std::size_t r = 0; r < table.rows.size(); ++r) out.push_back(*table.number(r, "y"));
  return out;
}

TEST(nist_strd, every_data_set_reaches_the_double_limit) {
  // tests/reference/nist: NIST's nine univariate sets and certified values, and R's digits
  // (r_digits.csv, made by make_nist_r.R). Seven sets: >= 13 digits of mean and sd. NumAcc3 and
  // NumAcc4 hold values with no exact double (1000000.1, 10000000.1): no program that parses
  // them into doubles gets every digit, and qscore must do no worse than R there.
  const auto certified = fixtures::read_reference_csv(fixtures::reference_path("nist/certified_values.csv"));
  const auto r_digits = fixtures::read_reference_csv(fixtures::reference_path("nist/r_digits.csv"));
  ASSERT_EQ(certified.rows.size(), 9U);
  for (std::size_t s = 0; s < certified.rows.size(); ++s) {
    std::string name = certified.at(s, "dataset");
    name.erase(std::remove(name.begin(), name.end(), '"'), name.end());
    auto strip = [](std::string text) {
      text.erase(std::remove(text.begin(), text.end(), '"'), text.end());
      return std::stod(text);
    };
    const double mean = strip(certified.at(s, "certified_mean"));
    const double sd = strip(certified.at(s, "certified_sd"));
    const std::vector<double> values = nist_values(name);

    // As a tally takes them: blocks of 1024 rows folded into the running state.
    moment_stream one_pass;
    for (const double y : values) one_pass.add(y);
    const moments& m = one_pass.state();
    ASSERT_EQ(m.n, static_cast<std::int64_t>(values.size()));
    const double mean_digits = lre(*m.mean_value(), mean);
    const double sd_digits = lre(*m.sd(), sd);

    std::size_t r_row = 0;
    while (r_digits.at(r_row, "dataset") != name) ++r_row;
    const double r_mean_digits = *r_digits.number(r_row, "r_mean_lre");
    const double r_sd_digits = *r_digits.number(r_row, "r_sd_lre");
    RecordProperty(name + "_mean_digits", std::to_string(mean_digits));
    RecordProperty(name + "_sd_digits", std::to_string(sd_digits));
    std::cout << name << ": mean " << mean_digits << " digits (R " << r_mean_digits << "), sd " << sd_digits
              << " digits (R " << r_sd_digits << ")\n";
    if (name == "NumAcc3" || name == "NumAcc4") {
      EXPECT_GE(mean_digits, r_mean_digits) << name;
      EXPECT_GE(sd_digits, r_sd_digits - 1e-3) << name;  // the last digit of R's printed LRE
      // The sd of the doubles as parsed agrees with R's to far more digits than either has right.
      EXPECT_NEAR(*m.sd(), *r_digits.number(r_row, "r_sd"), 1e-13 * sd) << name;
    } else {
      EXPECT_GE(mean_digits, 13.0) << name;
      EXPECT_GE(sd_digits, 13.0) << name;
    }

    // Cut into random chunks, merged in a random order: the same digits.
    std::mt19937 rng(static_cast<unsigned>(values.size()));
    std::vector<std::size_t> cuts = {0, values.size()};
    for (int c = 0; c < 5; ++c) cuts.push_back(rng() % values.size());
    std::sort(cuts.begin(), cuts.end());
    std::vector<moments> parts;
    for (std::size_t c = 0; c + 1 < cuts.size(); ++c) {
      moment_stream part;
      for (std::size_t i = cuts[c]; i < cuts[c + 1]; ++i) part.add(values[i]);
      parts.push_back(part.state());
    }
    std::shuffle(parts.begin(), parts.end(), rng);
    moments merged;
    for (const auto& part : parts) merged.merge(part);
    EXPECT_EQ(merged.n, m.n);
    EXPECT_NEAR(*merged.mean_value(), *m.mean_value(), 1e-15 * std::fabs(mean)) << name;
    EXPECT_NEAR(*merged.sd(), *m.sd(), 1e-13 * sd) << name;
  }
}

TEST(moments, weighted_mean_and_sd_by_hand) {
  // y = 2, 4, 4, 5 with w = 1, 2, 1, 1: W = 5, mean = 19/5 = 3.8;
  // Σ w (y − 3.8)² = 3.24 + 2·0.04 + 0.04 + 1.44 = 4.8; sd = √(4.8 / 5 · 4/3) = √1.28.
  moment_stream s(2, true);  // blocks of 2 rows: exercises folding
  s.add(2, 1);
  s.add(4, 2);
  s.add(4, 1);
  s.add(5, 1);
  const moments& m = s.state();
  EXPECT_EQ(m.n, 4);
  EXPECT_DOUBLE_EQ(m.weight(), 5.0);
  EXPECT_DOUBLE_EQ(*m.mean_value(), 3.8);
  EXPECT_DOUBLE_EQ(*m.sd(), std::sqrt(1.28));
  EXPECT_EQ(m.min, 2.0);
  EXPECT_EQ(m.max, 5.0);
  // Co-moments of a = w·y = 2, 8, 4, 5 and b = w = 1, 2, 1, 1: means 4.75 and 1.25;
  // Saa = 7.5625 + 10.5625 + 0.5625 + 0.0625 = 18.75; Sab = 1.875 + ... = 2.25 (by hand below);
  // Sbb = 3 · 0.0625 + 0.5625 = 0.75.
  const co_moments& c = s.pairs();
  EXPECT_DOUBLE_EQ(c.mean_a.value(), 4.75);
  EXPECT_DOUBLE_EQ(c.mean_b.value(), 1.25);
  EXPECT_DOUBLE_EQ(c.saa.value(), 18.75);
  // Sab = (−2.75)(−0.25) + (3.25)(0.75) + (−0.75)(−0.25) + (0.25)(−0.25) = 0.6875 + 2.4375 + 0.1875 − 0.0625
  EXPECT_DOUBLE_EQ(c.sab.value(), 3.25);
  EXPECT_DOUBLE_EQ(c.sbb.value(), 0.75);
}

TEST(moments, one_value_has_no_sd_and_nothing_has_no_mean) {
  moments empty;
  EXPECT_FALSE(empty.mean_value());
  moment_stream one;
  one.add(42.0);
  EXPECT_EQ(*one.state().mean_value(), 42.0);
  EXPECT_FALSE(one.state().sd());
}

TEST(design, stratified_weighted_mean_matches_svymean) {
  // R: d <- data.frame(y = c(2,4,4,5,7,9), w = c(1,2,1,1,3,1), h = c("a","a","a","a","b","b"))
  //    svymean(~y, svydesign(id = ~1, strata = ~h, weights = ~w, data = d))
  //    -> mean 5.4444444444444444, SE 0.32756788052892838
  //    svyby(~y, ~h, ..., svymean) SEs -> 0.51016337252557298 (a), 0.75000000000000011 (b)
  moment_stream a(1024, true), b(1024, true);
  a.add(2, 1);
  a.add(4, 2);
  a.add(4, 1);
  a.add(5, 1);
  b.add(7, 3);
  b.add(9, 1);
  const moments& ma = a.state();
  const moments& mb = b.state();
  const double total_w = 9.0;
  const double mean = (19.0 + 30.0) / total_w;  // Σ w y = 19 + 30
  std::vector<design_stratum> strata(2);
  strata[0].parts.push_back({1.0 / total_w, mean, &ma, &a.pairs()});
  strata[1].parts.push_back({1.0 / total_w, mean, &mb, &b.pairs()});
  EXPECT_NEAR(std::sqrt(*linearised_variance(strata).variance), 0.32756788052892838, 1e-15);
  // Each stratum's own mean: coefficient 1/W_h, centred on its mean.
  std::vector<design_stratum> only_a(1);
  only_a[0].parts.push_back({1.0 / 5.0, 3.8, &ma, &a.pairs()});
  EXPECT_NEAR(std::sqrt(*linearised_variance(only_a).variance), 0.51016337252557298, 1e-15);
  std::vector<design_stratum> only_b(1);
  only_b[0].parts.push_back({1.0 / 4.0, 7.5, &mb, &b.pairs()});
  EXPECT_NEAR(std::sqrt(*linearised_variance(only_b).variance), 0.75000000000000011, 1e-15);
  // Finite population correction: (1 − n/N) scales each stratum's term; N = 8 for b halves
  // nothing but multiplies by 1 − 2/8 = 0.75.
  only_b[0].population = 8.0;
  EXPECT_NEAR(*linearised_variance(only_b).variance, 0.75 * 0.5625, 1e-15);
  // A stratum with one row: no variance.
  moment_stream lone;
  lone.add(3.0);
  std::vector<design_stratum> single(1);
  single[0].parts.push_back({1.0, 3.0, &lone.state(), nullptr});
  EXPECT_FALSE(linearised_variance(single).variance);
  EXPECT_EQ(linearised_variance(single).lonely_strata, 1);
  // Next to a stratum with a variance it adds nothing, and is counted (R survey with
  // options(survey.lonely.psu = "certainty")).
  single.push_back(only_b[0]);
  single[1].population.reset();
  const design_variance both = linearised_variance(single);
  EXPECT_NEAR(*both.variance, 0.5625, 1e-15);
  EXPECT_EQ(both.lonely_strata, 1);
}

TEST(design, unweighted_single_stratum_is_s_over_root_n) {
  // Without weights the SE of a mean is s / √n: y = 1..5, s² = 2.5, SE = √(2.5 / 5) = √0.5.
  moment_stream s;
  for (int y = 1; y <= 5; ++y) s.add(y);
  std::vector<design_stratum> strata(1);
  strata[0].parts.push_back({1.0 / 5.0, 3.0, &s.state(), nullptr});
  EXPECT_NEAR(std::sqrt(*linearised_variance(strata).variance), std::sqrt(0.5), 1e-15);
}

TEST(intervals, wilson_matches_prop_test) {
  // R: prop.test(7, 20, correct = FALSE)$conf.int -> 0.18119182410108206 0.56714572331476365
  const auto w = wilson_interval(7, 20);
  ASSERT_TRUE(w);
  EXPECT_NEAR(w->low, 0.18119182410108206, 1e-15);
  EXPECT_NEAR(w->high, 0.56714572331476365, 1e-15);
  // prop.test(0, 5, ...) -> 0 0.43448246478317465; prop.test(5, 5, ...) -> 0.56551753521682535 1
  EXPECT_NEAR(wilson_interval(0, 5)->high, 0.43448246478317465, 1e-15);
  EXPECT_EQ(wilson_interval(0, 5)->low, 0.0);
  EXPECT_NEAR(wilson_interval(5, 5)->low, 0.56551753521682535, 1e-15);
  EXPECT_EQ(wilson_interval(5, 5)->high, 1.0);
  EXPECT_FALSE(wilson_interval(0, 0));
  // R: 2 * pnorm(-1.5) -> 0.13361440253771614
  EXPECT_NEAR(two_sided_p(1.5), 0.13361440253771614, 1e-15);
  EXPECT_NEAR(two_sided_p(-1.5), 0.13361440253771614, 1e-15);
}

TEST(histogram, quantiles_match_r_type_7) {
  // R: quantile(c(1,1,2,3,3,3,5,8,8,10), c(.25,.5,.75)) -> 2.25 3.00 7.25
  const std::vector<std::pair<double, std::int64_t>> values = {{1, 2}, {2, 1}, {3, 3}, {5, 1}, {8, 2}, {10, 1}};
  EXPECT_DOUBLE_EQ(*quantile_type7(values, 0.25), 2.25);
  EXPECT_DOUBLE_EQ(*quantile_type7(values, 0.5), 3.0);
  EXPECT_DOUBLE_EQ(*quantile_type7(values, 0.75), 7.25);
  EXPECT_DOUBLE_EQ(*quantile_type7(values, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(*quantile_type7(values, 1.0), 10.0);
  EXPECT_FALSE(quantile_type7({}, 0.5));
}

TEST(histogram, count_map_merges_exactly_in_any_order) {
  std::mt19937 rng(5);
  std::vector<std::int64_t> keys;
  for (int i = 0; i < 20000; ++i) keys.push_back(static_cast<std::int64_t>(rng() % 3000) - 1500);
  count_map whole;
  for (const auto key : keys) whole.add(key);
  count_map a, b, c;
  for (std::size_t i = 0; i < keys.size(); ++i) (i % 3 == 0 ? a : i % 3 == 1 ? b : c).add(keys[i]);
  count_map merged;
  merged.merge(c);
  merged.merge(a);
  merged.merge(b);
  EXPECT_EQ(merged.sorted(), whole.sorted());
  std::int64_t total = 0;
  for (const auto& [key, count] : whole.sorted()) total += count;
  EXPECT_EQ(total, 20000);
}

namespace {
// The counts a std::map keeps: the reference the count_map tests compare with.
std::vector<std::pair<std::int64_t, std::int64_t>> map_counts(const std::vector<std::int64_t>& keys) {
  std::map<std::int64_t, std::int64_t> counts;
  for (const auto key : keys) ++counts[key];
  return {counts.begin(), counts.end()};
}
}  // namespace

TEST(histogram, count_map_switches_to_a_dense_array_for_close_keys_and_keeps_far_ones_hashed) {
  // Scores on a 0.01 grid: 30,000 draws over 0.00 .. 80.00 (8,001 keys) fill most of the range,
  // so the table turns dense. Keys far outside it, including the extremes of int64 (whose
  // distance from the range overflows a signed difference), stay in the hash table.
  std::mt19937 rng(11);
  std::vector<std::int64_t> keys;
  for (int i = 0; i < 30000; ++i) keys.push_back(static_cast<std::int64_t>(rng() % 8001));
  const std::int64_t far[] = {std::numeric_limits<std::int64_t>::max(),
                              std::numeric_limits<std::int64_t>::min() + 1, -1'000'000'000'000, 9000, -1};
  for (const auto key : far) keys.insert(keys.begin() + 15000, key);  // after the switch
  keys.push_back(-1);
  count_map counts;
  for (const auto key : keys) counts.add(key);
  EXPECT_TRUE(counts.dense());
  const auto expected = map_counts(keys);
  EXPECT_EQ(counts.sorted(), expected);
  EXPECT_EQ(counts.size(), expected.size());
  // As a tally counts: room reserved ahead of each 1,024 keys, so the table seldom fills up.
  count_map reserved;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i % 1024 == 0) reserved.reserve(reserved.size() + 256);
    reserved.add(keys[i]);
  }
  EXPECT_TRUE(reserved.dense());
  EXPECT_EQ(reserved.sorted(), expected);
  // Keys added 1,024 at a time (the tally's way, with the dense table's lines fetched ahead).
  count_map in_runs;
  for (std::size_t i = 0; i < keys.size(); i += 1024)
    in_runs.add_each(keys.data() + i, keys.data() + std::min(keys.size(), i + 1024));
  EXPECT_TRUE(in_runs.dense());
  EXPECT_EQ(in_runs.sorted(), expected);
  EXPECT_EQ(in_runs.size(), expected.size());
}

TEST(histogram, count_map_stays_hashed_for_scattered_keys) {
  // 3,000 distinct keys a million apart: a dense array would need 3e9 slots.
  std::vector<std::int64_t> keys;
  for (std::int64_t i = 0; i < 3000; ++i) keys.push_back((i * 7919 % 3000) * 1'000'000);
  for (std::int64_t i = 0; i < 3000; i += 3) keys.push_back(i * 1'000'000);
  count_map counts;
  for (const auto key : keys) counts.add(key);
  EXPECT_FALSE(counts.dense());
  EXPECT_EQ(counts.sorted(), map_counts(keys));
  EXPECT_EQ(counts.size(), 3000U);
}

TEST(histogram, grid_keys_round_half_away_from_zero_as_llround_does) {
  // By hand: 0.125 points -> 12.5 -> 13; -0.125 -> -13; 73.335 is 73.33499999999999 in binary,
  // so 7333.499999999999 -> 7333; 0.004999 -> 0.4999 -> 0; 0.505 (0.50500000000000000444)
  // -> 50.5 after rounding the product -> 51.
  EXPECT_EQ(grid_key(0.125), 13);
  EXPECT_EQ(grid_key(-0.125), -13);
  EXPECT_EQ(grid_key(73.335), 7333);
  EXPECT_EQ(grid_key(0.004999), 0);
  EXPECT_EQ(grid_key(0.505), 51);
  EXPECT_EQ(grid_key(-0.0), 0);
  // Against std::llround (the C library's rounding, the reference): scores on and between grid
  // points, halves, both signs, and magnitudes past 2^52 / 100 where the shortcut hands over.
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> uniform(-150.0, 150.0);
  std::vector<double> scores = {0.005, -0.005, 0.015, 2.5e13, -4.503599627370497e13, 4.503599627370496e13, 1e15, -1e17};
  for (int i = 0; i < 100000; ++i) scores.push_back(uniform(random));
  for (int i = -20000; i <= 20000; ++i) scores.push_back(i / 200.0);  // every half grid point
  for (const double score : scores) ASSERT_EQ(grid_key(score), std::llround(score * score_grid)) << score;
}

TEST(histogram, count_map_merges_dense_and_hashed_tables_both_ways) {
  std::mt19937 rng(12);
  std::vector<std::int64_t> close, scattered;
  for (int i = 0; i < 20000; ++i) close.push_back(static_cast<std::int64_t>(rng() % 5000) - 2500);
  for (int i = 0; i < 500; ++i) scattered.push_back(static_cast<std::int64_t>(rng()) * 4096);
  count_map dense, sparse;
  for (const auto key : close) dense.add(key);
  for (const auto key : scattered) sparse.add(key);
  ASSERT_TRUE(dense.dense());
  ASSERT_FALSE(sparse.dense());
  std::vector<std::int64_t> all = close;
  all.insert(all.end(), scattered.begin(), scattered.end());
  count_map into_dense = dense, into_sparse = sparse;
  into_dense.merge(sparse);
  into_sparse.merge(dense);
  EXPECT_EQ(into_dense.sorted(), map_counts(all));
  EXPECT_EQ(into_sparse.sorted(), map_counts(all));
  EXPECT_EQ(into_dense.size(), map_counts(all).size());
}

TEST(histogram, count_map_adds_dense_tables_slot_by_slot_over_any_overlap) {
  // Dense tables over overlapping, nested and disjoint-but-close ranges, each with hashed keys
  // below and above its range; merged both ways, into an empty map and into itself's copy.
  std::mt19937 rng(21);
  const auto draw = [&rng](std::int64_t low, std::int64_t span, int n) {
    std::vector<std::int64_t> keys;
    for (int i = 0; i < n; ++i) keys.push_back(low + static_cast<std::int64_t>(rng() % static_cast<std::uint32_t>(span)));
    keys.push_back(low - 1'000'000);   // far below: hashed
    keys.push_back(low + 5'000'000);   // far above: hashed
    keys.push_back(low - 2000);        // hashed, until a merge widens the range over it
    keys.push_back(-7);
    return keys;
  };
  const std::vector<std::vector<std::int64_t>> sets = {
      draw(0, 8001, 30000), draw(4000, 8001, 30000), draw(1000, 2000, 20000), draw(9000, 3000, 20000)};
  for (std::size_t i = 0; i < sets.size(); ++i)
    for (std::size_t j = 0; j < sets.size(); ++j) {
      count_map a, b;
      for (const auto key : sets[i]) a.add(key);
      for (const auto key : sets[j]) b.add(key);
      ASSERT_TRUE(a.dense());
      ASSERT_TRUE(b.dense());
      std::vector<std::int64_t> all = sets[i];
      all.insert(all.end(), sets[j].begin(), sets[j].end());
      a.merge(b);
      EXPECT_EQ(a.sorted(), map_counts(all)) << i << " + " << j;
      EXPECT_EQ(a.size(), map_counts(all).size()) << i << " + " << j;
      EXPECT_EQ(a.total(), static_cast<std::int64_t>(all.size()));
    }
  count_map empty, one;
  for (const auto key : sets[0]) one.add(key);
  empty.merge(one);
  EXPECT_EQ(empty.sorted(), map_counts(sets[0]));
  one.merge(count_map{});
  EXPECT_EQ(one.sorted(), map_counts(sets[0]));
}

TEST(histogram, count_map_keeps_far_apart_dense_tables_apart_when_merging) {
  // Two dense tables 10^9 apart: one array over both would take 8 GB, so the keys of the second
  // go into the first's hash table, and the counts are still exact.
  std::vector<std::int64_t> near, far;
  for (std::int64_t i = 0; i < 20000; ++i) near.push_back(i % 5000);
  for (std::int64_t i = 0; i < 20000; ++i) far.push_back(1'000'000'000 + i % 5000);
  count_map a, b;
  for (const auto key : near) a.add(key);
  for (const auto key : far) b.add(key);
  ASSERT_TRUE(a.dense());
  ASSERT_TRUE(b.dense());
  a.merge(b);
  std::vector<std::int64_t> all = near;
  all.insert(all.end(), far.begin(), far.end());
  EXPECT_EQ(a.sorted(), map_counts(all));
  EXPECT_EQ(a.size(), 10000U);
}

TEST(histogram, quantiles_from_counts_walk_the_keys_as_quantile_type7_reads_the_pairs) {
  // By hand (R: quantile(c(0.01, 0.02, 0.03, 0.04, 0.10), type = 7)): n = 5, h = 4p.
  // p = 0.1: h = 0.4, 0.6 x 0.01 + 0.4 x 0.02 = 0.014; p = 0.25: h = 1, 0.02; p = 0.5: 0.03;
  // p = 0.75: 0.04; p = 1: 0.10; p = 0: 0.01.
  count_map small;
  for (const std::int64_t key : {10, 1, 3, 2, 4}) small.add(key);
  const auto q = quantiles_type7(small, {0.1, 0.25, 0.5, 0.75, 1.0, 0.0}, grid_value);
  EXPECT_DOUBLE_EQ(*q[0], 0.014);
  EXPECT_DOUBLE_EQ(*q[1], 0.02);
  EXPECT_DOUBLE_EQ(*q[2], 0.03);
  EXPECT_DOUBLE_EQ(*q[3], 0.04);
  EXPECT_DOUBLE_EQ(*q[4], 0.10);
  EXPECT_DOUBLE_EQ(*q[5], 0.01);
  EXPECT_FALSE(quantiles_type7(count_map{}, {0.5}, grid_value)[0].has_value());
  // Against quantile_type7 on the listed pairs, bit for bit: dense tables with hashed keys below
  // and above, hashed-only tables, one key, many repeats.
  std::mt19937 rng(31);
  for (int trial = 0; trial < 40; ++trial) {
    count_map counts;
    const int n = 1 + static_cast<int>(rng() % 20000);
    const bool scattered = trial % 4 == 0;
    for (int i = 0; i < n; ++i) {
      const std::int64_t key = scattered ? static_cast<std::int64_t>(rng()) * 1000
                                         : static_cast<std::int64_t>(rng() % 3000) - 500;
      counts.add(key, 1 + static_cast<std::int64_t>(rng() % 3));
    }
    if (trial % 3 == 0) counts.add(-1'000'000'000);
    if (trial % 5 == 0) counts.add(2'000'000'000, 7);
    std::vector<std::pair<double, std::int64_t>> pairs;
    for (const auto& [key, count] : counts.sorted()) pairs.emplace_back(grid_value(key), count);
    const std::vector<double> ps = {0.0, 0.01, 0.25, 0.5, 0.75, 0.9, 1.0};
    const auto walked = quantiles_type7(counts, ps, grid_value);
    for (std::size_t i = 0; i < ps.size(); ++i)
      ASSERT_EQ(walked[i], quantile_type7(pairs, ps[i])) << "trial " << trial << " p " << ps[i];
  }
}

// The dense table keeps two bytes a slot and the part of a count past 65,535 in a second array:
// counts that cross 65,536 (and 2^32, and far beyond) must come back exact, however they got
// there: one by one through add_each (the tally's way), in one add, by a merge of two tables,
// and when a table turns dense or widens over hashed keys that already hold large counts.
TEST(histogram, count_map_counts_past_two_bytes_a_slot_exactly) {
  std::map<std::int64_t, std::int64_t> expected;
  std::vector<std::int32_t> keys;
  // 1,000 keys over 0..999 (the table turns dense), then key 500 another 200,000 times: it
  // passes 65,535 three times (at 65,536, 131,072 and 196,608), each inside a run of add_each.
  for (std::int32_t k = 0; k < 1000; ++k) keys.push_back(k);
  for (int i = 0; i < 200000; ++i) keys.push_back(500);
  for (const auto key : keys) ++expected[key];
  count_map counts;
  for (std::size_t i = 0; i < keys.size(); i += 1024)
    counts.add_each(keys.data() + i, keys.data() + std::min(keys.size(), i + 1024));
  ASSERT_TRUE(counts.dense());
  EXPECT_EQ(counts.sorted(), (std::vector<std::pair<std::int64_t, std::int64_t>>(expected.begin(), expected.end())));
  EXPECT_EQ(counts.size(), 1000U);
  // After the table turned wide: more keys one by one, a slot that lands on exactly 65,536
  // (its low part 0: still counted as present) and a count of 2^40 + 3 in one add.
  std::vector<std::int32_t> more(65535, 7);  // 1 + 65,535 = 65,536
  counts.add_each(more.data(), more.data() + more.size());
  expected[7] += 65535;
  counts.add(7);  // 65,537: not a new key
  ++expected[7];
  counts.add(900, (std::int64_t{1} << 40) + 3);
  expected[900] += (std::int64_t{1} << 40) + 3;
  const std::vector<std::pair<std::int64_t, std::int64_t>> listed(expected.begin(), expected.end());
  EXPECT_EQ(counts.sorted(), listed);
  EXPECT_EQ(counts.size(), 1000U);
  // By hand: 1,000 + 200,000 + 65,535 + 1 + 2^40 + 3.
  EXPECT_EQ(counts.total(), 266539 + (std::int64_t{1} << 40));

  // Merged into a narrow table slot by slot: 40,000 + 40,000 of key 3 passes 65,535 in the sum.
  count_map a, b;
  for (std::int64_t k = 0; k < 100; ++k) {
    a.add(k);
    b.add(k);
  }
  std::vector<std::int32_t> threes(40000, 3);
  a.add_each(threes.data(), threes.data() + threes.size());
  b.add_each(threes.data(), threes.data() + threes.size());
  ASSERT_TRUE(a.dense());
  a.merge(b);
  EXPECT_EQ(a.size(), 100U);
  EXPECT_EQ(a.total(), 200 + 80000);
  // Keys 0..99 twice each, key 3 another 80,000 times: ranks 0-1 are key 0, 2-3 key 1, 4-5
  // key 2, 6..80,007 key 3, 80,008 key 4.
  EXPECT_EQ(a.keys_at_ranks({0, 3, 4, 6, 80007, 80008}), (std::vector<std::int64_t>{0, 1, 2, 3, 3, 4}));
  // Merged the other way too: a wide table into a narrow one, and into an empty one.
  count_map c;
  for (std::int64_t k = 50; k < 150; ++k) c.add(k);
  c.merge(a);
  EXPECT_EQ(c.size(), 150U);
  EXPECT_EQ(c.total(), 100 + 200 + 80000);
  count_map empty;
  empty.merge(a);
  EXPECT_EQ(empty.sorted(), a.sorted());

  // Hashed keys holding large counts, then moved into a dense table (densify) and a widened one.
  count_map hashed;
  hashed.add(10, 100000);
  hashed.add(11, std::int64_t{1} << 33);
  for (std::int64_t k = 0; k < 2000; ++k) hashed.add(k);  // turns dense over 0..1999
  ASSERT_TRUE(hashed.dense());
  count_map far;
  for (std::int64_t k = 2000; k < 3000; ++k) far.add(k);
  far.add(2500, 70000);
  hashed.merge(far);  // widens 0..1999 over 2000..2999
  const auto sorted = hashed.sorted();
  ASSERT_EQ(sorted.size(), 3000U);
  EXPECT_EQ(sorted[10].second, 100001);
  EXPECT_EQ(sorted[11].second, (std::int64_t{1} << 33) + 1);
  EXPECT_EQ(sorted[2500].second, 70001);
  EXPECT_EQ(sorted[2999].second, 1);
  EXPECT_EQ(hashed.total(), 3000 + 100000 + (std::int64_t{1} << 33) + 70000);
}

TEST(rank_uncertainty, seeded_bootstrap_is_reproducible_and_sensible) {
  // Units 1 and 2 are 0.1 apart with SE 1: either may be first. Unit 3 is 50 below: always 3rd.
  const std::vector<double> totals = {70.1, 70.0, 20.0};
  const std::vector<std::optional<double>> se = {1.0, 1.0, 1.0};
  const auto a = bootstrap_rank_intervals(totals, se, 2000, 42);
  const auto b = bootstrap_rank_intervals(totals, se, 2000, 42);
  for (std::size_t u = 0; u < 3; ++u) {
    EXPECT_EQ(a[u].low, b[u].low);
    EXPECT_EQ(a[u].high, b[u].high);
  }
  EXPECT_EQ(a[0].low, 1);
  EXPECT_EQ(a[0].high, 2);
  EXPECT_EQ(a[1].low, 1);
  EXPECT_EQ(a[1].high, 2);
  EXPECT_EQ(a[2].low, 3);
  EXPECT_EQ(a[2].high, 3);
  // Without uncertainty the ranks are the observed ones.
  const auto fixed = bootstrap_rank_intervals(totals, {0.0, 0.0, 0.0}, 100, 1);
  EXPECT_EQ(fixed[0].low, 1);
  EXPECT_EQ(fixed[0].high, 1);
  EXPECT_EQ(fixed[1].low, 2);
  EXPECT_EQ(fixed[1].high, 2);
}

// The rank intervals as first written: a units x units table of how often each unit held each
// rank, and the type 1 quantile read from its cumulative counts; the same draws (same seed, same
// order). bootstrap_rank_intervals now keeps each unit's R ranks instead (R x units, not
// units^2) and picks the k-th smallest: the same intervals, on tables with and without ties.
std::vector<rank_interval> rank_intervals_by_count_table(const std::vector<double>& total,
                                                         const std::vector<std::optional<double>>& se,
                                                         int replicates, std::uint64_t seed) {
  const std::size_t units = total.size();
  std::vector<rank_interval> out(units);
  normal_variates rng(seed);
  std::vector<std::int64_t> counts(units * units, 0);
  std::vector<double> draw(units);
  std::vector<std::size_t> order(units);
  for (int r = 0; r < replicates; ++r) {
    for (std::size_t u = 0; u < units; ++u) draw[u] = total[u] + se[u].value_or(0.0) * rng.normal();
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return draw[a] > draw[b]; });
    for (std::size_t position = 0; position < units; ++position) ++counts[order[position] * units + position];
  }
  auto quantile = [&](std::size_t u, double p) {
    const auto needed = static_cast<std::int64_t>(std::ceil(p * static_cast<double>(replicates) - 1e-9));
    std::int64_t seen = 0;
    for (std::size_t r = 0; r < units; ++r) {
      seen += counts[u * units + r];
      if (seen >= std::max<std::int64_t>(needed, 1)) return static_cast<int>(r + 1);
    }
    return static_cast<int>(units);
  };
  for (std::size_t u = 0; u < units; ++u) out[u] = {quantile(u, 0.025), quantile(u, 0.975)};
  return out;
}

// Random tables of totals (whole numbers, so ties are common) and SEs (multiples of 0.5, zero and
// missing among them): bootstrap_rank_intervals must give the count table's intervals.
struct random_rank_tables {
  std::uint64_t seed;
  int trials;
  std::size_t min_units, extra_units;  // units: min_units + [0, extra_units)
  int max_replicates;
  int total_levels;                    // totals: total_offset + [0, total_levels)
  double total_offset;
  int se_levels;                       // SEs: 0.5 * [0, se_levels), a quarter of them missing
};

void expect_count_table_intervals(const random_rank_tables& shape) {
  qscore::detail::xoshiro256ss rng(shape.seed);
  for (int trial = 0; trial < shape.trials; ++trial) {
    const std::size_t units = shape.min_units + rng.next() % shape.extra_units;
    const int replicates = 1 + static_cast<int>(rng.next() % static_cast<std::uint64_t>(shape.max_replicates));
    std::vector<double> totals(units);
    std::vector<std::optional<double>> se(units);
    for (std::size_t u = 0; u < units; ++u) {
      totals[u] = shape.total_offset + static_cast<double>(rng.next() % static_cast<std::uint64_t>(shape.total_levels));
      if (rng.next() % 4 != 0) se[u] = static_cast<double>(rng.next() % static_cast<std::uint64_t>(shape.se_levels)) * 0.5;
    }
    const auto expected = rank_intervals_by_count_table(totals, se, replicates, trial);
    // Ranked on one thread and on three (waves of 48 replicates, more than some trials have).
    for (const unsigned threads : {1U, 3U}) {
      const auto got = bootstrap_rank_intervals(totals, se, replicates, static_cast<std::uint64_t>(trial), threads);
      ASSERT_EQ(got.size(), units);
      for (std::size_t u = 0; u < units; ++u) {
        ASSERT_EQ(got[u].low, expected[u].low) << "trial " << trial << ", unit " << u << ", threads " << threads;
        ASSERT_EQ(got[u].high, expected[u].high) << "trial " << trial << ", unit " << u << ", threads " << threads;
      }
    }
  }
}

TEST(rank_uncertainty, intervals_from_each_units_ranks_equal_those_from_the_count_table) {
  expect_count_table_intervals({.seed = 20261130, .trials = 200, .min_units = 1, .extra_units = 40,
                                .max_replicates = 300, .total_levels = 20, .total_offset = 0.0, .se_levels = 5});
}

TEST(rank_uncertainty, intervals_of_many_units_equal_those_from_the_count_table) {
  // From 512 units on the draws are radix-sorted; ties must keep input order as the reference's
  // stable sort does, and negative totals must sort below positive ones.
  expect_count_table_intervals({.seed = 20261201, .trials = 8, .min_units = 500, .extra_units = 700,
                                .max_replicates = 40, .total_levels = 21, .total_offset = -10.0, .se_levels = 3});
}

TEST(rank_uncertainty, descending_keys_order_doubles_from_the_highest) {
  using qscore::stats::detail::descending_key;
  const double tiny = std::numeric_limits<double>::denorm_min();
  const double inf = std::numeric_limits<double>::infinity();
  // Ascending; -0.0 and 0.0 are one value.
  const std::vector<double> values = {-inf, -1e300, -2.5, -1.0, -tiny, 0.0, tiny, 1.0, 1.5, 80.0, 1e300, inf};
  for (std::size_t i = 0; i < values.size(); ++i)
    for (std::size_t j = 0; j < values.size(); ++j) {
      EXPECT_EQ(descending_key(values[i]) < descending_key(values[j]), i > j) << values[i] << " " << values[j];
      EXPECT_EQ(descending_key(values[i]) == descending_key(values[j]), i == j) << values[i] << " " << values[j];
    }
  EXPECT_EQ(descending_key(-0.0), descending_key(0.0));
}

TEST(rank_uncertainty, sort_by_key_is_stable_on_both_sides_of_the_radix_threshold) {
  using qscore::stats::detail::keyed_unit;
  qscore::detail::xoshiro256ss rng(5);
  for (const std::size_t n : {0u, 1u, 7u, 511u, 512u, 3000u}) {
    std::vector<keyed_unit> entries(n), scratch(n);
    for (std::size_t i = 0; i < n; ++i) {
      // Few distinct keys, spread over every 11-bit digit: many ties, every pass taken.
      const std::uint64_t pick = rng.next() % 5;
      entries[i] = {pick * 0x0123456789ABCDEFULL, static_cast<std::uint32_t>(i)};
    }
    std::vector<keyed_unit> expected = entries;
    std::stable_sort(expected.begin(), expected.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
    qscore::stats::detail::stable_sort_by_key(entries, scratch);
    ASSERT_EQ(entries.size(), n);
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_EQ(entries[i].key, expected[i].key) << "n " << n << ", at " << i;
      ASSERT_EQ(entries[i].unit, expected[i].unit) << "n " << n << ", at " << i;
    }
  }
}

TEST(rank_uncertainty, normal_variates_have_mean_zero_and_variance_one) {
  normal_variates rng(7);
  moment_stream s;
  for (int i = 0; i < 200000; ++i) s.add(rng.normal());
  EXPECT_NEAR(*s.state().mean_value(), 0.0, 0.01);
  EXPECT_NEAR(*s.state().sd(), 1.0, 0.01);
}

TEST(rank_uncertainty, generators_match_their_reference_algorithms) {
  // xoshiro256** (Blackman and Vigna, xoshiro256starstar.c) from the state {1, 2, 3, 4}, worked
  // by hand from the published algorithm: 11520, 0, 1509978240, 1215971899390074240.
  auto known = qscore::detail::xoshiro256ss::from_state(1, 2, 3, 4);
  EXPECT_EQ(known.next(), 11520U);
  EXPECT_EQ(known.next(), 0U);
  EXPECT_EQ(known.next(), 1509978240U);
  EXPECT_EQ(known.next(), 1215971899390074240U);
  // splitmix64 from 0: 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4 (Vigna's splitmix64.c).
  std::uint64_t state = 0;
  EXPECT_EQ(qscore::detail::xoshiro256ss::splitmix64(state), 0xE220A8397B1DCDAFULL);
  EXPECT_EQ(qscore::detail::xoshiro256ss::splitmix64(state), 0x6E789E6AA1B965F4ULL);
}

}  // namespace
