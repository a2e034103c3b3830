// Shared declarations of the qscore command-line tool (src/cli/). Exit codes are listed in
// main.cpp.
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "qscore/core/diagnostic.hpp"
#include "qscore/data/csv_reader.hpp"
#include "qscore/data/id_fingerprint_store.hpp"
#include "qscore/model/instrument.hpp"
#include "qscore/report/report.hpp"
#include "qscore/data/response_batch.hpp"

namespace qscore::cli {

// The exit codes: stable, documented in main.cpp and the README.
enum exit_code : int {
  exit_ok = 0,
  exit_usage = 1,             // the command line could not be parsed
  exit_bad_definition = 2,    // the definition could not be read or is invalid
  exit_bad_responses = 3,     // the responses file could not be read (open, encoding, header)
  exit_output_failed = 4,     // the report could not be written
  exit_internal = 5,          // an unexpected internal error (a bug: please report it)
  exit_too_many_rejects = 6,  // more rows were rejected than --max-rejects allows
};

// "qscore: error: <message>" on stderr.
void print_error(std::string_view message);

// Each diagnostic on its own line on stderr (diagnostic::to_string()). Warnings are left out
// when `with_warnings` is false.
void print_diagnostics(const std::vector<diagnostic>& diagnostics, bool with_warnings = true);

// Writes through `write` to `path` atomically: into a temporary file in the same directory,
// which is renamed over `path` only once everything was written. Returns an error message, or
// nothing on success. On failure `path` is left as it was and the temporary file is removed.
std::optional<std::string> write_file_atomically(const std::string& path,
                                                 const std::function<void(std::ostream&)>& write);

// --- qscore validate ---------------------------------------------------------------------
struct validate_args {
  std::string definition;
};
CLI::App* add_validate_command(CLI::App& app, validate_args& args);
int run_validate(const validate_args& args);

// --- qscore score ------------------------------------------------------------------------
struct score_args {
  std::string definition;
  std::string responses;
  std::string format = "text";
  std::string output;     // empty = standard output
  std::string language;   // empty = the definition's default
  std::int64_t batch_rows = default_batch_rows;
  const CLI::Option* batch_rows_option = nullptr;  // given on the command line when count() > 0
  std::size_t chunk_bytes = default_chunk_bytes;
  unsigned threads = 0;   // 0 = every hardware thread
  std::optional<int> decimals;
  bool quiet = false;
  // Statistics options that override the definition's `statistics:` section.
  std::string reliability;            // listwise, pairwise or none; empty = as the definition says
  bool reliability_by_group = false;
  std::optional<int> rank_replicates;
  std::optional<std::uint64_t> rank_seed;
  std::vector<std::string> inputs;    // scorecard inputs, NAME=FILE (--input)
  // Bad input (README "Bad input").
  std::string encoding = "utf-8";     // utf-8, gb18030 or gbk
  std::string rejects;                // write every rejected row here (CSV); empty = no file
  std::string max_rejects;            // N rows or P% of rows read; empty = 1%, at least 10 rows
  std::int64_t max_quoted_lines = 100;
  std::size_t max_line_bytes = std::size_t{1} << 20;
  bool allow_duplicate_ids = false;   // do not reject rows repeating a respondent id (R208)
  // Memory for the duplicate-id fingerprints before they go to a temporary file.
  std::size_t id_memory_mb = id_fingerprint_store::default_memory_bytes >> 20;
};

// --max-rejects: an absolute count, or a percentage of the rows read with a floor of
// `floor` rows (so that a small file with a typo or two still scores).
struct reject_limit {
  double value = 1.0;
  bool percent = true;
  std::int64_t floor = 0;
};
std::optional<reject_limit> parse_reject_limit(const std::string& text);
std::int64_t allowed_rejections(const reject_limit& limit, std::int64_t rows_read);
// Puts the rejected rows in file order and reads back, from the responses file, the raw text of
// rows rejected after reading (by a consistency check, R220): their first physical line, at most
// 1 KiB of it.
void complete_rejects(const std::string& responses, std::vector<row_rejection>& rows);
// The rejects file: line,error_id,reason,raw (escaped against formula injection).
void write_rejects(std::ostream& out, const std::vector<row_rejection>& rows);
CLI::App* add_score_command(CLI::App& app, score_args& args);
int run_score(const score_args& args);

// --- qscore compare ----------------------------------------------------------------------
struct compare_args {
  std::string old_report;
  std::string new_report;
  std::string format = "text";
  std::string output;     // empty = standard output
  std::string language;   // take labels from the report in this language
  std::size_t top = 3;
  std::optional<int> decimals;
  bool quiet = false;
};
CLI::App* add_compare_command(CLI::App& app, compare_args& args);
int run_compare(const compare_args& args);
// --- the composite scorecard (scorecard.cpp) ----------------------------------------------
// Registers --input NAME=FILE (repeatable) on a command.
void add_input_option(CLI::App& command, std::vector<std::string>& inputs);
// Reads the scorecard inputs and adds report::scorecard when the definition has a scorecard.
// Prints the problems and returns exit_bad_responses when an input cannot be used (also when
// inputs are given to a definition without a scorecard); exit_ok otherwise.
int add_scorecard(const instrument& definition, report& r, const std::vector<std::string>& inputs);

// --- qscore explain ----------------------------------------------------------------------
struct explain_args {
  score_args score;
  std::string unit;
};
CLI::App* add_explain_command(CLI::App& app, explain_args& args);
int run_explain(const explain_args& args);

}  // namespace qscore::cli
