// Reading a qscore JSON report back (see include/qscore/io/read_report.hpp for the contract).
//
// nlohmann/json parses the text (the same library write_json writes it with; Boost 1.74 has no
// Boost.JSON). The walk below checks each field it needs and records every problem, with the
// JSON path of the field, instead of stopping at the first: a user fixing a hand-edited report
// sees them all (up to max_errors).
#include "qscore/io/read_report.hpp"

#include <cmath>
#include <cstddef>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace qscore {
namespace {

using json = nlohmann::json;

// More problems than this in one report are not listed one by one.
constexpr std::size_t max_errors = 20;

// A short, printable rendering of a JSON value for messages: at most about 40 bytes.
std::string shown(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return text;
}

class walker {
 public:
  explicit walker(std::string file) : file_(std::move(file)) {}

  void fail(errc code, const std::string& path, std::string message) {
    if (errors_.size() > max_errors) return;
    diagnostic d;
    d.code = code;
    d.where.file = file_;
    d.path = path;
    d.message = errors_.size() == max_errors ? "more problems follow; fix these first" : std::move(message);
    errors_.push_back(std::move(d));
  }

  [[nodiscard]] std::vector<diagnostic> take_errors() { return std::move(errors_); }
  [[nodiscard]] bool failed() const { return !errors_.empty(); }

  // The member `key` of `object`, or null when it is absent (after recording the absence when
  // it is required).
  const json* member(const json& object, const std::string& path, const char* key, bool required,
                     const char* expected) {
    const auto it = object.find(key);
    if (it == object.end()) {
      if (required) fail(errc::report_field, path + "/" + key, std::string("missing field '") + key + "' (expected " + expected + ")");
      return nullptr;
    }
    return &*it;
  }

  void wrong(const json& value, const std::string& path, const char* expected) {
    fail(errc::report_field, path, "found " + shown(value) + ", expected " + expected);
  }

  std::string text(const json& object, const std::string& path, const char* key, bool required = true,
                   bool nullable = false) {
    const char* expected = nullable ? "a string or null" : "a string";
    const json* v = member(object, path, key, required, expected);
    if (v == nullptr || (nullable && v->is_null())) return {};
    if (!v->is_string()) {
      wrong(*v, path + "/" + key, expected);
      return {};
    }
    return v->get<std::string>();
  }

  std::optional<double> number(const json& object, const std::string& path, const char* key,
                               bool required = true) {
    const json* v = member(object, path, key, required, "a number or null");
    if (v == nullptr || v->is_null()) return std::nullopt;
    if (!v->is_number() || !std::isfinite(v->get<double>())) {
      wrong(*v, path + "/" + key, "a number or null");
      return std::nullopt;
    }
    return v->get<double>();
  }

  double required_number(const json& object, const std::string& path, const char* key) {
    const json* v = member(object, path, key, true, "a number");
    if (v == nullptr) return 0.0;
    if (!v->is_number() || !std::isfinite(v->get<double>())) {
      wrong(*v, path + "/" + key, "a number");
      return 0.0;
    }
    return v->get<double>();
  }

  // A rank: an integer from 1 up, or null.
  std::optional<int> rank(const json& object, const std::string& path, const char* key) {
    const json* v = member(object, path, key, true, "an integer >= 1 or null");
    if (v == nullptr || v->is_null()) return std::nullopt;
    if (v->is_number_unsigned() && v->get<std::uint64_t>() >= 1 &&
        v->get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<int>::max()))
      return static_cast<int>(v->get<std::uint64_t>());
    if (v->is_number_integer() && v->get<std::int64_t>() >= 1 &&
        v->get<std::int64_t>() <= std::numeric_limits<int>::max())
      return static_cast<int>(v->get<std::int64_t>());
    wrong(*v, path + "/" + key, "an integer >= 1 or null");
    return std::nullopt;
  }

