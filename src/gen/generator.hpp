// Deterministic synthetic respondents for any definition: the engine of qscore-gen.
//
// The output depends only on the definition and the options: the random numbers come from
// xoshiro256** seeded through splitmix64 (integer arithmetic only), and the few floating-point
// steps that shape the answer distributions use +, *, / alone (the target is built with
// -ffp-contract=off, so no fused multiply-add changes a rounding). std::*_distribution is not used:
// its algorithms differ between standard libraries. So one seed gives the same bytes everywhere.
//
// The model, per row:
//   group   drawn with probability = its share;
//   unit    uniform over the declared units (or the generated u01..uK);
//   void    with probability void_rate: each answer is then left blank with probability 0.9;
//   answer  each cell blank with probability blank_rate; else one of the item's options:
//           non-answer options ("don't know") share 5% between them, scored options share the
//           rest with weights (1 + a * s)^2, where s is the option's points scaled to 0..1 within
//           the item and a = unit quality times an item factor (0.75..1.25, fixed per item by the
//           seed). Unit quality is 0.3 + 6u² for u uniform in 0..1, fixed per unit by the seed:
//           a = 0 would be uniform, a = 2 already gives the best option about two chances in three
//           on a three-point scale, a = 6 about three in four;
//   weight  (only when the layout has a weight column) uniform in 0.800..1.200, 3 decimals.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "qscore/detail/xoshiro.hpp"
#include "qscore/plan/scoring_plan.hpp"

namespace qscore::gen {

// The generator draws from the library's xoshiro256** (one seed gives the same bytes everywhere).
using detail::xoshiro256ss;

struct options {
  std::int64_t rows = 3000;
  std::uint64_t seed = 1;
  double blank_rate = 0.03;
  double void_rate = 0.01;
  int units = 10;  // how many units to invent when the definition declares none
};

class generator {
 public:
  generator(const scoring_plan& plan, const options& opt) : opt_(opt) {
    const instrument& def = *plan.definition;
    has_weight_ = !def.columns.weight.empty();

    const std::string& respondent = def.columns.respondent;
    header_ = csv_field(respondent.empty() ? "respondent_id" : respondent) + ',' +
              csv_field(def.columns.group) + ',' +
              csv_field(def.columns.unit);
    if (has_weight_) header_ += ',' + csv_field(def.columns.weight);
    for (const auto& item : plan.items) header_ += ',' + csv_field(item.column);
    header_ += '\n';

    // Groups: cumulative shares as 32-bit thresholds.
    double share_sum = 0.0;
    for (const auto& g : def.groups) share_sum += std::max(0.0, g.share);
    double cumulative = 0.0;
    for (const auto& g : def.groups) {
      cumulative += std::max(0.0, g.share);
      group_cdf_.push_back(share_sum > 0.0 ? threshold(cumulative / share_sum) : 0);
      group_cells_.push_back(intern(csv_field(g.id)));
    }
    if (group_cdf_.empty()) {  // not a valid definition; keep the table well-formed anyway
      group_cells_.push_back(intern(""));
      group_cdf_.push_back(0);
    }
    // The last group with a share takes whatever rounding left over; groups after it (share 0)
    // are never drawn.
    std::size_t last = group_cdf_.size() - 1;
    while (last > 0 && !(def.groups[last].share > 0.0)) --last;
    std::fill(group_cdf_.begin() + static_cast<std::ptrdiff_t>(last), group_cdf_.end(), full);

    // Units: the declared ones, or u01..uK.
    if (plan.units_declared) {
      for (const auto& u : def.units) unit_cells_.push_back(intern(csv_field(u.id)));
    } else {
      const int count = std::max(1, opt.units);
      const std::size_t width = std::max<std::size_t>(2, std::to_string(count).size());
      for (int u = 1; u <= count; ++u) {
        std::string digits = std::to_string(u);
        unit_cells_.push_back(intern("u" + std::string(width - digits.size(), '0') + digits));
      }
    }

    // Answer cells and, per unit and item, the cumulative option probabilities.
    items_ = plan.items.size();
    for (const auto& item : plan.items) stride_ = std::max(stride_, item.options.size());
    option_count_.resize(items_);
    option_cells_.resize(items_ * stride_);
    for (std::size_t j = 0; j < items_; ++j) {
      const auto& options = plan.items[j].options;
      option_count_[j] = options.size();
      for (std::size_t k = 0; k < options.size(); ++k)
        option_cells_[j * stride_ + k] = intern(csv_field(options[k].code));
    }
    xoshiro256ss profile(opt.seed, 1);
    std::vector<double> quality(unit_cells_.size());
    for (auto& q : quality) {
      const double u = profile.uniform();
      q = 0.3 + 6.0 * u * u;  // squared, so that about half the units fall where quality shows
    }
    std::vector<double> item_factor(items_);
    for (auto& f : item_factor) f = 0.75 + 0.5 * profile.uniform();
    option_cdf_.assign(unit_cells_.size() * items_ * stride_, full);
    for (std::size_t u = 0; u < unit_cells_.size(); ++u)
      for (std::size_t j = 0; j < items_; ++j)
        fill_option_cdf(plan.items[j].options, quality[u] * item_factor[j],
                        &option_cdf_[(u * items_ + j) * stride_]);

    blank_ = threshold(opt.blank_rate);
    void_ = threshold(opt.void_rate);
    void_blank_ = threshold(0.9);

    // The longest row there can be, so that a row never overflows the output buffer.
    max_row_ = 21 + max_len(group_cells_) + max_len(unit_cells_) + 6 + 4;
    for (std::size_t j = 0; j < items_; ++j) {
      std::size_t longest = 0;
      for (std::size_t k = 0; k < option_count_[j]; ++k)
        longest = std::max<std::size_t>(longest, option_cells_[j * stride_ + k].length);
      max_row_ += longest + 1;
    }
    pool_.append(16, '\0');  // cells are copied 16 bytes at a time: keep the last one readable
  }

