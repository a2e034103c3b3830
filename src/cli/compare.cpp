// qscore compare OLD.json NEW.json: read two JSON reports -> compare -> write.
#include <iostream>

#include "cli.hpp"
#include "qscore/compare/compare.hpp"
#include "qscore/io/read_report.hpp"
#include "qscore/io/write_comparison_csv.hpp"
#include "qscore/io/write_comparison_json.hpp"
#include "qscore/io/write_comparison_text.hpp"

namespace qscore::cli {

namespace {

void write_comparison(std::ostream& out, const comparison& c, const compare_args& args) {
  write_options options;
  options.decimals = args.decimals;
  if (args.format == "json") write_comparison_json(out, c, options);
  else if (args.format == "csv") write_comparison_csv(out, c, options);
  else write_comparison_text(out, c, options);
}

}  // namespace

CLI::App* add_compare_command(CLI::App& app, compare_args& args) {
  CLI::App* command = app.add_subcommand(
      "compare",
      "Compare two JSON reports of one questionnaire (e.g. two monthly runs): each unit's change in total, "
      "rank and components, and the groups and items that moved most");
  command->add_option("OLD", args.old_report, "The earlier report (qscore score --format json)")
      ->type_name("FILE")
      ->required();
  command->add_option("NEW", args.new_report, "The later report")->type_name("FILE")->required();
  command->add_option("-f,--format", args.format, "Output format: text, json or csv")
      ->type_name("FORMAT")
      ->check(CLI::IsMember({"text", "json", "csv"}))
      ->capture_default_str();
  command->add_option("-o,--output", args.output,
                      "Write the comparison to FILE instead of standard output (atomically)")
      ->type_name("FILE");
  command->add_option("--top", args.top, "How many groups and items to list as moved most, per unit and overall")
      ->type_name("N")
      ->check(CLI::Range(std::size_t{0}, std::size_t{10000}))
      ->capture_default_str();
  command->add_option("-l,--lang", args.language,
                      "Take labels from the report written in this language (default: the new report)")
      ->type_name("LANG");
  command->add_option("--decimals", args.decimals, "Digits after the point in text and CSV output")
      ->type_name("N")
      ->check(CLI::Range(0, 17));
  command->add_flag("-q,--quiet", args.quiet, "Print nothing on stderr but errors (no warnings)");
  return command;
}

int run_compare(const compare_args& args) {
  auto before = read_report(args.old_report);
  auto after = read_report(args.new_report);
  if (!before || !after) {
    print_diagnostics(before.diagnostics());
    print_diagnostics(after.diagnostics());
    return exit_bad_responses;
  }
  compare_options options;
  options.top = args.top;
  options.language = args.language;
  const auto compared = compare(*before, *after, options);
  if (!compared) {
    print_diagnostics(compared.diagnostics());
    return exit_bad_responses;
  }
  if (!args.quiet) print_diagnostics(compared->warnings);

  if (!args.output.empty()) {
    if (const auto problem =
            write_file_atomically(args.output, [&](std::ostream& out) { write_comparison(out, *compared, args); })) {
      print_error(*problem);
      return exit_output_failed;
    }
    return exit_ok;
  }
  write_comparison(std::cout, *compared, args);
  std::cout.flush();
  if (!std::cout) {
    print_error("cannot write the comparison to standard output");
    return exit_output_failed;
  }
  return exit_ok;
}

}  // namespace qscore::cli
