// A batch of respondents ready for scoring: an N x K matrix of answer codes plus, per row, the
// respondent group, the evaluated unit and the sampling weight. Rows that could not be taken in
// travel with the batch as rejections, so that a batch accounts for every input row it covers.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "qscore/core/diagnostic.hpp"
#include "qscore/plan/scoring_plan.hpp"

namespace qscore {

// Column-major: the scorer walks the item axis one column at a time.
using code_matrix = Eigen::Matrix<answer_code, Eigen::Dynamic, Eigen::Dynamic>;

// Rows per batch unless asked otherwise: 15 of the scorer's 256-row tiles. Not 4,096: a row's
// codes are stored one column (batch_rows bytes) apart, and stores 4,096 bytes apart alias the
// loads of the parser that follow them (4K aliasing), which made a whole run about 10 % slower
// (1M pool rows, one thread, `perf stat -r 5`, alternating: 0.46-0.59 s against 0.42-0.48 s).
// Results do not depend on the batch size.
inline constexpr Eigen::Index default_batch_rows = 3840;
// The most rows a batch grows to while its rows spread over many units
// (csv_options::grow_spread_batches): 15 times the default, so that columns stay off 4 KiB
// multiples too (57,600 bytes apart).
inline constexpr Eigen::Index spread_batch_rows = 15 * default_batch_rows;

// An input row that was not scored, and why.
struct row_rejection {
  std::int64_t line = 0;   // 1-based line in the source file where the row starts (0 = in memory)
  errc code = errc::invalid_code;
  std::string column;      // the column at fault, when there is one
  std::string value;       // the value found (truncated for display)
  std::string expected;    // what would have been accepted
  int unit = -1;           // index into the batch's unit_ids when the unit is known, else -1
  std::string check;       // R220: the name of the consistency check the row failed
  std::string raw;         // the row's bytes as read, line ends inside it included (only with
                           // csv_options::keep_rejected_raw; cut at max_record_bytes for R210)

  [[nodiscard]] std::string message() const {
    std::string out = error_id(code);
    if (!check.empty()) return out + " check '" + check + "' failed: " + expected;
    if (!column.empty()) out += " column '" + column + "'";
    out += ": found '" + value + "'";
    if (!expected.empty()) out += ", expected " + expected;
    return out;
  }
};

struct response_batch {
  code_matrix codes;                 // N x K; 0 = blank, c = the item's option c
  Eigen::VectorXi group;             // N; index into the definition's groups
  Eigen::VectorXi unit;              // N; index into unit_ids
  Eigen::VectorXd weight;            // N; sampling weights (1 when the layout has none)
  std::vector<std::string> unit_ids; // dictionary for `unit` (the declared units, or those seen)
  Eigen::VectorXi stratum;           // N; index into stratum_ids, or the group index when the
                                     // layout names no stratum column (the groups are the strata)
  std::vector<std::string> stratum_ids;  // dictionary for `stratum` (ids in order of first
                                         // appearance); empty when the groups are the strata
  std::vector<std::int64_t> lines;   // N; source line of each row (0 = in memory)
  std::vector<row_rejection> rejected;

  [[nodiscard]] Eigen::Index rows() const { return codes.rows(); }
  // Every input row the batch covers: scored or void (rows()) plus rejected.
  [[nodiscard]] std::int64_t rows_read() const {
    return static_cast<std::int64_t>(codes.rows()) + static_cast<std::int64_t>(rejected.size());
  }
};

}  // namespace qscore
