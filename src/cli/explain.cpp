// qscore explain DEFINITION RESPONSES UNIT: the audit trail of one unit's score (what a unit that
// disputes its rank is shown): the same pipeline as `score`, then explain_unit and its writer.
#include <iostream>

#include "cli.hpp"
#include "qscore/definition/load.hpp"
#include "qscore/io/write_explanation.hpp"
#include "qscore/pipeline.hpp"
#include "qscore/report/finalize.hpp"
#include "qscore/scorecard/explain.hpp"

namespace qscore::cli {

CLI::App* add_explain_command(CLI::App& app, explain_args& args) {
  CLI::App* command = app.add_subcommand(
      "explain",
      "Show how one unit's score was reached: group means and shares, void and rejected ballots, "
      "each scorecard component, deduction (with its source rows), veto, band and rank");
  command->add_option("DEFINITION", args.score.definition, "The definition (YAML)")->type_name("FILE")->required();
  command->add_option("RESPONSES", args.score.responses, "The responses (CSV)")->type_name("FILE")->required();
  command->add_option("UNIT", args.unit, "The unit: its id or a label")->required();
  command->add_option("-f,--format", args.score.format, "Output format: text or json")
      ->type_name("FORMAT")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  command->add_option("-l,--lang", args.score.language, "Language of the labels")->type_name("LANG");
  command->add_option("--decimals", args.score.decimals, "Digits after the point in the text (default 2)")
      ->type_name("N")
      ->check(CLI::Range(0, 17));
  command->add_option("-j,--threads", args.score.threads, "Threads to score with (0 = all cores)")
      ->type_name("N")
      ->check(CLI::Range(0U, 1024U));
  add_input_option(*command, args.score.inputs);
  return command;
}

int run_explain(const explain_args& args) {
  const score_args& s = args.score;
  auto loaded = load_definition(s.definition);
  if (!loaded) {
    print_diagnostics(loaded.diagnostics());
    return exit_bad_definition;
  }
  print_diagnostics(loaded.diagnostics());
  loaded->definition.statistics.rank_replicates = 0;  // the audit trail does not use rank intervals
  auto plan = compile(std::move(loaded->definition));
  if (!plan) {
    print_diagnostics(plan.diagnostics());
    return exit_bad_definition;
  }
  score_file_options file_options;
  file_options.threads = s.threads;
  auto totals = score_file(*plan, s.responses, file_options);
  if (!totals) {
    print_diagnostics(totals.diagnostics());
    if (totals.diagnostics().empty()) print_error("cannot read '" + s.responses + "'");
    return exit_bad_responses;
  }
  report_options report_opts;
  report_opts.language = s.language;
  report r = finalize(*plan, *totals, report_opts);
  if (const int code = add_scorecard(*plan->definition, r, s.inputs); code != exit_ok) return code;

  const auto e = explain_unit(r, *plan->definition, args.unit);
  if (!e) {
    std::string known;
    for (const auto& u : r.units) known += (known.empty() ? "" : ", ") + u.id;
    print_error("unknown unit '" + args.unit + "', expected an id or label of: " + known);
    return exit_usage;
  }
  write_options options;
  options.decimals = s.decimals;
  if (s.format == "json") write_explanation_json(std::cout, *e, options);
  else write_explanation_text(std::cout, *e, options);
  std::cout.flush();
  if (!std::cout) {
    print_error("cannot write to standard output");
    return exit_output_failed;
  }
  return exit_ok;
}

}  // namespace qscore::cli
