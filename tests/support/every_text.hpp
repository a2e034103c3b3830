// Every text of 1 to max_length bytes over an alphabet, for exhaustive tests of short-text
// parsers (weights, numeric ids). f(text) returns false to stop early (a fatal failure).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace qscore::test {

template <class F>
void for_every_text(std::string_view alphabet, std::size_t max_length, F f) {
  std::string text;
  for (std::size_t length = 1; length <= max_length; ++length) {
    std::size_t total = 1;
    for (std::size_t i = 0; i < length; ++i) total *= alphabet.size();
    text.assign(length, alphabet.front());
    for (std::size_t n = 0; n < total; ++n) {
      for (std::size_t i = 0, rest = n; i < length; ++i, rest /= alphabet.size()) text[i] = alphabet[rest % alphabet.size()];
      if (!f(std::string_view(text))) return;
    }
  }
}

}  // namespace qscore::test
