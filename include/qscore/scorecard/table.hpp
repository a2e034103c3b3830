// A small CSV reader for the scorecard's input files (a few rows per unit): the whole text at
// once, RFC 4180 quoting, LF or CRLF, a UTF-8 byte order mark dropped, each field remembered with
// the line and column (in characters) where it starts so that a bad value can be pointed at.
// The responses file has its own streaming reader (data/csv_reader.hpp); these files are tiny.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qscore/core/diagnostic.hpp"
#include "qscore/detail/utf8.hpp"

namespace qscore::scorecard_detail {

struct table_field {
  std::string text;         // unquoted, surrounding blanks of an unquoted field trimmed
  std::int64_t line = 0;    // 1-based
  std::int64_t column = 0;  // 1-based, in characters
};

struct table_row {
  std::int64_t line = 0;  // where the row starts
  std::vector<table_field> fields;
};

struct table {
  std::string file;
  table_row header;
  std::vector<table_row> rows;  // blank lines are not rows

  // Index of a header column, or none.
  [[nodiscard]] std::optional<std::size_t> column(std::string_view name) const {
    for (std::size_t i = 0; i < header.fields.size(); ++i)
      if (header.fields[i].text == name) return i;
    return std::nullopt;
  }
};

inline diagnostic input_problem(errc code, const std::string& file, std::int64_t line, std::int64_t column,
                                std::string message) {
  diagnostic d;
  d.code = code;
  d.message = std::move(message);
  d.where = source_location{file, line, column};
  return d;
}

// Reads the whole text. Fails (F111) on text that is not UTF-8 or has no header line, and
// (F115) on a quoted field that never closes.
[[nodiscard]] inline result<table> read_table(std::string_view text, const std::string& file) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  if (text.size() >= 2 && ((byte(0) == 0xFF && byte(1) == 0xFE) || (byte(0) == 0xFE && byte(1) == 0xFF) ||
                           byte(0) == 0 || byte(1) == 0))
    return std::vector<diagnostic>{input_problem(errc::input_io, file, 1, 1,
                                                 "the file is not UTF-8 text (it looks like UTF-16 or UTF-32); "
                                                 "save it as UTF-8")};
  if (text.size() >= 3 && byte(0) == 0xEF && byte(1) == 0xBB && byte(2) == 0xBF) text.remove_prefix(3);
  if (std::size_t bad = 0; !detail::valid_utf8(text, bad)) {
    std::int64_t line = 1, column = 1;
    for (std::size_t i = 0; i < bad; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else if ((static_cast<unsigned char>(text[i]) & 0xC0U) != 0x80) {
        ++column;
      }
    }
    return std::vector<diagnostic>{input_problem(errc::input_io, file, line, column,
                                                 "the file is not valid UTF-8 (a bad byte sequence here); "
                                                 "save it as UTF-8")};
  }

  std::vector<table_row> rows;
  std::int64_t line = 1;
  std::int64_t column = 1;
  std::size_t i = 0;
  const auto advance = [&](char c) {
    if (c == '\n') { ++line; column = 1; }
    else if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80) ++column;
  };
  while (i < text.size()) {
    table_row row;
    row.line = line;
    bool end_of_row = false;
    while (!end_of_row) {
      table_field field;
      // Leading blanks of an unquoted field are not part of it.
      while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) advance(text[i++]);
      field.line = line;
      field.column = column;
      if (i < text.size() && text[i] == '"') {
        const std::int64_t open_line = line, open_column = column;
        advance(text[i++]);
        bool closed = false;
        while (i < text.size()) {
          if (text[i] == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') {
              field.text += '"';
              advance(text[i++]);
              advance(text[i++]);
              continue;
            }
            advance(text[i++]);
            closed = true;
            break;
          }
          field.text += text[i];
          advance(text[i++]);
        }
        if (!closed)
          return std::vector<diagnostic>{input_problem(errc::input_value, file, open_line, open_column,
                                                       "a quoted field that never closes (expected a closing '\"')")};
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) advance(text[i++]);
        if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
          return std::vector<diagnostic>{input_problem(errc::input_value, file, line, column,
                                                       "text after a closing quote (expected ',' or the end of the line)")};
      } else {
        while (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
          field.text += text[i];
          advance(text[i++]);
        }
        while (!field.text.empty() && (field.text.back() == ' ' || field.text.back() == '\t')) field.text.pop_back();
      }
      row.fields.push_back(std::move(field));
      if (i >= text.size()) {
        end_of_row = true;
      } else if (text[i] == ',') {
        advance(text[i++]);
      } else {  // \r\n, \n or a lone \r
        if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
        ++i;
        ++line;
        column = 1;
        end_of_row = true;
      }
    }
    const bool blank = row.fields.size() == 1 && row.fields.front().text.empty();
    if (!blank) rows.push_back(std::move(row));
  }
  if (rows.empty())
    return std::vector<diagnostic>{input_problem(errc::input_io, file, 0, 0, "the file is empty, expected a header line")};
  table out;
  out.file = file;
  out.header = std::move(rows.front());
  out.rows.assign(std::make_move_iterator(rows.begin() + 1), std::make_move_iterator(rows.end()));
  return out;
}

}  // namespace qscore::scorecard_detail
