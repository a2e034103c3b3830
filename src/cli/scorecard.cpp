// The composite scorecard in the CLI: --input NAME=FILE, reading the inputs, and adding the
// scorecard to the report (used by `score` and `explain`).
#include <iostream>

#include "cli.hpp"
#include "qscore/scorecard/compute.hpp"
#include "qscore/scorecard/inputs.hpp"

namespace qscore::cli {

void add_input_option(CLI::App& command, std::vector<std::string>& inputs) {
  command
      .add_option("-i,--input", inputs,
                  "A scorecard input: NAME=FILE, NAME a values or counts component of the "
                  "definition's scorecard, or 'veto' (repeat for each)")
      ->type_name("NAME=FILE")
      ->check([](const std::string& value) -> std::string {
        const auto eq = value.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == value.size())
          return "expected NAME=FILE (e.g. supervision=supervision.csv), got '" + value + "'";
        return {};
      });
}

int add_scorecard(const instrument& definition, report& r, const std::vector<std::string>& inputs) {
  if (!definition.scorecard) {
    if (inputs.empty()) return exit_ok;
    print_error("--input was given, but the definition has no scorecard: section to use it");
    return exit_bad_responses;
  }
  std::vector<input_source> sources;
  for (const auto& given : inputs) {
    const auto eq = given.find('=');
    sources.push_back({given.substr(0, eq), given.substr(eq + 1), std::nullopt});
  }
  // Units the inputs may name: the declared ones, else those the responses brought.
  std::vector<known_unit> units = known_units(definition);
  if (units.empty())
    for (const auto& u : r.units) units.push_back({u.id, {u.label}});
  auto read = read_scorecard_inputs(*definition.scorecard, units, sources);
  if (!read) {
    print_diagnostics(read.diagnostics());
    return exit_bad_responses;
  }
  auto card = compute_scorecard(definition, r, *read);
  if (!card) {
    print_diagnostics(card.diagnostics());
    return exit_bad_definition;
  }
  r.scorecard = std::move(*card);
  return exit_ok;
}

}  // namespace qscore::cli
