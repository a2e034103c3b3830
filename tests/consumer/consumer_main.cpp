// A program outside the qscore tree, built by both consumer projects. It scores two rows of a
// definition built in code (the header-only core), and loads a definition from YAML text and
// reads CSV text (the compiled part of the library, which links yaml-cpp).
#include <iostream>
#include <qscore/qscore.hpp>
#include <string_view>

int main() {
  qscore::instrument def;
  def.id = "consumer";
  qscore::answer_scale yes_no;
  yes_no.id = "yn";
  yes_no.options = {{"y", "Yes", 100.0, false, true}, {"n", "No", 0.0, false, false}};
  def.scales = {yes_no};
  qscore::questionnaire_item item;
  item.id = "q1";
  item.scale = "yn";
  def.items = {item};
  def.groups = {{"all", "Everyone", 1.0}};
  def.privacy.min_cell = 1;  // two ballots: publish them (the default 5 would withhold the unit)
  const qscore::scoring_plan plan = qscore::compile(def).value();

  qscore::batch_builder rows(plan);
  const std::string_view yes[] = {"y"}, no[] = {"n"};
  rows.add_text_row("all", "unit-a", yes);
  rows.add_text_row("all", "unit-a", no);
  const qscore::response_batch batch = rows.take();
  qscore::tally totals = qscore::make_tally(plan);
  qscore::accumulate(totals, plan, batch, qscore::score(plan, batch));
  const qscore::report report = qscore::finalize(plan, totals);

  const auto loaded = qscore::load_definition_from_string(
      "id: from-yaml\nscales: [{id: yn, options: [{code: y, points: 100}]}]\n"
      "items: [{id: q1, scale: yn}]\ngroups: [{id: all, share: 1}]\n");
  auto reader = qscore::csv_reader::from_string("respondent_id,group,unit,q1\n1,all,unit-a,y\n", "inline", plan);
  for (const auto& d : loaded.diagnostics()) std::cerr << d.to_string() << '\n';
  for (const auto& d : reader.diagnostics()) std::cerr << d.to_string() << '\n';
  if (!loaded || !reader) return 1;
  qscore::response_batch read;
  reader->next(read);

  // (100 + 0) / 2 = 50 for unit-a; one item from the YAML; one row from the CSV.
  std::cout << "qscore " << qscore::version_string << ": " << report.units.at(0).id << " scores "
            << report.units.at(0).score.value_or(-1) << "; loaded '" << loaded->definition.id << "' with "
            << loaded->definition.items.size() << " item; read " << read.rows() << " row\n";
  const bool right = report.units.at(0).score == 50.0 && loaded->definition.items.size() == 1 && read.rows() == 1;
  return right ? 0 : 1;
}
