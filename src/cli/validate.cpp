// qscore validate DEFINITION: load and check a definition, print what is wrong with it.
#include <iostream>
#include <utility>

#include "cli.hpp"
#include "qscore/definition/load.hpp"
#include "qscore/plan/scoring_plan.hpp"

namespace qscore::cli {

namespace {

std::string count(std::size_t n, std::string_view noun) {
  return std::to_string(n) + " " + std::string(noun) + (n == 1 ? "" : "s");
}

}  // namespace

CLI::App* add_validate_command(CLI::App& app, validate_args& args) {
  CLI::App* command = app.add_subcommand("validate", "Check a definition and list its problems");
  command->footer(
      "Problems go to stderr, one per line, as FILE:LINE:COLUMN: error[ID] message (at PATH); a "
      "valid definition prints a one-line summary on stdout.");
  command->add_option("DEFINITION", args.definition, "The definition (YAML)")->type_name("FILE")->required();
  return command;
}

int run_validate(const validate_args& args) {
  auto loaded = load_definition(args.definition);
  print_diagnostics(loaded.diagnostics());
  if (!loaded) {
    if (loaded.diagnostics().empty()) print_error("'" + args.definition + "' is not a valid definition");
    return exit_bad_definition;
  }
  const instrument& def = loaded->definition;
  const std::size_t items = def.items.size();
  const std::size_t groups = def.groups.size();
  const std::size_t units = def.units.size();
  const std::size_t dimensions = def.dimensions.size();
  // The loader has checked the definition already; compiling it proves it can be scored.
  auto plan = compile(std::move(loaded->definition));
  if (!plan) {
    print_diagnostics(plan.diagnostics());
    return exit_bad_definition;
  }
  std::cout << args.definition << ": OK (" << count(items, "item") << ", " << count(groups, "group") << ", "
            << (units > 0 ? count(units, "unit") : std::string("units from the data")) << ", "
            << count(dimensions, "dimension") << ")\n";
  std::cout.flush();
  if (!std::cout) return exit_output_failed;
  return exit_ok;
}

}  // namespace qscore::cli
