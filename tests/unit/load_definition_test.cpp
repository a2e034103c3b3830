// load_definition(): the appraisal example, numeric scales, positions, strict scalars, hostile
// input. The exact diagnostics of broken files are pinned in golden_diagnostics_test.cpp.
// Suite names are lower case so that `ctest -R 'load|check|golden'` selects these tests.
#include "qscore/definition/load.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <numeric>
#include <string>
#include <vector>

#include "qscore/plan/scoring_plan.hpp"

namespace {

using namespace qscore;

const std::filesystem::path source_dir{QSCORE_SOURCE_DIR};

std::string all_diagnostics(const std::vector<diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) out += d.to_string() + "\n";
  return out;
}

// The ids of the diagnostics, in order: "D004 D021".
std::string ids_of(const std::vector<diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) out += (out.empty() ? "" : " ") + error_id(d.code);
  return out;
}

// A small valid definition; tests splice one field into it.
std::string minimal(const std::string& scale_extra = "", const std::string& item_extra = "",
                     const std::string& top_extra = "") {
  return "id: t\n" + top_extra +
         "scales:\n"
         "  - {id: s, options: [{code: 1, points: 100}, {code: 2, points: 0}" + scale_extra + "]}\n"
         "items:\n"
         "  - {id: q1, scale: s" + item_extra + "}\n"
         "groups:\n"
         "  - {id: g, share: 1}\n";
}

TEST(load_definition, AppraisalExampleLoadsWithoutDiagnostics) {
  const auto loaded = load_definition(source_dir / "examples/appraisal/appraisal.yaml");
  ASSERT_TRUE(loaded) << all_diagnostics(loaded.diagnostics());
  EXPECT_TRUE(loaded.diagnostics().empty()) << all_diagnostics(loaded.diagnostics());

  const instrument& def = loaded->definition;
  EXPECT_EQ(def.id, "city-conduct-appraisal");
  EXPECT_EQ(def.version, "2023-09");
  EXPECT_EQ(def.language, "zh");
  EXPECT_EQ(def.points, 80.0);
  ASSERT_EQ(def.title.texts().size(), 2U);
  EXPECT_EQ(def.title.texts()[0].first, "zh");
  EXPECT_EQ(def.title.texts()[0].second, "民主评议政风行风满意度问卷调查");
  EXPECT_EQ(def.title.texts()[1].first, "en");
  EXPECT_EQ(def.title.get("en"), "Democratic appraisal of government and industry conduct, questionnaire survey");

  ASSERT_EQ(def.scales.size(), 1U);
  const answer_scale& sat = def.scales[0];
  EXPECT_EQ(sat.id, "satisfaction");
  EXPECT_EQ(sat.kind, scale_kind::categorical);
  ASSERT_EQ(sat.options.size(), 4U);
  EXPECT_EQ(sat.options[0].code, "1");
  EXPECT_EQ(sat.options[0].text.get("zh"), "满意");
  EXPECT_EQ(sat.options[0].text.get("en"), "Satisfied");
  EXPECT_EQ(sat.options[0].points, 100.0);
  EXPECT_TRUE(sat.options[0].positive);
  EXPECT_EQ(sat.options[1].points, 75.0);
  EXPECT_TRUE(sat.options[1].positive);
  EXPECT_EQ(sat.options[2].points, 55.0);
  EXPECT_FALSE(sat.options[2].positive);
  EXPECT_EQ(sat.options[3].code, "4");
  EXPECT_FALSE(sat.options[3].points.has_value());
  EXPECT_TRUE(sat.options[3].non_answer);
  EXPECT_EQ(sat.options[3].text.get("en"), "Don't know");

  ASSERT_EQ(def.dimensions.size(), 3U);
  EXPECT_EQ(def.dimensions[1].id, "supply");
  EXPECT_EQ(def.dimensions[1].name.get("zh"), "供电质量与停电管理");

  ASSERT_EQ(def.items.size(), 10U);
  double weight_sum = 0.0;
  for (const auto& item : def.items) {
    EXPECT_EQ(item.scale, "satisfaction");
    EXPECT_FALSE(item.reverse);
    EXPECT_TRUE(item.column.empty());
    weight_sum += item.weight;
  }
  EXPECT_EQ(weight_sum, 100.0);
  ASSERT_TRUE(def.weight_total.has_value());
  EXPECT_EQ(*def.weight_total, 100.0);
  EXPECT_EQ(def.items[0].id, "q01");
  EXPECT_EQ(def.items[0].weight, 12.0);
  EXPECT_EQ(def.items[0].dimension, "service");
  EXPECT_EQ(def.items[0].text.get("zh"), "服务态度");
  EXPECT_EQ(def.items[9].id, "q10");
  EXPECT_TRUE(def.items[9].dimension.empty());

  ASSERT_EQ(def.groups.size(), 9U);
  double share_sum = 0.0;
  for (const auto& group : def.groups) share_sum += group.share;
  EXPECT_NEAR(share_sum, 1.0, 1e-12);
  EXPECT_EQ(def.groups[0].id, "deputy");
  EXPECT_EQ(def.groups[0].share, 0.15);
  EXPECT_EQ(def.groups[0].name.get("zh"), "人大代表");
  EXPECT_EQ(def.groups[8].id, "village_party");

  ASSERT_EQ(def.units.size(), 6U);
  EXPECT_EQ(def.units[5].id, "post");
  EXPECT_EQ(def.units[5].name.get("en"), "Post office branch");

  EXPECT_EQ(def.columns.respondent, "respondent_id");
  EXPECT_EQ(def.columns.group, "group");
  EXPECT_EQ(def.columns.unit, "unit");
  EXPECT_EQ(def.columns.weight, "weight");
  EXPECT_EQ(def.ballot.min_answered, 0.6);
  EXPECT_EQ(def.ranking.min_valid, 30);
  ASSERT_TRUE(def.ranking.decimals.has_value());
  EXPECT_EQ(*def.ranking.decimals, 2);

  // It compiles, too.
  const auto plan = compile(def);
  EXPECT_TRUE(plan) << all_diagnostics(plan.diagnostics());
}

