# Reference values for qscore's design-based standard errors, from R's survey package on its own
# `api` data (the stratified sample apistrat: strata stype, weights pw, population sizes fpc).
#
# Run from the repository root:  Rscript tests/reference/survey/make_api.R
# Writes tests/reference/survey/apistrat.csv (the data) and api_expected.csv (the estimates).
# CI does not run R: the CSV files are committed, and tests/unit/reference_survey_test.cpp reads them.
suppressPackageStartupMessages(library(survey))
data(api)
out_dir <- "tests/reference/survey"
stamp <- sprintf("# made by tests/reference/survey/make_api.R with %s, survey %s",
                 R.version.string, packageVersion("survey"))
num <- function(x) sprintf("%.17g", x)

d <- apistrat[, c("snum", "stype", "awards", "pw", "fpc", "api00")]
con <- file(file.path(out_dir, "apistrat.csv"), "w")  # data only: provenance in ../README.md
writeLines("snum,stype,awards,pw,fpc,api00", con)
writeLines(paste(d$snum, d$stype, d$awards, num(d$pw), num(d$fpc), d$api00, sep = ","), con)
close(con)

rows <- list()
add <- function(estimate, domain, fpc, mean, se) {
  rows[[length(rows) + 1]] <<- data.frame(estimate = estimate, domain = domain, fpc = fpc,
                                          mean = num(mean), se = num(se))
}
designs <- list(
  no = svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat),
  yes = svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat))
for (f in names(designs)) {
  des <- designs[[f]]
  # The weighted mean over the whole sample.
  m <- svymean(~api00, des)
  add("svymean", "all", f, coef(m), SE(m))
  # Domain means: by stratum (domains = strata) and by awards (domains cut across strata).
  for (by in c("stype", "awards")) {
    b <- svyby(~api00, as.formula(paste0("~", by)), des, svymean, covmat = TRUE)
    for (i in seq_len(nrow(b))) add(paste0("svyby_", by), as.character(b[[by]][i]), f, coef(b)[i], SE(b)[i])
    if (by == "awards") {
      # A fixed-share combination of domain means, as qscore's unit score: 0.7 No + 0.3 Yes.
      cc <- svycontrast(b, c(No = 0.7, Yes = 0.3))
      add("contrast_awards_0.7_0.3", "all", f, coef(cc), SE(cc))
    }
  }
}
res <- do.call(rbind, rows)
con <- file(file.path(out_dir, "api_expected.csv"), "w")
writeLines(stamp, con)
writeLines("estimate,domain,fpc,mean,se", con)
writeLines(paste(res$estimate, res$domain, res$fpc, res$mean, res$se, sep = ","), con)
close(con)
