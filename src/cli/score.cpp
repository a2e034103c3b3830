// qscore score DEFINITION RESPONSES: load -> compile -> score the file -> finalize -> write.
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <utility>
#if defined(__GLIBC__)
#include <malloc.h>  // malloc_trim
#endif

#include "cli.hpp"
#include "progress.hpp"
#include "qscore/definition/load.hpp"
#include "qscore/io/write_csv.hpp"
#include "qscore/io/write_json.hpp"
#include "qscore/io/write_text.hpp"
#include "qscore/pipeline.hpp"
#include "qscore/plan/scoring_plan.hpp"
#include "qscore/report/finalize.hpp"

namespace qscore::cli {

namespace {

// How many rejected rows `score` lists on stderr; the JSON report keeps more.
constexpr std::size_t rejections_shown = 10;
// Limits on the tuning options (a batch allocates batch_rows x items codes up front).
constexpr std::int64_t max_batch_rows = 10'000'000;
constexpr std::size_t max_chunk_bytes = std::size_t{1} << 30;

// Hands the memory freed by the scoring threads back to the system before the report is built.
// Each thread allocates its segments' tallies from a malloc arena of its own (glibc); freed,
// that memory stays resident in the arena and the main thread cannot reuse it, so with many
// units it stacked up under the report: 200,000 rows of 5,000 units, -j 1, peaked at 413 MB
// where the live heap never passed 259 MB.
void release_freed_memory() {
#if defined(__GLIBC__)
  ::malloc_trim(0);
#endif
}

void write_report(std::ostream& out, const report& r, const score_args& args) {
  write_options options;
  options.decimals = args.decimals;
  options.threads = args.threads;
  if (args.format == "json") write_json(out, r, options);
  else if (args.format == "csv") write_csv(out, r, options);
  else write_text(out, r, options);
}

// "responses.csv:9: rejected: R202 column 'group': found 'x', expected ..." for the first rejected rows,
// then a one-line count.
void print_rejections(const report& r, const std::string& file) {
  const accounting& a = r.accounting;
  if (a.rejected == 0) return;
  const std::size_t shown = std::min(rejections_shown, a.rejection_samples.size());
  for (std::size_t i = 0; i < shown; ++i) {
    const row_rejection& sample = a.rejection_samples[i];
    std::cerr << file << ':';
    if (sample.line > 0) std::cerr << sample.line << ':';
    std::cerr << " rejected: " << sample.message() << '\n';
  }
  std::cerr << "qscore: " << a.rejected << " of " << a.rows_read << " rows rejected (";
  for (std::size_t i = 0; i < a.rejected_by_reason.size(); ++i)
    std::cerr << (i > 0 ? ", " : "") << a.rejected_by_reason[i].id << ": " << a.rejected_by_reason[i].count;
  std::cerr << ")";
  if (static_cast<std::int64_t>(shown) < a.rejected)
    std::cerr << "; the first " << shown << " are shown, the JSON report lists up to " << kept_rejections;
  std::cerr << '\n';
}

}  // namespace

CLI::App* add_score_command(CLI::App& app, score_args& args) {
  CLI::App* command = app.add_subcommand(
      "score", "Score a responses file (CSV) and write the report: text tables (default), JSON or CSV");
  command->add_option("DEFINITION", args.definition, "The definition (YAML)")->type_name("FILE")->required();
  command->add_option("RESPONSES", args.responses, "The responses (CSV, UTF-8, with a header row)")
      ->type_name("FILE")
      ->required();
  command->add_option("-f,--format", args.format, "Report format: text, json or csv")
      ->type_name("FORMAT")
      ->check(CLI::IsMember({"text", "json", "csv"}))
      ->capture_default_str();
  command->add_option("-o,--output", args.output,
                      "Write the report to FILE instead of standard output (atomically: a temporary "
                      "file in the same directory, then a rename)")
      ->type_name("FILE");
  command->add_option("-l,--lang", args.language,
                      "Language of the labels in the report (zh, en, ...); default: the "
                      "definition's language")
      ->type_name("LANG");
  command->add_option("--decimals", args.decimals,
                      "Digits after the point in text and CSV reports (default: text uses "
                      "the ranking decimals, CSV writes numbers in full)")
      ->type_name("N")
      ->check(CLI::Range(0, 17));
  args.batch_rows_option =
      command->add_option("--batch-rows", args.batch_rows,
                          "Rows scored per batch (default 3840, doubled up to 57600 while a batch's rows "
                          "spread over many units; a size given here is kept)")
      ->type_name("N")
      ->check(CLI::Range(std::int64_t{1}, max_batch_rows))
      ->capture_default_str();
  command->add_option("--chunk-bytes", args.chunk_bytes,
                      "Bytes read from the responses file at a time")
      ->type_name("N")
      ->check(CLI::Range(std::size_t{1}, max_chunk_bytes))
      ->capture_default_str();
  command->add_option("-j,--threads", args.threads,
                      "Threads to score and to build the report with (0 = all cores); the report is the same for any count")
      ->type_name("N")
      ->check(CLI::Range(0U, 1024U))
      ->capture_default_str();
  command->add_option("--reliability", args.reliability,
                      "Cronbach's alpha per dimension and over all items, with missing answers "
                      "handled listwise or pairwise (overrides statistics.reliability)")
      ->type_name("MODE")
      ->check(CLI::IsMember({"listwise", "pairwise", "none"}));
  command->add_flag("--reliability-by-group", args.reliability_by_group,
                    "Also compute reliability per respondent group (implies --reliability pairwise "
                    "unless a mode is given)");
  command->add_option("--rank-replicates", args.rank_replicates,
                      "Bootstrap replicates for the rank intervals (0 = none; overrides "
                      "statistics.rank_replicates, default 1000)")
      ->type_name("N")
      ->check(CLI::Range(0, 1'000'000));
  command->add_option("--rank-seed", args.rank_seed,
                      "Seed of the rank bootstrap (overrides statistics.rank_seed)")
      ->type_name("N");
  command->add_option("--encoding", args.encoding,
                      "Encoding of the responses file: utf-8 (checked; invalid bytes fail the run "
                      "with their line and column) or gb18030 (alias gbk: a Chinese Excel "
                      "\"CSV\" export, decoded with iconv)")
      ->type_name("NAME")
      ->check(CLI::IsMember({"utf-8", "utf8", "gb18030", "gbk"}, CLI::ignore_case))
      ->capture_default_str();
  command->add_option("--rejects", args.rejects,
                      "Write every rejected row to FILE (CSV: line,error_id,reason,raw; written "
                      "atomically)")
      ->type_name("FILE");
  command->add_option("--max-rejects", args.max_rejects,
                      "Fail (exit 6, no report) when more rows are rejected than N, or than P% of "
                      "the rows read (default: 1%, but at least 10 rows)")
      ->type_name("N|P%");
  command->add_option("--max-quoted-lines", args.max_quoted_lines,
                      "Line breaks a quoted field may span before its quote is taken as never "
                      "closed (the row is rejected, R207, and reading resumes on the next line)")
      ->type_name("N")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1'000'000'000}))
      ->capture_default_str();
  command->add_option("--max-line-bytes", args.max_line_bytes,
                      "Longest row accepted, in bytes; longer rows are rejected (R210) and skipped")
      ->type_name("N")
      ->check(CLI::Range(std::size_t{1}, max_chunk_bytes))
      ->capture_default_str();
  command->add_flag("--allow-duplicate-ids", args.allow_duplicate_ids,
                    "Score rows that repeat an earlier row's respondent id (by default the later "
                    "rows are rejected, R208)");
  command->add_option("--id-memory", args.id_memory_mb,
                      "Megabytes the duplicate-id check keeps in memory: ids written as plain "
                      "numbers below 8 x MB x 2^20 (at most 2^33) take a bit each, other ids 6 "
                      "bytes a row, which beyond the budget go to a temporary file in TMPDIR, "
                      "deleted on exit")
      ->type_name("MB")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1} << 20))
      ->capture_default_str();
  command->add_flag("-q,--quiet", args.quiet,
                    "Print nothing on stderr but errors (no progress bar, no rejected rows)");
  add_input_option(*command, args.inputs);
  return command;
}