TEST(load_definition, AppraisalPositionsAreOneBasedAndCountCharacters) {
  const auto path = source_dir / "examples/appraisal/appraisal.yaml";
  const auto loaded = load_definition(path);
  ASSERT_TRUE(loaded);
  const source_map& where = loaded->where;
  const auto at = [&](const char* pointer) {
    const auto it = where.find(pointer);
    if (it == where.end()) return std::string("(none)");
    EXPECT_EQ(it->second.file, path.string());
    return std::to_string(it->second.line) + ":" + std::to_string(it->second.column);
  };
  EXPECT_EQ(at(""), "4:1");                 // the root mapping starts at `format`, after comments
  EXPECT_EQ(at("/format"), "4:9");
  EXPECT_EQ(at("/points"), "11:9");
  EXPECT_EQ(at("/title/en"), "9:7");
  EXPECT_EQ(at("/scales"), "14:3");         // a block sequence starts at its first '-'
  EXPECT_EQ(at("/scales/0"), "14:5");       // a block mapping starts at its first key
  EXPECT_EQ(at("/scales/0/options/0"), "17:9");  // a flow mapping starts at its '{'
  // `      - {code: "4", label: {zh: 不了解, en: Don't know}, non_answer: true}`: the three
  // Chinese characters count one column each (they are 9 bytes).
  EXPECT_EQ(at("/scales/0/options/3/code"), "20:16");
  EXPECT_EQ(at("/scales/0/options/3/non_answer"), "20:67");
  // `  - {id: deputy, label: {zh: 人大代表, en: People's congress deputies}, share: 0.15}`
  EXPECT_EQ(at("/groups/0/share"), "42:76");
  EXPECT_EQ(at("/groups/0/label/zh"), "42:30");
  EXPECT_EQ(at("/weight_total"), "28:15");
  EXPECT_EQ(at("/ballot/min_answered"), "67:17");
  EXPECT_EQ(at("/ranking/decimals"), "71:13");
  // Absent fields point at the mapping that would hold them.
  EXPECT_EQ(at("/items/3/reverse"), at("/items/3"));
  EXPECT_EQ(at("/items/3"), "33:5");
}