  std::int64_t count(const json& object, const std::string& path, const char* key) {
    const json* v = member(object, path, key, true, "an integer >= 0");
    if (v == nullptr) return 0;
    if (v->is_number_unsigned() && v->get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return static_cast<std::int64_t>(v->get<std::uint64_t>());
    if (v->is_number_integer() && v->get<std::int64_t>() >= 0) return v->get<std::int64_t>();
    wrong(*v, path + "/" + key, "an integer >= 0");
    return 0;
  }

  bool boolean(const json& object, const std::string& path, const char* key, bool required) {
    const json* v = member(object, path, key, required, "true or false");
    if (v == nullptr || (!required && v->is_null())) return false;
    if (!v->is_boolean()) {
      wrong(*v, path + "/" + key, "true or false");
      return false;
    }
    return v->get<bool>();
  }

  // The array `key` of `object` (an empty one when absent and optional, or of the wrong type).
  const json& array(const json& object, const std::string& path, const char* key, bool required = true) {
    static const json empty = json::array();
    const json* v = member(object, path, key, required, "an array");
    if (v == nullptr || (!required && v->is_null())) return empty;
    if (!v->is_array()) {
      wrong(*v, path + "/" + key, "an array");
      return empty;
    }
    return *v;
  }

  // Each element of `list` must be an object; returns false (after recording it) otherwise.
  bool is_object(const json& element, const std::string& path) {
    if (element.is_object()) return true;
    wrong(element, path, "an object");
    return false;
  }

  // Ids must be unique within one list: the second occurrence is an error naming the first.
  void unique(std::map<std::string, std::string>& seen, const std::string& id, const std::string& path,
              const char* what) {
    const auto [it, inserted] = seen.emplace(id, path);
    if (!inserted) fail(errc::report_field, path + "/id", std::string(what) + " id '" + id + "' appears twice (first at " + it->second + ")");
  }

 private:
  std::string file_;
  std::vector<diagnostic> errors_;
};

// `"suppressed": true` on an object means its numbers are not published, whatever they say.
bool suppressed(walker& w, const json& object, const std::string& path) {
  return w.boolean(object, path, "suppressed", false);
}

snapshot_unit read_unit(walker& w, const json& u, const std::string& path) {
  snapshot_unit out;
  out.id = w.text(u, path, "id");
  out.label = w.text(u, path, "label");
  out.rank = w.rank(u, path, "rank");
  out.not_ranked_reason = w.text(u, path, "not_ranked_reason", true, true);
  out.total = w.number(u, path, "total");
  out.score = w.number(u, path, "score");
  out.valid = w.count(u, path, "valid");

  std::map<std::string, std::string> seen;
  const json& groups = w.array(u, path, "groups");
  for (std::size_t i = 0; i < groups.size(); ++i) {
    const std::string p = path + "/groups/" + std::to_string(i);
    if (!w.is_object(groups[i], p)) continue;
    snapshot_group g;
    g.id = w.text(groups[i], p, "id");
    g.label = w.text(groups[i], p, "label");
    g.n = w.count(groups[i], p, "n");
    g.mean = w.number(groups[i], p, "mean");
    g.share_used = w.number(groups[i], p, "share_used", false);
    if (suppressed(w, groups[i], p)) g.mean.reset();
    w.unique(seen, g.id, p, "group");
    out.groups.push_back(std::move(g));
  }
  seen.clear();
  const json& dimensions = w.array(u, path, "dimensions");
  for (std::size_t i = 0; i < dimensions.size(); ++i) {
    const std::string p = path + "/dimensions/" + std::to_string(i);
    if (!w.is_object(dimensions[i], p)) continue;
    snapshot_dimension d;
    d.id = w.text(dimensions[i], p, "id");
    d.label = w.text(dimensions[i], p, "label");
    d.score = w.number(dimensions[i], p, "score");
    if (suppressed(w, dimensions[i], p)) d.score.reset();
    w.unique(seen, d.id, p, "dimension");
    out.dimensions.push_back(std::move(d));
  }
  seen.clear();
  const json& items = w.array(u, path, "items");
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string p = path + "/items/" + std::to_string(i);
    if (!w.is_object(items[i], p)) continue;
    snapshot_item item;
    item.id = w.text(items[i], p, "id");
    item.label = w.text(items[i], p, "label");
    item.mean_points = w.number(items[i], p, "mean_points");
    item.satisfaction_rate = w.number(items[i], p, "satisfaction_rate");
    if (suppressed(w, items[i], p)) {
      item.mean_points.reset();
      item.satisfaction_rate.reset();
    }
    w.unique(seen, item.id, p, "item");
    out.items.push_back(std::move(item));
  }
  return out;
}

