// Reading the reference fixtures under tests/reference/ (plain CSV made by R scripts: no commas
// inside fields, a field may be in double quotes; lines starting with '#' say which script made
// the file).
#pragma once

#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace qscore::fixtures {

struct csv_table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  [[nodiscard]] std::size_t column(const std::string& name) const {
    for (std::size_t c = 0; c < header.size(); ++c)
      if (header[c] == name) return c;
    throw std::runtime_error("no column " + name);
  }
  [[nodiscard]] const std::string& at(std::size_t row, const std::string& name) const { return rows[row][column(name)]; }
  // A number; none for "NA" or an empty cell.
  [[nodiscard]] std::optional<double> number(std::size_t row, const std::string& name) const {
    const std::string& text = at(row, name);
    if (text.empty() || text == "NA") return std::nullopt;
    double value = 0.0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) throw std::runtime_error("not a number: " + text);
    return value;
  }
};

inline std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, ',')) {
    // A field in double quotes (NIST's certified_values.csv) is taken without them.
    if (cell.size() >= 2 && cell.front() == '"' && cell.back() == '"') cell = cell.substr(1, cell.size() - 2);
    cells.push_back(cell);
  }
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

inline csv_table read_reference_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  csv_table table;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    if (table.header.empty()) table.header = split_csv_line(line);
    else table.rows.push_back(split_csv_line(line));
  }
  return table;
}

inline std::string reference_path(const std::string& relative) {
  return std::string(QSCORE_SOURCE_DIR) + "/tests/reference/" + relative;
}

// |got − expected| <= tolerance · |expected| (relative agreement).
inline bool agrees(double got, double expected, double tolerance) {
  return std::fabs(got - expected) <= tolerance * std::fabs(expected);
}

}  // namespace qscore::fixtures