TEST(load_definition, NumericScaleWithReverseItems) {
  const auto loaded = load_definition_from_string(
      "format: qscore/1\n"
      "id: likert\n"
      "scales:\n"
      "  - id: agree5\n"
      "    label: Agreement\n"
      "    numeric: {min: 1, max: 5, points: [0, 100], positive_from: 4}\n"
      "    options:\n"
      "      - {code: 9, label: Don't know, non_answer: true}\n"
      "items:\n"
      "  - {id: q1, text: Staff listen, scale: agree5}\n"
      "  - {id: q2, text: Staff are rude, scale: agree5, reverse: true, column: Q2_raw, weight: 0.5}\n"
      "groups:\n"
      "  - {id: all, label: Everyone, share: 1}\n",
      "likert.yaml");
  ASSERT_TRUE(loaded) << all_diagnostics(loaded.diagnostics());
  EXPECT_TRUE(loaded.diagnostics().empty());
  const instrument& def = loaded->definition;
  ASSERT_EQ(def.scales.size(), 1U);
  const answer_scale& scale = def.scales[0];
  EXPECT_EQ(scale.kind, scale_kind::numeric);
  EXPECT_EQ(scale.min, 1);
  EXPECT_EQ(scale.max, 5);
  EXPECT_EQ(scale.points_at_min, 0.0);
  EXPECT_EQ(scale.points_at_max, 100.0);
  EXPECT_EQ(scale.positive_from, 4);
  ASSERT_EQ(scale.options.size(), 1U);
  EXPECT_EQ(scale.options[0].code, "9");
  EXPECT_TRUE(scale.options[0].non_answer);
  ASSERT_EQ(def.items.size(), 2U);
  EXPECT_FALSE(def.items[0].reverse);
  EXPECT_TRUE(def.items[1].reverse);
  EXPECT_EQ(def.items[1].column, "Q2_raw");
  EXPECT_EQ(def.items[1].weight, 0.5);
  EXPECT_TRUE(def.units.empty());
  EXPECT_TRUE(def.columns.weight.empty());
  EXPECT_EQ(def.points, 100.0);

  const auto plan = compile(def);
  ASSERT_TRUE(plan) << all_diagnostics(plan.diagnostics());
  ASSERT_EQ(plan->items[1].options.size(), 6U);  // 1..5 and 9
  EXPECT_EQ(plan->items[0].options[0].points, 0.0);
  EXPECT_EQ(plan->items[1].options[0].points, 100.0);  // reversed: 1 scores as 5
}

TEST(load_definition, NumericDefaultsAndPositions) {
  const auto loaded = load_definition_from_string(
      "id: t\n"
      "scales:\n"
      "  - id: n\n"
      "    numeric:\n"
      "      min: 0\n"
      "      max: 10\n"
      "items: [{id: q, scale: n}]\n"
      "groups: [{id: g, share: 1}]\n",
      "n.yaml");
  ASSERT_TRUE(loaded) << all_diagnostics(loaded.diagnostics());
  const auto& scale = loaded->definition.scales[0];
  EXPECT_EQ(scale.points_at_min, 0.0);
  EXPECT_EQ(scale.points_at_max, 100.0);
  EXPECT_FALSE(scale.positive_from.has_value());
  const auto& where = loaded->where;
  EXPECT_EQ(where.at("/scales/0/numeric/max").line, 6);
  EXPECT_EQ(where.at("/scales/0/numeric/max").column, 12);
  EXPECT_EQ(where.at("/items/0/scale").line, 7);
  EXPECT_EQ(where.at("/items/0/scale").column, 24);
  EXPECT_EQ(where.at("/items/0/weight").column, 9);  // absent: the item mapping's '{'
}

TEST(load_definition, DiagnosticsCarryFilePositionAndPath) {
  const auto loaded = load_definition_from_string(minimal("", ", weight: heavy"), "broken.yaml");
  ASSERT_FALSE(loaded);
  ASSERT_EQ(loaded.diagnostics().size(), 1U) << all_diagnostics(loaded.diagnostics());
  const diagnostic& d = loaded.diagnostics()[0];
  EXPECT_EQ(d.code, errc::bad_number);
  EXPECT_EQ(d.where.file, "broken.yaml");
  EXPECT_EQ(d.where.line, 5);
  EXPECT_EQ(d.where.column, 32);
  EXPECT_EQ(d.path, "/items/0/weight");
  EXPECT_EQ(d.to_string(), "broken.yaml:5:32: error[D006] expected a number, got 'heavy' (at /items/0/weight)");
}

