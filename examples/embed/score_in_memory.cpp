// Scoring without files: a definition built in code, answers from in-memory arrays.
//
// Worked by hand (no sampling weights, so every respondent weighs 1). Respondent score =
// sum(weight * points) / sum(weight) over the items answered; "Don't know" and blanks are left out.
//   water  residents   1,1,2  (2*100 + 100 + 75) / 4 = 93.75
//          residents   2,2,1  (2*75 + 75 + 100) / 4  = 81.25   mean 87.5
//          businesses  4,1,1  (100 + 100) / 2        = 100     (q1 "don't know": weight 2 drops out)
//          score 0.6 * 87.5 + 0.4 * 100 = 92.5;  total 92.5 * 80 / 100 = 74.00
//   power  residents   1,1,1  100
//          residents   3,2,1  (2*50 + 75 + 100) / 4  = 68.75   mean 84.375
//          businesses  2,2,2  75
//          businesses  -,-,-  nothing answered: void ballot, not counted
//          score 0.6 * 84.375 + 0.4 * 75 = 80.625;  total 80.625 * 80 / 100 = 64.50
#include <array>
#include <iomanip>
#include <iostream>
#include <qscore/qscore.hpp>
#include <string_view>

int main() {
  qscore::instrument def;  // what a YAML definition would say
  def.id = "utilities";
  def.points = 80;  // the survey's worth in the appraisal
  qscore::answer_scale sat;
  sat.id = "sat";
  sat.options = {// code, label, points, non_answer ("don't know"), positive
                 {"1", "Satisfied", 100.0, false, true},
                 {"2", "Fairly satisfied", 75.0, false, true},
                 {"3", "Dissatisfied", 50.0, false, false},
                 {"4", "Don't know", std::nullopt, true, false}};
  def.scales = {sat};
  auto item = [](const char* id, double weight) {
    qscore::questionnaire_item i;
    i.id = id;
    i.scale = "sat";
    i.weight = weight;
    return i;
  };
  def.items = {item("q1", 2), item("q2", 1), item("q3", 1)};
  def.groups = {{"residents", "Residents", 0.6}, {"businesses", "Businesses", 0.4}};  // id, label, share
  def.units = {{"water", "Water company"}, {"power", "Power company"}};
  def.privacy.min_cell = 1;  // a demo of 3 ballots a unit; real surveys keep the default 5 (Privacy)
  const qscore::scoring_plan plan = qscore::compile(def).value();  // throws qscore::error if invalid

  struct row {
    std::string_view group, unit;
    std::array<std::string_view, 3> answers;  // q1, q2, q3: a code, a label, or "" for blank
  };
  const row rows[] = {{"residents", "water", {"1", "1", "2"}},  {"residents", "water", {"2", "2", "1"}},
                      {"businesses", "water", {"4", "1", "1"}}, {"residents", "power", {"1", "1", "1"}},
                      {"residents", "power", {"3", "2", "1"}},  {"businesses", "power", {"2", "2", "2"}},
                      {"businesses", "power", {"", "", ""}}};
  qscore::batch_builder builder(plan);
  for (const row& r : rows) builder.add_text_row(r.group, r.unit, r.answers);
  const qscore::response_batch batch = builder.take();

  qscore::tally totals = qscore::make_tally(plan);
  qscore::accumulate(totals, plan, batch, qscore::score(plan, batch));
  const qscore::report result = qscore::finalize(plan, totals);
  for (const qscore::unit_result& unit : result.units)
    std::cout << "rank " << unit.rank.value_or(0) << "  " << unit.id << "  total " << std::fixed
              << std::setprecision(2) << unit.total.value_or(0) << " of " << result.points << "  (score "
              << std::setprecision(3) << unit.score.value_or(0) << ", " << unit.valid << " valid, "
              << unit.void_ballots << " void)\n";
}