  // Writes the header and every row through `write(const char*, std::size_t) -> bool`, in blocks
  // of about a megabyte. Returns false as soon as a write fails.
  template <class Write>
  bool run(Write&& write) const {
    if (!write(header_.data(), header_.size())) return false;
    constexpr std::size_t block = std::size_t{1} << 20;
    std::vector<char> buffer(block + max_row_ + 16);
    char* const begin = buffer.data();
    char* out = begin;

    xoshiro256ss rng(opt_.seed, 0);
    const char* const pool = pool_.data();
    const auto unit_count = static_cast<std::uint64_t>(unit_cells_.size());
    for (std::int64_t row = 1; row <= opt_.rows; ++row) {
      out = std::to_chars(out, out + 20, row).ptr;
      *out++ = ',';

      const std::uint64_t who = rng.next();
      const std::size_t g = pick(group_cdf_.data(), hi(who));
      out = put(out, pool, group_cells_[g]);
      *out++ = ',';
      const auto u = static_cast<std::size_t>((lo(who) * unit_count) >> 32);
      out = put(out, pool, unit_cells_[u]);

      const std::uint64_t how = rng.next();
      if (has_weight_) {
        const auto milli = static_cast<unsigned>(800 + ((hi(how) * 401) >> 32));  // 800..1200
        out[0] = ',';
        out[1] = static_cast<char>('0' + milli / 1000);
        out[2] = '.';
        out[3] = static_cast<char>('0' + milli / 100 % 10);
        out[4] = static_cast<char>('0' + milli / 10 % 10);
        out[5] = static_cast<char>('0' + milli % 10);
        out += 6;
      }
      const std::uint64_t blank_below = lo(how) < void_ ? void_blank_ : blank_;

      const std::uint64_t* cdf = &option_cdf_[u * items_ * stride_];
      for (std::size_t j = 0; j < items_; ++j, cdf += stride_) {
        *out++ = ',';
        const std::uint64_t draw = rng.next();
        if (lo(draw) < blank_below) continue;
        out = put(out, pool, option_cells_[j * stride_ + pick(cdf, hi(draw))]);
      }
      *out++ = '\n';

      if (static_cast<std::size_t>(out - begin) >= block) {
        if (!write(begin, static_cast<std::size_t>(out - begin))) return false;
        out = begin;
      }
    }
    return out == begin || write(begin, static_cast<std::size_t>(out - begin));
  }

