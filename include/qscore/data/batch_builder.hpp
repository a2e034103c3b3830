// Builds response batches row by row from text cells (what a CSV row or an application's form
// gives) or from codes, checking every value against the plan. The CSV reader uses it too, so a
// value means the same thing whichever way it arrives.
#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "qscore/data/response_batch.hpp"
#include "qscore/detail/decimal.hpp"
#include "qscore/plan/scoring_plan.hpp"

namespace qscore {

class batch_builder {
 public:
  explicit batch_builder(const scoring_plan& plan, Eigen::Index capacity = default_batch_rows)
      : plan_(&plan), capacity_(capacity) {
    if (plan.units_declared)
      for (const auto& u : plan.definition->units) unit_ids_.push_back(u.id);
    reset();
  }

  // Adds one respondent from text: group and unit by id or label, answers by code or label
  // (one cell per item, in item order; empty = blank), weight as text (empty = 1), stratum by
  // id (read only when the layout names a stratum column; otherwise the group is the stratum).
  // Returns false, and records a rejection, when any value is not acceptable.
  bool add_text_row(std::string_view group, std::string_view unit,
                    std::span<const std::string_view> answers, std::string_view weight = {},
                    std::int64_t line = 0, std::string_view stratum = {}) {
    const int unit_index = resolve_unit(unit);
    if (unit_index == unknown_unit) return reject(line, errc::unknown_unit, plan_->definition->columns.unit,
                                                  unit, "a unit the definition declares", -1);
    if (unit_index == empty_unit) return reject(line, errc::empty_key, plan_->definition->columns.unit,
                                                unit, "a unit id", -1);
    if (trim(group).empty())
      return reject(line, errc::empty_key, plan_->definition->columns.group, group, "a group id",
                    unit_index);
    const auto group_index = plan_->group_index.find(trim(group));
    if (!group_index)
      return reject(line, errc::unknown_group, plan_->definition->columns.group, group,
                    "a group the definition declares", unit_index);
    double w = 1.0;
    if (!trim(weight).empty()) {
      const auto parsed = parse_weight(trim(weight));
      if (!parsed)
        return reject(line, errc::invalid_row_weight, plan_->definition->columns.weight, weight,
                      expected_weight(trim(weight)), unit_index);
      w = *parsed;
    }
    int stratum_index = *group_index;
    if (!plan_->definition->columns.stratum.empty()) {
      if (trim(stratum).empty())
        return reject(line, errc::empty_key, plan_->definition->columns.stratum, stratum,
                      "a stratum id", unit_index);
      stratum_index = add_stratum(stratum);
    }
    ensure_room();
    const Eigen::Index row = size_;
    for (std::size_t j = 0; j < plan_->item_count() && j < answers.size(); ++j) {
      const answer_code code = plan_->decode(j, answers[j]);
      if (code == code_decoder::invalid)
        return reject(line, errc::invalid_code, plan_->items[j].column, answers[j],
                      plan_->expected_answers(j) + code_hint(answers[j]), unit_index);
      batch_.codes(row, static_cast<Eigen::Index>(j)) = code;
    }
    for (std::size_t j = answers.size(); j < plan_->item_count(); ++j)
      batch_.codes(row, static_cast<Eigen::Index>(j)) = blank_code;
    commit(*group_index, unit_index, w, line, stratum_index);
    return true;
  }

  // Adds one respondent whose answers are already codes (0 = blank, c = option c of the item).
  // Group and unit are indices; the unit must be a declared one, or one added with add_unit().
  // The stratum is an index from add_stratum() when the layout names a stratum column, and is
  // ignored (the group is the stratum) when it does not.
  // Out-of-range values are rejected like bad text, never scored.
  bool add_coded_row(int group, int unit, std::span<const answer_code> codes, double weight = 1.0,
                     int stratum = -1) {
    const bool unit_ok = unit >= 0 && static_cast<std::size_t>(unit) < unit_ids_.size();
    if (!unit_ok)
      return reject(0, errc::unknown_unit, plan_->definition->columns.unit, std::to_string(unit),
                    "the index of a known unit", -1);
    if (group < 0 || static_cast<std::size_t>(group) >= plan_->group_count())
      return reject(0, errc::unknown_group, plan_->definition->columns.group, std::to_string(group),
                    "the index of a declared group", unit);
    if (!std::isfinite(weight) || weight < 0.0)
      return reject(0, errc::invalid_row_weight, plan_->definition->columns.weight,
                    std::to_string(weight), "a finite number >= 0", unit);
    if (plan_->definition->columns.stratum.empty()) {
      stratum = group;
    } else if (stratum < 0 || static_cast<std::size_t>(stratum) >= stratum_ids_.size()) {
      return reject(0, errc::unknown_group, plan_->definition->columns.stratum,
                    std::to_string(stratum), "the index of a stratum added with add_stratum()", unit);
    }
    ensure_room();
    for (std::size_t j = 0; j < plan_->item_count(); ++j) {
      const answer_code code = j < codes.size() ? codes[j] : blank_code;
      if (code > plan_->items[j].options.size())
        return reject(0, errc::invalid_code, plan_->items[j].column, std::to_string(code),
                      "a code from 0 (blank) to " + std::to_string(plan_->items[j].options.size()),
                      unit);
      batch_.codes(size_, static_cast<Eigen::Index>(j)) = code;
    }
    commit(group, unit, weight, 0, stratum);
    return true;
  }