TEST(load_definition, CrLfLineEndingsAndByteOrderMark) {
  std::string text = "\xEF\xBB\xBF" + minimal("", ", weight: x");
  std::string crlf;
  for (const char c : text) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  const auto loaded = load_definition_from_string(crlf, "crlf.yaml");
  ASSERT_EQ(loaded.diagnostics().size(), 1U) << all_diagnostics(loaded.diagnostics());
  EXPECT_EQ(loaded.diagnostics()[0].where.line, 5);
  EXPECT_EQ(loaded.diagnostics()[0].where.column, 32);
}

TEST(load_definition, IntegersAreDecimalAndStrict) {
  auto loaded = load_definition_from_string(minimal("", "", "ranking: {min_valid: 017, decimals: +2}\n"), "int.yaml");
  ASSERT_TRUE(loaded) << all_diagnostics(loaded.diagnostics());
  EXPECT_EQ(loaded->definition.ranking.min_valid, 17);  // not octal 15
  EXPECT_EQ(loaded->definition.ranking.decimals, 2);

  for (const char* bad : {"1.0", "0x10", "1e3", "'3'", "1_000", "ten", "99999999999999999999"}) {
    loaded = load_definition_from_string(minimal("", "", std::string("ranking: {min_valid: ") + bad + "}\n"), "int.yaml");
    EXPECT_EQ(ids_of(loaded.diagnostics()), "D006") << bad << "\n" << all_diagnostics(loaded.diagnostics());
  }
  loaded = load_definition_from_string(minimal("", "", "ranking: {decimals: 3000000000}\n"), "int.yaml");
  EXPECT_EQ(ids_of(loaded.diagnostics()), "D006");
}

TEST(load_definition, PrivacyMinCell) {
  // Absent: the default 5. Given: read as written. Not an integer: D006; below 1: D026 (from
  // check_instrument); an unknown key: D002.
  auto loaded = load_definition_from_string(minimal(), "privacy.yaml");
  ASSERT_TRUE(loaded) << all_diagnostics(loaded.diagnostics());
  EXPECT_EQ(loaded->definition.privacy.min_cell, 5);
  loaded = load_definition_from_string(minimal("", "", "privacy: {min_cell: 3}\n"), "privacy.yaml");
  ASSERT_TRUE(loaded) << all_diagnostics(loaded.diagnostics());
  EXPECT_EQ(loaded->definition.privacy.min_cell, 3);
  loaded = load_definition_from_string(minimal("", "", "privacy: {min_cell: 1}\n"), "privacy.yaml");
  ASSERT_TRUE(loaded) << all_diagnostics(loaded.diagnostics());
  EXPECT_EQ(loaded->definition.privacy.min_cell, 1);
  loaded = load_definition_from_string(minimal("", "", "privacy: {min_cell: 2.5}\n"), "privacy.yaml");
  EXPECT_EQ(ids_of(loaded.diagnostics()), "D006");
  loaded = load_definition_from_string(minimal("", "", "privacy: {min_cell: 0}\n"), "privacy.yaml");
  EXPECT_EQ(ids_of(loaded.diagnostics()), "D026");
  loaded = load_definition_from_string(minimal("", "", "privacy: {min_cel: 5}\n"), "privacy.yaml");
  EXPECT_EQ(ids_of(loaded.diagnostics()), "D002");
  loaded = load_definition_from_string(minimal("", "", "privacy: 5\n"), "privacy.yaml");
  EXPECT_EQ(ids_of(loaded.diagnostics()), "D005");
}

