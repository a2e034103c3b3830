// qscore-gen: writes a deterministic synthetic responses CSV for any questionnaire definition.
//
//   qscore-gen examples/appraisal/appraisal.yaml --rows 3000 --seed 2023 --output appraisal.csv
//
// The same definition, options and seed give the same bytes on every platform (see generator.hpp
// for the model). Exit status, as for qscore: 0 done, 1 bad arguments, 2 bad definition, 4 the
// output could not be written.
#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "generator.hpp"
#include "qscore/definition/load.hpp"
#include "qscore/plan/scoring_plan.hpp"

namespace {

enum exit_code : int { exit_ok = 0, exit_usage = 1, exit_bad_definition = 2, exit_output_failed = 4 };

void print(const std::vector<qscore::diagnostic>& diagnostics) {
  for (const auto& d : diagnostics) std::cerr << d.to_string() << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Writes synthetic responses for a questionnaire definition as CSV: one row per "
               "respondent, the same bytes for the same seed on every platform."};
  app.name("qscore-gen");
  std::string definition_path;
  std::string output_path;
  qscore::gen::options opt;
  app.add_option("definition", definition_path, "Definition YAML (e.g. examples/appraisal/appraisal.yaml)")
      ->type_name("FILE")
      ->required();
  app.add_option("-o,--output", output_path, "Write the CSV here instead of to standard output");
  app.add_option("--rows", opt.rows, "Respondents to generate")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--seed", opt.seed, "Random seed")->capture_default_str();
  app.add_option("--blank-rate", opt.blank_rate, "Chance that an answer is left blank")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--void-rate", opt.void_rate,
                 "Fraction of ballots with most answers blank (left 90% blank)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  auto* units = app.add_option("--units", opt.units,
                               "Units u01..uK to invent (only for definitions that declare no units)")
                    ->capture_default_str()
                    ->check(CLI::Range(1, 100000));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? exit_ok : exit_usage;
  }

  auto loaded = qscore::load_definition(definition_path);
  print(loaded.diagnostics());
  if (!loaded) return exit_bad_definition;
  auto plan = qscore::compile(std::move(loaded->definition));
  if (!plan) {  // the loader checked the definition already; this is for completeness
    print(plan.diagnostics());
    return exit_bad_definition;
  }
  if (units->count() > 0 && plan->units_declared) {
    std::cerr << "qscore-gen: --units applies only to definitions without units; "
              << definition_path << " declares " << plan->definition->units.size() << '\n';
    return exit_usage;
  }

  std::FILE* out = stdout;
  if (!output_path.empty()) {
    out = std::fopen(output_path.c_str(), "wb");
    if (out == nullptr) {
      std::cerr << "qscore-gen: cannot write " << output_path << ": " << std::strerror(errno) << '\n';
      return exit_output_failed;
    }
  }
  const qscore::gen::generator generate(*plan, opt);
  const bool written =
      generate.run([out](const char* data, std::size_t size) { return std::fwrite(data, 1, size, out) == size; });
  const bool closed = out == stdout ? std::fflush(out) == 0 : std::fclose(out) == 0;
  if (!written || !closed) {
    std::cerr << "qscore-gen: writing " << (output_path.empty() ? "standard output" : output_path)
              << " failed: " << std::strerror(errno) << '\n';
    return exit_output_failed;
  }
  return exit_ok;
}