  // The readers' fast path, which decodes straight into the batch: the next row's code of item
  // 0, with item j's code j * code_stride() bytes further on (column-major). The reader writes
  // every item's code, then commits the row with values already checked against the plan (group
  // and unit indices from its indexes or resolve_unit, a finite weight >= 0, the stratum from
  // add_stratum or the group). A row not committed is overwritten by the next one.
  [[nodiscard]] answer_code* next_row_codes() {
    ensure_room();
    return batch_.codes.data() + size_;
  }
  [[nodiscard]] std::size_t code_stride() const { return static_cast<std::size_t>(batch_.codes.rows()); }
  // The batch's codes from item 0 of row 0 on (row r's item j at r + j * code_stride()), rows
  // committed or not: for a reader that decodes rows elsewhere and moves their codes in after
  // committing the rows, as the CSV reader's stage does.
  [[nodiscard]] answer_code* committed_codes() { return batch_.codes.data(); }
  // Inlined into the CSV reader's fast path, where the call was 1 % of a run.
  [[gnu::always_inline]] void commit_decoded_row(int group, int unit, double weight, std::int64_t line, int stratum) {
    commit(group, unit, weight, line, stratum);
  }

  // Registers a unit by id when units are open (not declared); returns its index.
  int add_unit(std::string_view id) { return resolve_unit(id); }

  // Registers a stratum by id (strata are always open); returns its index. Ids carry over
  // across batches from one builder, like unit ids.
  int add_stratum(std::string_view id) {
    const std::string_view key = trim(id);
    if (const auto found = open_strata_.find(key)) return *found;
    const int index = static_cast<int>(stratum_ids_.size());
    stratum_ids_.emplace_back(key);
    open_strata_.add(key, index);
    return index;
  }

  [[nodiscard]] Eigen::Index size() const { return size_; }
  [[nodiscard]] bool full() const { return size_ >= capacity_; }
  // Rows a batch holds before full() from now on (at least 1). Rows already added stay; a
  // larger capacity makes room at once, a smaller one keeps the storage.
  void set_capacity(Eigen::Index rows) {
    capacity_ = std::max<Eigen::Index>(rows, 1);
    if (capacity_ > batch_.codes.rows()) resize_rows(capacity_);
  }
  [[nodiscard]] std::size_t rejected() const { return batch_.rejected.size(); }

  // Hands over what has been added so far and starts a new, empty batch. Unit ids seen so far
  // carry over, so indices stay stable across batches from one builder.
  [[nodiscard]] response_batch take() {
    response_batch out;
    take_into(out);
    return out;
  }

  // The same into `out`, whose storage the next batch then reuses: a reader that hands out
  // batch after batch this way allocates nothing in steady state (a fresh 115 KB code matrix
  // per batch cost page faults and a memset, about 3 % of a run).
  void take_into(response_batch& out) {
    if (size_ != batch_.codes.rows()) {  // a last, partial batch
      batch_.codes.conservativeResize(size_, batch_.codes.cols());
      batch_.group.conservativeResize(size_);
      batch_.unit.conservativeResize(size_);
      batch_.weight.conservativeResize(size_);
      batch_.stratum.conservativeResize(size_);
    }
    batch_.lines.resize(static_cast<std::size_t>(size_));
    batch_.unit_ids = unit_ids_;
    batch_.stratum_ids = stratum_ids_;
    std::swap(out, batch_);
    reset();
  }

  // Records a row that failed before its cells could be looked at (e.g. a wrong field count).
  bool reject(std::int64_t line, errc code, std::string_view column, std::string_view value,
              std::string_view expected, int unit) {
    row_rejection r;
    r.line = line;
    r.code = code;
    r.column = std::string(column);
    r.value = std::string(value.substr(0, 80));
    r.expected = std::string(expected);
    r.unit = unit;
    batch_.rejected.push_back(std::move(r));
    return false;
  }

  // Takes back the row added last (there must be one) and records it as rejected instead, with
  // its unit: for checks that can only run once a row's values are known to be good (a
  // duplicate respondent id).
  void retract_last(std::int64_t line, errc code, std::string_view column, std::string_view value,
                    std::string_view expected) {
    --size_;
    reject(line, code, column, value, expected, batch_.unit(size_));
  }

  // The last rejection recorded (there must be one): lets a reader attach the row's raw text.
  row_rejection& last_rejection() { return batch_.rejected.back(); }

