// qscore: score questionnaires from the command line.
//
//   qscore validate DEFINITION
//   qscore score DEFINITION RESPONSES [--format text|json|csv] [--output FILE] [--lang LANG]
//                [--decimals N] [--batch-rows N] [--chunk-bytes N] [--quiet]
//   qscore compare OLD.json NEW.json [--format text|json|csv] [--output FILE] [--top N]
//                  [--lang LANG] [--decimals N] [--quiet]
//   qscore explain DEFINITION RESPONSES UNIT [--input NAME=FILE ...] [--format text|json]
//   qscore --help | --version
//
// The tool is a thin shell over the public API and the only part of qscore that prints: reports
// go to standard output (or --output FILE), everything else to standard error. Diagnostics are
// printed as FILE:LINE:COLUMN: error[ID] message; the tool's own errors as "qscore: error: ...".
//
// Exit codes (stable):
//   0  success (rows that were rejected are counted in the report and listed on stderr; they do
//      not make the run fail)
//   1  usage error: the command line could not be parsed (unknown option, missing argument, bad
//      value)
//   2  the definition could not be read or is invalid
//   3  the responses file could not be read: it cannot be opened, is not UTF-8, has no header or
//      lacks a column the definition needs, or a read failed; or a scorecard input file
//      (--input) is missing or has a bad row (F111-F115); for compare: a report cannot be
//      read or is not a qscore JSON report, or the two are of different questionnaires
//   4  the report could not be written (--output FILE, or standard output)
//   5  internal error: an unexpected failure inside qscore (a bug; please report it)
//   6  more rows were rejected than --max-rejects allows (default 1% of the rows, at least 10);
//      no report is written, the --rejects file is
#include <exception>
#include <iostream>
#include <string>

#include "cli.hpp"
#include "qscore/version.hpp"

int main(int argc, char** argv) {
  using namespace qscore::cli;
  try {
    CLI::App app{"qscore: score questionnaires defined in YAML from responses in CSV.", "qscore"};
    app.set_version_flag("--version", std::string("qscore ") + qscore::version_string);
    app.require_subcommand(1);
    app.footer(
        "Exit codes: 0 success, 1 usage error, 2 invalid definition, 3 unreadable responses file, "
        "4 report not written, 5 internal error. Exit 3 also covers scorecard input files (--input).");

    validate_args validate;
    CLI::App* validate_command = add_validate_command(app, validate);
    score_args score;
    CLI::App* score_command = add_score_command(app, score);
    compare_args compare;
    CLI::App* compare_command = add_compare_command(app, compare);
    explain_args explain;
    CLI::App* explain_command = add_explain_command(app, explain);

    try {
      app.parse(argc, argv);
    } catch (const CLI::Success& e) {
      return app.exit(e);  // --help, --version: printed to stdout, exit 0
    } catch (const CLI::ParseError& e) {
      print_error(e.what());
      std::cerr << "Run 'qscore --help' for more information.\n";
      return exit_usage;
    }

    if (validate_command->parsed()) return run_validate(validate);
    if (score_command->parsed()) return run_score(score);
    if (compare_command->parsed()) return run_compare(compare);
    if (explain_command->parsed()) return run_explain(explain);
    return exit_usage;  // unreachable: a subcommand is required
  } catch (const std::exception& e) {
    print_error(std::string("internal error: ") + e.what());
    return exit_internal;
  } catch (...) {
    print_error("internal error");
    return exit_internal;
  }
}
