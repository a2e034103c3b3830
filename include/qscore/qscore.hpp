// Everything: include this, or the one header per stage that you need.
#pragma once

#include "qscore/core/diagnostic.hpp"
#include "qscore/core/label.hpp"
#include "qscore/data/batch_builder.hpp"
#include "qscore/data/csv_reader.hpp"
#include "qscore/data/response_batch.hpp"
#include "qscore/definition/load.hpp"
#include "qscore/model/check.hpp"
#include "qscore/model/instrument.hpp"
#include "qscore/pipeline.hpp"
#include "qscore/plan/scoring_plan.hpp"
#include "qscore/report/finalize.hpp"
#include "qscore/report/report.hpp"
#include "qscore/score/scorer.hpp"
#include "qscore/tally/compensated_sum.hpp"
#include "qscore/tally/tally.hpp"
#include "qscore/version.hpp"
