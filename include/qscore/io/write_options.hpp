// Options shared by the report writers (write_json, write_csv, write_text).
//
// Writers take a finished report and an output stream; they never open files, never print
// anywhere else, and give the same bytes for equal reports.
#pragma once

#include <cstddef>
#include <optional>

namespace qscore {

struct write_options {
  // Digits after the decimal point for non-integer numbers in CSV and text output.
  //   CSV:  none (the default) writes every number in its shortest round-trip form (it reads back
  //         as the very same double); a value writes fixed-point numbers with that many digits.
  //   Text: none (the default) uses the report's ranking decimals, or 2 when it has none, for
  //         totals, scores and means; percentages always show one digit.
  // JSON ignores this: it always writes numbers in their shortest round-trip form.
  std::optional<int> decimals;

  // JSON: spaces per indentation level; a negative value writes everything on one line.
  int json_indent = 2;

  // JSON: threads that lay out the units' JSON (0 = every core). The bytes are the same for
  // any count: each unit's text is made on some thread and written in unit order. Worth it for
  // reports of many units, where laying out the JSON is most of a run.
  unsigned threads = 1;

  // CSV: start the file with a UTF-8 byte order mark (some spreadsheet programs need it to read
  // UTF-8 labels correctly). Off by default.
  bool csv_bom = false;

  // Text: labels wider than this many terminal columns are cut and end in "..."; 0 = never cut.
  std::size_t max_label_width = 40;

  // Text: include the per-unit detail (groups, dimensions, items) after the ranking table.
  bool text_details = true;
};

}  // namespace qscore