// The composite scorecard, in the shape its writer documents (README, "JSON report").
snapshot_scorecard read_scorecard(walker& w, const json& sc, const std::string& path) {
  snapshot_scorecard out;
  out.points = w.required_number(sc, path, "points");
  const json& units = w.array(sc, path, "units");
  std::map<std::string, std::string> seen;
  for (std::size_t i = 0; i < units.size(); ++i) {
    const std::string p = path + "/units/" + std::to_string(i);
    if (!w.is_object(units[i], p)) continue;
    const json& u = units[i];
    snapshot_scorecard_unit su;
    su.id = w.text(u, p, "id");
    su.label = w.text(u, p, "label", false, true);
    su.total = w.number(u, p, "total");
    su.rank = w.rank(u, p, "rank");
    su.band = w.text(u, p, "band", false, true);
    su.vetoed = w.boolean(u, p, "vetoed", false);
    su.veto_reason = w.text(u, p, "veto_reason", false, true);
    su.not_ranked_reason = w.text(u, p, "not_ranked_reason", false, true);
    w.unique(seen, su.id, p, "scorecard unit");
    const json& components = w.array(u, p, "components", false);
    std::map<std::string, std::string> seen_components;
    for (std::size_t c = 0; c < components.size(); ++c) {
      const std::string cp = p + "/components/" + std::to_string(c);
      if (!w.is_object(components[c], cp)) continue;
      snapshot_component comp;
      comp.id = w.text(components[c], cp, "id");
      comp.label = w.text(components[c], cp, "label", false, true);
      comp.points = w.required_number(components[c], cp, "points");
      comp.value = w.number(components[c], cp, "value");
      w.unique(seen_components, comp.id, cp, "component");
      su.components.push_back(std::move(comp));
    }
    out.units.push_back(std::move(su));
  }
  return out;
}

// 1-based line and column of byte offset `offset` (0-based) in `text`.
std::pair<std::int64_t, std::int64_t> line_column(std::string_view text, std::size_t offset) {
  std::int64_t line = 1;
  std::int64_t column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

}  // namespace

result<report_snapshot> read_report_from_string(std::string_view json_text, std::string name) {
  json doc;
  try {
    doc = json::parse(json_text.begin(), json_text.end());
  } catch (const json::parse_error& e) {
    diagnostic d;
    d.code = errc::report_unreadable;
    d.where.file = name;
    // e.byte is the 1-based position of the byte where parsing stopped.
    const auto [line, column] = line_column(json_text, e.byte > 0 ? e.byte - 1 : 0);
    d.where.line = line;
    d.where.column = column;
    // nlohmann's text is "[json.exception.parse_error.101] parse error at line L, column C:
    // <what was wrong>"; keep what was wrong, the position is ours already.
    std::string detail = e.what();
    if (const auto at = detail.find(", column "); at != std::string::npos) {
      if (const auto colon = detail.find(": ", at); colon != std::string::npos) detail = detail.substr(colon + 2);
    }
    d.message = "not valid JSON (expected a qscore JSON report): " + detail;
    return std::vector<diagnostic>{std::move(d)};
  }

  walker w(name);
  if (!doc.is_object() || !doc.contains("qscore_version") || !doc.contains("questionnaire") ||
      !doc.contains("units")) {
    w.fail(errc::not_a_report, "",
           "not a qscore report: found " + shown(doc) +
               ", expected an object with \"qscore_version\", \"questionnaire\" and \"units\" "
               "(as written by qscore score --format json)");
    return w.take_errors();
  }

  report_snapshot s;
  s.source = name;
  s.qscore_version = w.text(doc, "", "qscore_version");
  const json& q = doc["questionnaire"];
  if (w.is_object(q, "/questionnaire")) {
    s.questionnaire_id = w.text(q, "/questionnaire", "id");
    s.questionnaire_version = w.text(q, "/questionnaire", "version", true, true);
    s.title = w.text(q, "/questionnaire", "title", false, true);
    s.language = w.text(q, "/questionnaire", "language", false, true);
    s.fingerprint = w.text(q, "/questionnaire", "fingerprint", false, true);
    s.points = w.required_number(q, "/questionnaire", "points");
  }
  const json& units = w.array(doc, "", "units");
  std::map<std::string, std::string> seen;
  for (std::size_t i = 0; i < units.size(); ++i) {
    const std::string p = "/units/" + std::to_string(i);
    if (!w.is_object(units[i], p)) continue;
    s.units.push_back(read_unit(w, units[i], p));
    w.unique(seen, s.units.back().id, p, "unit");
  }
  if (const auto it = doc.find("scorecard"); it != doc.end() && !it->is_null()) {
    if (w.is_object(*it, "/scorecard")) s.scorecard = read_scorecard(w, *it, "/scorecard");
  }
  if (w.failed()) return w.take_errors();
  return s;
}

result<report_snapshot> read_report(const std::filesystem::path& file) {
  const std::string name = file.string();
  const auto fail = [&](const std::string& message) {
    diagnostic d;
    d.code = errc::report_unreadable;
    d.where.file = name;
    d.message = message;
    return result<report_snapshot>(std::vector<diagnostic>{std::move(d)});
  };
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) return fail("cannot read the report: it is a directory");
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail("cannot open the report (expected a qscore JSON report file)");
  const auto size = std::filesystem::file_size(file, ec);
  if (!ec && size > max_report_bytes)
    return fail("the report is " + std::to_string(size) + " bytes, expected at most " + std::to_string(max_report_bytes));
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) return fail("cannot read the report (a read error)");
  return read_report_from_string(text, name);
}

}  // namespace qscore