TEST(load_definition, NumbersFollowTheCoreSchema) {
  for (const auto& [text, expected] : std::vector<std::pair<std::string, double>>{
           {"2", 2.0}, {"2.5", 2.5}, {"+2.5", 2.5}, {".5", 0.5}, {"1e1", 10.0}, {"1.5E-1", 0.15}, {"017", 17.0}}) {
    const auto loaded = load_definition_from_string(minimal("", ", weight: " + text), "n.yaml");
    ASSERT_TRUE(loaded) << text << "\n" << all_diagnostics(loaded.diagnostics());
    EXPECT_DOUBLE_EQ(loaded->definition.items[0].weight, expected) << text;
  }
  for (const char* bad : {"'2'", "\"2\"", "inf", "nan", "infinity", "0x10", "2 kg", "~", "[2]", "1e999"}) {
    const auto loaded = load_definition_from_string(minimal("", std::string(", weight: ") + bad), "n.yaml");
    ASSERT_EQ(loaded.diagnostics().size(), 1U) << bad << "\n" << all_diagnostics(loaded.diagnostics());
    const errc expected = (std::string(bad) == "~" || std::string(bad) == "[2]") ? errc::wrong_type : errc::bad_number;
    EXPECT_EQ(loaded.diagnostics()[0].code, expected) << bad;
    EXPECT_EQ(loaded.diagnostics()[0].path, "/items/0/weight");
  }
  // YAML's own infinities and NaN are numbers, which the semantic checks then refuse.
  for (const char* special : {".inf", "-.inf", ".NaN"}) {
    const auto loaded = load_definition_from_string(minimal("", std::string(", weight: ") + special), "n.yaml");
    EXPECT_EQ(ids_of(loaded.diagnostics()), "D022") << special;
  }
  const auto share = load_definition_from_string(
      "id: t\nscales: [{id: s, options: [{code: 1, points: 1}]}]\nitems: [{id: q, scale: s}]\n"
      "groups: [{id: g, share: .nan}]\n",
      "s.yaml");
  EXPECT_EQ(ids_of(share.diagnostics()), "D022");
  const auto points = load_definition_from_string(minimal("", "", "points: .inf\n"), "p.yaml");
  EXPECT_EQ(ids_of(points.diagnostics()), "D026");
}

TEST(load_definition, BooleansAreOnlyTrueAndFalse) {
  auto loaded = load_definition_from_string(minimal(", {code: 9, non_answer: true}"), "b.yaml");
  ASSERT_TRUE(loaded) << all_diagnostics(loaded.diagnostics());
  EXPECT_TRUE(loaded->definition.scales[0].options[2].non_answer);
  for (const char* bad : {"yes", "True", "on", "1", "'true'"}) {
    loaded = load_definition_from_string(minimal(std::string(", {code: 9, non_answer: ") + bad + "}"), "b.yaml");
    // The option then has neither points nor non_answer, which is not reported on top.
    EXPECT_EQ(ids_of(loaded.diagnostics()), "D006") << bad << "\n" << all_diagnostics(loaded.diagnostics());
  }
}

TEST(load_definition, CodesAreKeptAsWritten) {
  const auto loaded = load_definition_from_string(
      minimal(", {code: \"03\", points: 5}, {code: 04, points: 5}, {code: A, points: 5}"), "c.yaml");
  ASSERT_TRUE(loaded) << all_diagnostics(loaded.diagnostics());
  const auto& options = loaded->definition.scales[0].options;
  ASSERT_EQ(options.size(), 5U);
  EXPECT_EQ(options[0].code, "1");
  EXPECT_EQ(options[2].code, "03");
  EXPECT_EQ(options[3].code, "04");
  EXPECT_EQ(options[4].code, "A");
  for (const char* bad : {"1.5", "true", "~", "{a: 1}"}) {
    const auto broken = load_definition_from_string(minimal(std::string(", {code: ") + bad + ", points: 5}"), "c.yaml");
    EXPECT_EQ(ids_of(broken.diagnostics()), "D005") << bad << "\n" << all_diagnostics(broken.diagnostics());
  }
}

TEST(load_definition, LabelsKeepLanguageOrder) {
  const auto loaded = load_definition_from_string(
      minimal("", ", text: {en: Service, zh: 服务, fr: Service}", "title: Plain title\n"), "l.yaml");
  ASSERT_TRUE(loaded) << all_diagnostics(loaded.diagnostics());
  const auto& texts = loaded->definition.items[0].text.texts();
  ASSERT_EQ(texts.size(), 3U);
  EXPECT_EQ(texts[0].first, "en");
  EXPECT_EQ(texts[1].first, "zh");
  EXPECT_EQ(texts[1].second, "服务");
  EXPECT_EQ(texts[2].first, "fr");
  ASSERT_EQ(loaded->definition.title.texts().size(), 1U);
  EXPECT_EQ(loaded->definition.title.texts()[0].first, "");
  EXPECT_EQ(loaded->definition.title.get("zh"), "Plain title");
}