  // A CSV field, quoted when it holds a delimiter, a quote or a line break (RFC 4180).
  static std::string csv_field(std::string_view text) {
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
    std::string out = "\"";
    for (const char c : text) {
      if (c == '"') out += '"';
      out += c;
    }
    return out + '"';
  }

 private:
  static constexpr std::uint64_t full = std::uint64_t{1} << 32;  // a threshold every draw is below

  struct cell {
    std::uint32_t offset = 0;
    std::uint32_t length = 0;
  };

  static std::uint64_t hi(std::uint64_t x) noexcept { return x >> 32; }
  static std::uint64_t lo(std::uint64_t x) noexcept { return x & 0xFFFFFFFFULL; }

  // Probability p in [0, 1] as a threshold t: a uniform 32-bit draw r has P(r < t) = p.
  static std::uint64_t threshold(double p) {
    if (!(p > 0.0)) return 0;
    if (p >= 1.0) return full;
    return static_cast<std::uint64_t>(p * 4294967296.0 + 0.5);
  }

  // The first entry of a cumulative table above `draw` (the last entry is always `full`).
  static std::size_t pick(const std::uint64_t* cdf, std::uint64_t draw) noexcept {
    std::size_t k = 0;
    while (draw >= cdf[k]) ++k;
    return k;
  }

  static char* put(char* out, const char* pool, cell c) noexcept {
    const char* from = pool + c.offset;
    if (c.length <= 16) {
      std::memcpy(out, from, 16);  // fixed-size copy; the buffer and the pool have the slack
    } else {
      std::memcpy(out, from, c.length);
    }
    return out + c.length;
  }

  cell intern(const std::string& text) {
    const cell c{static_cast<std::uint32_t>(pool_.size()), static_cast<std::uint32_t>(text.size())};
    pool_ += text;
    return c;
  }

  static std::size_t max_len(const std::vector<cell>& cells) {
    std::size_t longest = 0;
    for (const cell& c : cells) longest = std::max<std::size_t>(longest, c.length);
    return longest;
  }

  // Option probabilities for one item at answer quality `a` (see the top of this file).
  static void fill_option_cdf(const std::vector<option_info>& options, double a, std::uint64_t* cdf) {
    double low = 0.0, high = 0.0;
    bool any_scored = false;
    std::size_t non_answers = 0;
    for (const auto& o : options) {
      if (o.non_answer) {
        ++non_answers;
        continue;
      }
      low = any_scored ? std::min(low, o.points) : o.points;
      high = any_scored ? std::max(high, o.points) : o.points;
      any_scored = true;
    }
    const double dont_know = !any_scored ? 1.0 : non_answers > 0 ? 0.05 : 0.0;
    std::vector<double> weight(options.size(), 0.0);
    double scored_sum = 0.0;
    for (std::size_t k = 0; k < options.size(); ++k) {
      if (options[k].non_answer) continue;
      const double s = high > low ? (options[k].points - low) / (high - low) : 0.5;
      const double base = 1.0 + a * s;
      weight[k] = base * base;
      scored_sum += weight[k];
    }
    double cumulative = 0.0;
    for (std::size_t k = 0; k < options.size(); ++k) {
      const double p = options[k].non_answer ? dont_know / static_cast<double>(non_answers)
                                             : (1.0 - dont_know) * weight[k] / scored_sum;
      cumulative += p;
      cdf[k] = threshold(cumulative);
    }
    if (!options.empty()) cdf[options.size() - 1] = full;
  }

  options opt_;
  bool has_weight_ = false;
  std::string header_;
  std::string pool_;  // every cell's text, back to back
  std::vector<std::uint64_t> group_cdf_;
  std::vector<cell> group_cells_;
  std::vector<cell> unit_cells_;
  std::size_t items_ = 0;
  std::size_t stride_ = 1;
  std::vector<std::size_t> option_count_;
  std::vector<cell> option_cells_;    // [item * stride + option]
  std::vector<std::uint64_t> option_cdf_;  // [(unit * items + item) * stride + option]
  std::uint64_t blank_ = 0, void_ = 0, void_blank_ = 0;
  std::size_t max_row_ = 0;
};

}  // namespace qscore::gen
