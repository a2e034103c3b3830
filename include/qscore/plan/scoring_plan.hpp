// The compiled, immutable form of a checked definition: everything the scorer, the readers and
// the reports need, as index-addressed tables and Eigen arrays. Share one plan across threads.
//
// Answers are stored as small integer codes per item: 0 = blank, 1..m = the item's m options in
// definition order. The plan turns codes into points and "answered" flags by table lookup.
#pragma once

#include <Eigen/Core>
#include <array>
#include <functional>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "qscore/core/diagnostic.hpp"
#include "qscore/model/formulas.hpp"
#include "qscore/model/instrument.hpp"
#include "qscore/plan/key_index.hpp"
#include "qscore/plan/packed_points.hpp"

namespace qscore {

using answer_code = std::uint8_t;
inline constexpr answer_code blank_code = 0;
inline constexpr int max_options_per_scale = 254;  // codes are uint8_t; 0 = blank, 255 = invalid

// One option as an item sees it (after numeric expansion and reverse keying).
struct option_info {
  std::string code;
  label text;
  double points = 0.0;      // 0 for non-answers
  bool non_answer = false;
  bool positive = false;
};

// Lets unordered_map<std::string, T> be searched with a string_view, without building a string.
struct transparent_string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const noexcept {
    return std::hash<std::string_view>{}(text);
  }
};

// Text -> code lookup for one answer scale. Single-byte cells ("1".."9") take a 256-entry table;
// anything longer (multi-digit codes, labels in any language) takes a hash map.
class code_decoder {
 public:
  static constexpr answer_code invalid = 255;

  // The first registration of a text wins.
  void add(std::string_view text, answer_code code) {
    if (text.empty()) return;
    if (text.size() == 1 && single_byte_[static_cast<unsigned char>(text[0])] == invalid)
      single_byte_[static_cast<unsigned char>(text[0])] = code;
    by_text_.emplace(std::string(text), code);
  }

  // blank_code for an empty (or all-space) cell, `invalid` for text that names no option.
  [[nodiscard]] answer_code decode(std::string_view cell) const {
    if (cell.size() == 1) return single_byte_[static_cast<unsigned char>(cell[0])];
    while (!cell.empty() && (cell.front() == ' ' || cell.front() == '\t')) cell.remove_prefix(1);
    while (!cell.empty() && (cell.back() == ' ' || cell.back() == '\t')) cell.remove_suffix(1);
    if (cell.empty()) return blank_code;
    if (cell.size() == 1) return single_byte_[static_cast<unsigned char>(cell[0])];
    const auto it = by_text_.find(cell);
    return it == by_text_.end() ? invalid : it->second;
  }

  // The code of a one-byte cell: the readers' fast path (same answer as decode()).
  [[nodiscard]] answer_code decode_byte(char cell) const {
    return single_byte_[static_cast<unsigned char>(cell)];
  }

  code_decoder() {
    single_byte_.fill(invalid);
    single_byte_[static_cast<unsigned char>(' ')] = blank_code;
    single_byte_[static_cast<unsigned char>('\t')] = blank_code;
  }

 private:
  std::array<answer_code, 256> single_byte_{};
  std::unordered_map<std::string, answer_code, transparent_string_hash, std::equal_to<>> by_text_;
};

struct item_plan {
  std::string id;
  label text;
  std::string column;                 // CSV column holding this item
  std::size_t scale = 0;              // index into scoring_plan::scale_ids / decoders
  std::size_t dimension = 0;          // 0 = none, else 1 + index into dimensions
  double weight = 1.0;
  std::vector<option_info> options;   // options[c - 1] describes code c
};

struct scoring_plan {
  std::shared_ptr<const instrument> definition;  // labels, rules, layout: the source of truth

  std::vector<item_plan> items;                 // K items, in definition order
  std::vector<std::string> scale_ids;
  std::vector<code_decoder> decoders;           // one per scale
  std::vector<dimension> dimensions;            // D dimensions; score column d+1 is dimension d

  // Item score columns: 0 = the whole questionnaire, 1..D = dimensions (1 + D of them; derived
  // formulas come after these, see score_columns()).
  // points_lut(c, j): points earned by code c on item j (0 for blank and non-answers).
  // answered_lut(c, j): 1 when code c on item j counts as an answer, else 0.
  // weights(j, s): item j's weight in score column s (0 when j is not part of it).
  Eigen::ArrayXXd points_lut;
  Eigen::ArrayXXd answered_lut;
  Eigen::MatrixXd weights;
  int code_rows = 1;  // rows of the lookup tables: 1 + the largest option count
  // The same three tables as whole numbers in one word per (column, item, code), when every
  // point and weight is whole: the scorer's integer kernel (packed_points.hpp).
  packed_points packed;

  key_index group_index;  // group id or label -> group index
  key_index unit_index;   // declared unit id or label -> unit index (empty if units are open)
  bool units_declared = false;

  std::uint64_t fingerprint = 0;  // identifies the definition; tallies of different plans never merge

  // The checked respondent-level formulas (derived scores, valid_if, checks); null when the
  // definition has none, so that scoring such a definition costs nothing extra.
  std::shared_ptr<const respondent_formulas> formulas;

  [[nodiscard]] std::size_t item_count() const { return items.size(); }
  // Score columns: 0 = the whole questionnaire, 1..D = dimensions, then one per derived formula
  // (column 1 + D + f is definition->formulas[f]). `weights` covers the first 1 + D.
  [[nodiscard]] std::size_t score_columns() const { return 1 + dimensions.size() + derived_count(); }
  [[nodiscard]] std::size_t item_score_columns() const { return 1 + dimensions.size(); }
  [[nodiscard]] std::size_t derived_count() const {
    return formulas ? formulas->derived.formulas.size() : 0;
  }
  // Respondent formulas whose divisions by zero are counted: the derived ones, then valid_if
  // (when given), then every check. See tally::division_by_zero.
  [[nodiscard]] std::size_t counted_formulas() const {
    if (!formulas) return 0;
    return formulas->derived.formulas.size() + (formulas->valid_if ? 1 : 0) + formulas->checks.size();
  }
  [[nodiscard]] std::size_t group_count() const { return definition->groups.size(); }

  [[nodiscard]] answer_code decode(std::size_t item, std::string_view cell) const {
    return decoders[items[item].scale].decode(cell);
  }
  // The human-readable list of accepted answers for an item, for error messages.
  [[nodiscard]] std::string expected_answers(std::size_t item) const;
};

// Checks the definition (check_instrument) and compiles it. Fails with the check's diagnostics.
[[nodiscard]] result<scoring_plan> compile(instrument definition);

}  // namespace qscore

#include "qscore/plan/impl/compile_inl.hpp"