TEST(load_definition, DuplicateKeysKeepTheFirstValue) {
  const auto loaded = load_definition_from_string(minimal("", ", weight: 2, weight: 3"), "d.yaml");
  ASSERT_EQ(loaded.diagnostics().size(), 1U);
  EXPECT_EQ(loaded.diagnostics()[0].to_string(),
            "d.yaml:5:35: error[D003] duplicate key 'weight' (first at 5:24) (at /items/0/weight)");
}

TEST(load_definition, EveryProblemIsReported) {
  const auto loaded = load_definition_from_string(
      "id: t\n"
      "colour: blue\n"
      "scales: [{id: s, options: [{code: 1, points: x}]}]\n"
      "items: [{id: q, scale: s, weight: -1}, {id: q, scale: nope}]\n"
      "groups: [{id: g, share: 0.5}]\n",
      "all.yaml");
  EXPECT_EQ(ids_of(loaded.diagnostics()), "D002 D006 D022 D020 D021 D024") << all_diagnostics(loaded.diagnostics());
}

TEST(load_definition, MissingFileIsD007) {
  const auto missing = source_dir / "tests/golden/definitions/no-such-file.yaml";
  const auto loaded = load_definition(missing);
  ASSERT_FALSE(loaded);
  ASSERT_EQ(loaded.diagnostics().size(), 1U);
  EXPECT_EQ(loaded.diagnostics()[0].code, errc::definition_io);
  EXPECT_EQ(loaded.diagnostics()[0].where.file, missing.string());
  EXPECT_FALSE(loaded.diagnostics()[0].where.known());

  const auto directory = load_definition(source_dir / "examples");
  ASSERT_EQ(directory.diagnostics().size(), 1U);
  EXPECT_EQ(directory.diagnostics()[0].code, errc::definition_io);
  EXPECT_THROW((void)directory.value(), qscore::error);
}

TEST(load_definition, SyntaxErrorIsD001WithParserPosition) {
  const auto loaded = load_definition_from_string("id: t\nscales: [a, b\n", "syntax.yaml");
  ASSERT_EQ(loaded.diagnostics().size(), 1U);
  const diagnostic& d = loaded.diagnostics()[0];
  EXPECT_EQ(d.code, errc::yaml_syntax);
  EXPECT_TRUE(d.where.known());
  EXPECT_EQ(d.where.file, "syntax.yaml");
}

// yaml-cpp 0.7's LoadAll loops forever, allocating, on a document that starts with a stray ','
// (jbeder/yaml-cpp#1040); the loader must not use it, and reports a syntax error instead.
TEST(load_definition, StrayCommaIsASyntaxErrorNotAnEndlessLoop) {
  // ("&a ," is refused for its anchor first: D012, see yaml_guard_test.cpp.)
  for (const char* input : {",", ", # x", ",\nid: x\n", "id: t\n---\n,\n"}) {
    const auto loaded = load_definition_from_string(input, "comma.yaml");
    ASSERT_FALSE(loaded) << input;
    bool syntax = false;
    for (const auto& d : loaded.diagnostics()) syntax = syntax || d.code == errc::yaml_syntax;
    EXPECT_TRUE(syntax) << input << "\n" << all_diagnostics(loaded.diagnostics());
  }
  const auto comma = load_definition_from_string(",", "comma.yaml");
  ASSERT_EQ(comma.diagnostics().size(), 1U);
  EXPECT_EQ(comma.diagnostics()[0].to_string(), "comma.yaml:1:1: error[D001] invalid YAML: unexpected token");
}

