// Reading a qscore JSON report (written by write_json) back into a report_snapshot, for
// `compare`. Compiled in src/io/read_report.cpp; this header includes no JSON library.
//
// What is read: questionnaire {id, version, title, points, language, fingerprint (optional)},
// qscore_version, and per unit id, label, rank, not_ranked_reason, total, score, valid, groups
// {id, label, n, mean, share_used}, dimensions {id, label, score} and items {id, label,
// mean_points, satisfaction_rate}; and the top-level "scorecard" object when present. Every other
// field is ignored, so reports from newer versions (which only ever append fields) still read.
// A null number is "not published" and stays empty; so does a number whose object says
// `"suppressed": true` (small-cell suppression).
//
// Errors, each naming the file, the JSON path (e.g. /units/3/total), the bad value and what was
// expected:
//   F116  the file cannot be read, or is not valid JSON (with line and column)
//   F117  valid JSON, but not a qscore report (no "qscore_version", "questionnaire" or "units")
//   F118  a field missing, of the wrong type, or out of range (a negative rank, a unit id twice)
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "qscore/compare/snapshot.hpp"
#include "qscore/core/diagnostic.hpp"

namespace qscore {

// Largest report file read (bytes): a guard against reading something that is not a report.
inline constexpr std::size_t max_report_bytes = std::size_t{1} << 30;

[[nodiscard]] result<report_snapshot> read_report(const std::filesystem::path& file);

// The same for JSON text in memory; `name` is the file name used in diagnostics.
[[nodiscard]] result<report_snapshot> read_report_from_string(std::string_view json_text,
                                                              std::string name = "<string>");

}  // namespace qscore
