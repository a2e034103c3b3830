// Looking things up in a JSON report that a test read back.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace qscore::cli_testing {

// The report's unit with this id; a test failure (and a null value) when there is none.
inline const nlohmann::json& report_unit(const nlohmann::json& doc, const std::string& id) {
  for (const auto& u : doc["units"])
    if (u["id"] == id) return u;
  static const nlohmann::json none;
  ADD_FAILURE() << "no unit " << id;
  return none;
}

}  // namespace qscore::cli_testing