int run_score(const score_args& args) {
  auto loaded = load_definition(args.definition);
  if (!loaded) {
    print_diagnostics(loaded.diagnostics());
    if (loaded.diagnostics().empty()) print_error("'" + args.definition + "' is not a valid definition");
    return exit_bad_definition;
  }
  print_diagnostics(loaded.diagnostics(), !args.quiet);
  statistics_options& statistics = loaded->definition.statistics;
  if (args.reliability == "listwise") statistics.reliability = missing_rule::listwise;
  else if (args.reliability == "pairwise") statistics.reliability = missing_rule::pairwise;
  else if (args.reliability == "none") statistics.reliability.reset();
  if (args.reliability_by_group) {
    statistics.reliability_by_group = true;
    if (!statistics.reliability && args.reliability.empty()) statistics.reliability = missing_rule::pairwise;
  }
  if (args.rank_replicates) statistics.rank_replicates = *args.rank_replicates;
  if (args.rank_seed) statistics.rank_seed = *args.rank_seed;
  auto plan = compile(std::move(loaded->definition));
  if (!plan) {
    print_diagnostics(plan.diagnostics());
    return exit_bad_definition;
  }

  reject_limit limit{1.0, true, 10};  // the default: 1% of the rows read, at least 10 rows
  if (!args.max_rejects.empty()) {
    const auto parsed = parse_reject_limit(args.max_rejects);
    if (!parsed) {
      print_error("--max-rejects: '" + args.max_rejects +
                  "' is not a row count (e.g. 50) or a percentage from 0% to 100% (e.g. 2.5%)");
      return exit_usage;
    }
    limit = *parsed;
  }

  score_file_options file_options;
  const bool gb18030 = args.encoding == "gb18030" || args.encoding == "gbk" ||
                       args.encoding == "GB18030" || args.encoding == "GBK";
  if (gb18030) file_options.csv.encoding = csv_options::text_encoding::gb18030;
  file_options.csv.max_quoted_lines = args.max_quoted_lines;
  file_options.csv.max_record_bytes = args.max_line_bytes;
  file_options.csv.reject_duplicate_ids = !args.allow_duplicate_ids;
  file_options.id_memory_bytes = args.id_memory_mb << 20;
  std::vector<row_rejection> rejected_rows;
  if (!args.rejects.empty()) {
    file_options.csv.keep_rejected_raw = true;
    file_options.on_rejected = [&rejected_rows](const row_rejection& r) { rejected_rows.push_back(r); };
  }
  file_options.csv.batch_rows = static_cast<Eigen::Index>(args.batch_rows);
  // A size asked for is kept; by default batches grow while their rows spread over many units.
  file_options.csv.grow_spread_batches = args.batch_rows_option == nullptr || args.batch_rows_option->count() == 0;
  file_options.csv.chunk_bytes = args.chunk_bytes;
  file_options.threads = args.threads;
  progress_bar progress(args.responses, !args.quiet);
  if (progress.enabled()) file_options.on_progress = [&progress](std::int64_t rows) { progress.update(rows); };
  auto totals = score_file(*plan, args.responses, file_options);
  progress.finish();
  if (!totals) {
    print_diagnostics(totals.diagnostics());
    if (totals.diagnostics().empty()) print_error("cannot read '" + args.responses + "'");
    return exit_bad_responses;
  }
  print_diagnostics(totals.diagnostics(), !args.quiet);
  release_freed_memory();

  report_options report_opts;
  report_opts.language = args.language;
  report_opts.threads = args.threads;
  // The writers make each unit's items as they write it (on their threads, for JSON): a report
  // of thousands of units then never holds all their item results at once.
  report_opts.defer_items = true;
  report r = finalize(*plan, *totals, report_opts);
  if (const int code = add_scorecard(*plan->definition, r, args.inputs); code != exit_ok) return code;

  // The rejects file is written even when the run then fails: it is what the user needs next.
  if (!args.rejects.empty()) {
    complete_rejects(args.responses, rejected_rows);
    if (const auto problem = write_file_atomically(
            args.rejects, [&](std::ostream& out) { write_rejects(out, rejected_rows); })) {
      print_error(*problem);
      return exit_output_failed;
    }
  }
  const std::int64_t allowed = allowed_rejections(limit, r.accounting.rows_read);
  if (r.accounting.rejected > allowed) {
    if (!args.quiet) print_rejections(r, args.responses);
    print_error(std::to_string(r.accounting.rejected) + " of " + std::to_string(r.accounting.rows_read) +
                " rows were rejected, more than the " + std::to_string(allowed) + " allowed (--max-rejects " +
                (args.max_rejects.empty() ? std::string("default: 1%, at least 10 rows") : args.max_rejects) +
                "); no report was written. Fix the file (see --rejects FILE) or raise --max-rejects");
    return exit_too_many_rejects;
  }

  if (!args.output.empty()) {
    if (const auto problem = write_file_atomically(args.output, [&](std::ostream& out) { write_report(out, r, args); })) {
      print_error(*problem);
      return exit_output_failed;
    }
  } else {
    write_report(std::cout, r, args);
    std::cout.flush();
    if (!std::cout) {
      print_error("cannot write the report to standard output");
      return exit_output_failed;
    }
  }
  if (!args.quiet) print_rejections(r, args.responses);
  return exit_ok;
}

}  // namespace qscore::cli