  // The unit index for a cell, or -1 (empty) / -2 (not a declared unit).
  static constexpr int empty_unit = -1;
  static constexpr int unknown_unit = -2;
  int resolve_unit(std::string_view cell) {
    const std::string_view key = trim(cell);
    if (key.empty()) return empty_unit;
    if (plan_->units_declared) {
      const auto found = plan_->unit_index.find(key);
      return found ? *found : unknown_unit;
    }
    if (const auto found = open_units_.find(key)) return *found;
    const int index = static_cast<int>(unit_ids_.size());
    unit_ids_.emplace_back(key);
    open_units_.add(key, index);
    return index;
  }

  static std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  }

  // What a rejected weight should have been, said for the mistakes that happen: a decimal comma
  // or thousands separator (1,5  1 000), a sign, NaN or infinity.
  static std::string expected_weight(std::string_view text) {
    std::string out = "a finite number >= 0 written with a decimal point (e.g. 1.5)";
    if (text.find_first_of(", '") != std::string_view::npos)
      out += "; decimal commas and thousands separators are not read (write 1.5, 1000)";
    else if (!text.empty() && text.front() == '-')
      out += "; a weight cannot be negative";
    else if (text.find_first_of("nNiI") != std::string_view::npos)
      out += "; NaN and infinity are not weights";
    return out;
  }

  // A note for answers that look like codes but are not: codes are matched as text, so neither
  // full-width digits (U+FF10..FF19, typed with a Chinese input method) nor 4.0 for 4 are taken.
  static std::string code_hint(std::string_view cell) {
    if (cell.find("\xEF\xBC") != std::string_view::npos) {
      for (std::size_t i = cell.find("\xEF\xBC"); i != std::string_view::npos && i + 2 < cell.size();
           i = cell.find("\xEF\xBC", i + 1)) {
        const auto third = static_cast<unsigned char>(cell[i + 2]);
        if (third >= 0x90 && third <= 0x99)
          return "; full-width digits (０-９) are not codes: type ASCII digits (0-9)";
      }
    }
    const std::string_view t = trim(cell);
    if (t.find('.') != std::string_view::npos && detail::parse_decimal(t))
      return "; codes are matched as text, not as numbers, so " + std::string(t) +
             " is not the same as a code without its decimals";
    return {};
  }

  // A finite, non-negative decimal number ("1", "0.85", "1e-3"); nothing else.
  static std::optional<double> parse_weight(std::string_view text) {
    double value = 0.0;
    if (!parse_weight(text, value)) return std::nullopt;
    return value;
  }
  static bool parse_weight(std::string_view text, double& value) {
    return detail::parse_decimal(text, value) && std::isfinite(value) && value >= 0.0;
  }

 private:
  // Empties the batch for the next rows, keeping whatever storage it holds: Eigen's resize
  // keeps the allocation when the size does not change, and the vectors keep their capacity.
  void reset() {
    const auto k = static_cast<Eigen::Index>(plan_->item_count());
    batch_.unit_ids.clear();
    batch_.stratum_ids.clear();
    batch_.rejected.clear();
    batch_.codes.resize(capacity_, k);
    batch_.group.resize(capacity_);
    batch_.unit.resize(capacity_);
    batch_.weight.resize(capacity_);
    batch_.stratum.resize(capacity_);
    // Sized like the other columns while rows are added (cut to the rows at take_into), so that
    // commit stores by index: a push_back per row was an out-of-line call in the CSV reader's
    // fast path.
    batch_.lines.resize(static_cast<std::size_t>(capacity_));
    size_ = 0;
  }

  void ensure_room() {
    if (size_ == batch_.codes.rows()) grow();
  }

  [[gnu::always_inline]] void commit(int group, int unit, double weight, std::int64_t line, int stratum) {
    batch_.group(size_) = group;
    batch_.stratum(size_) = stratum;
    batch_.unit(size_) = unit;
    batch_.weight(size_) = weight;
    batch_.lines[static_cast<std::size_t>(size_)] = line;
    ++size_;
  }

  void grow() { resize_rows(std::max<Eigen::Index>(16, 2 * batch_.codes.rows())); }
  // Room for `rows` rows in every column, the rows added so far kept.
  void resize_rows(Eigen::Index rows) {
    batch_.codes.conservativeResize(rows, static_cast<Eigen::Index>(plan_->item_count()));
    batch_.group.conservativeResize(rows);
    batch_.unit.conservativeResize(rows);
    batch_.weight.conservativeResize(rows);
    batch_.stratum.conservativeResize(rows);
    batch_.lines.resize(static_cast<std::size_t>(rows));
  }

  const scoring_plan* plan_;
  Eigen::Index capacity_;
  Eigen::Index size_ = 0;
  response_batch batch_;
  std::vector<std::string> unit_ids_;
  key_index open_units_;
  std::vector<std::string> stratum_ids_;
  key_index open_strata_;
};

}  // namespace qscore