// No input may crash the loader or make it throw.
TEST(load_definition, HostileInputNeverThrows) {
  const std::vector<std::string> inputs = {
      "",
      "\n\n",
      "---\n...\n",
      "~",
      "[]",
      "{}",
      "- a\n- b\n",
      "a: &a [*a]\n",
      "&a {id: *a, scales: *a, items: *a, groups: *a}\n",
      "id: &x [1, 2]\nscales: *x\nitems: *x\ngroups: *x\n",
      "id: t\nscales: *undefined\n",
      "{",
      "]",
      "id: \"\\xZZ\"\n",
      "? [a, b]\n: c\n",
      "? {a: 1}\n: c\nid: t\n",
      "id: t\nitems:\n  - ? x\n",
      std::string("id: t\0x: 1\n", 11),
      "\xFF\xFE" "a\0:\0 \0b\0",
      "\xEF\xBB\xBF",
      "id: t\nscales: [{id: s, numeric: {min: -2147483648, max: 2147483647}}]\nitems: [{id: q, scale: s}]\n"
      "groups: [{id: g, share: 1}]\n",
      "id: t\nscales: [{id: s, numeric: 5, options: 5}]\nitems: [{id: q, scale: s, reverse: true}]\n",
      std::string(3000, '[') + std::string(3000, ']'),
      std::string(3000, '{') + std::string(3000, '}'),
      "%YAML 9.9\n---\nid: t\n",
      "!!binary x: y\n",
      "id: t\n---\n---\n",
  };
  for (const auto& input : inputs) {
    EXPECT_NO_THROW({
      const auto loaded = load_definition_from_string(input, "hostile.yaml");
      if (!loaded) {
        EXPECT_FALSE(loaded.diagnostics().empty()) << input;
      }
      for (const auto& d : loaded.diagnostics()) (void)d.to_string();
    }) << input;
  }
}

}  // namespace

namespace {

using namespace qscore;

TEST(load_definition, StatisticsSectionAndStratumColumn) {
  const auto loaded = load_definition_from_string(
      minimal("", "",
              "columns: {stratum: region, weight: w}\n"
              "statistics:\n"
              "  reliability: listwise\n"
              "  reliability_by_group: true\n"
              "  population: [{stratum: north, size: 1200}, {stratum: south, size: 800.5}]\n"
              "  rank_replicates: 250\n"
              "  rank_seed: 99\n"),
      "stats.yaml");
  ASSERT_TRUE(loaded) << all_diagnostics(loaded.diagnostics());
  const instrument& def = loaded->definition;
  EXPECT_EQ(def.columns.stratum, "region");
  ASSERT_TRUE(def.statistics.reliability.has_value());
  EXPECT_EQ(*def.statistics.reliability, missing_rule::listwise);
  EXPECT_TRUE(def.statistics.reliability_by_group);
  ASSERT_EQ(def.statistics.population.size(), 2U);
  EXPECT_EQ(def.statistics.population[1].stratum, "south");
  EXPECT_EQ(def.statistics.population[1].size, 800.5);
  EXPECT_EQ(def.statistics.rank_replicates, 250);
  EXPECT_EQ(def.statistics.rank_seed, 99U);
  // Defaults: no reliability, 1000 replicates.
  const auto plain = load_definition_from_string(minimal(), "plain.yaml");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->definition.statistics.reliability.has_value());
  EXPECT_EQ(plain->definition.statistics.rank_replicates, 1000);
}

TEST(load_definition, StatisticsMistakesAreReported) {
  const auto check = [](const std::string& top, const std::string& ids) {
    const auto loaded = load_definition_from_string(minimal("", "", top), "bad.yaml");
    EXPECT_FALSE(loaded) << top;
    EXPECT_EQ(ids_of(loaded.diagnostics()), ids) << top << all_diagnostics(loaded.diagnostics());
  };
  check("statistics: {reliability: casewise}\n", "D026");
  check("statistics: {bootstrap: 5}\n", "D002");
  check("statistics: {rank_replicates: -1}\n", "D006");
  check("statistics: {population: [{stratum: nowhere, size: 10}]}\n", "D021");  // groups are the strata
  check("columns: {stratum: region}\nstatistics: {population: [{stratum: a, size: 0}]}\n", "D026");
  check("columns: {stratum: region}\nstatistics: {population: [{stratum: a, size: 5}, {stratum: a, size: 6}]}\n",
        "D020");
  check("columns: {stratum: group}\n", "D031");  // the stratum column is the group column
}

}  // namespace
