# R data.table peer: fread + grouped aggregation, computing the unit totals of the bench pool.
# Usage: Rscript datatable_job.R POOL.csv OUT.csv [THREADS]   (THREADS defaults to 2)
# Writes "unit,total" lines, sorted by unit. See README.md in this folder for the job.
suppressPackageStartupMessages(library(data.table))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 2) stop("usage: Rscript datatable_job.R POOL.csv OUT.csv [THREADS]")
threads <- if (length(args) >= 3) as.integer(args[3]) else 2L
setDTthreads(threads)

# The job, as in bench/pool.yaml: 30 items q01..q30 with weights 1 + (j mod 3); codes 1, 2, 3 earn
# 100, 80, 0 points; 4 (don't know) and blanks are not answered; a ballot answering fewer than
# 0.5 x 30 = 15 items is void; nine groups with these shares; the survey is worth 80 points.
K <- 30L
items <- sprintf("q%02d", seq_len(K))
item_weights <- 1 + (seq_len(K) %% 3)
min_answered <- 0.5 * K
shares <- data.table(group = paste0("g", 1:9), share = c(0.15, 0.15, 0.12, 0.12, 0.1, 0.1, 0.08, 0.1, 0.08))
survey_points <- 80
points_by_code <- c(100, 80, 0, 0, 0)    # codes 1..4, then 5 for a blank
answered_by_code <- c(TRUE, TRUE, TRUE, FALSE, FALSE)

dt <- fread(args[1], select = c("group", "unit", "weight", items),
            colClasses = c(group = "character", unit = "character", weight = "numeric",
                           setNames(rep("integer", K), items)),
            na.strings = "", nThread = threads, showProgress = FALSE)

# Respondent sums, item by item; a blank (NA) becomes code 5: no points, not answered.
num <- numeric(nrow(dt)); den <- numeric(nrow(dt)); n <- integer(nrow(dt))
for (j in seq_len(K)) {
  code <- nafill(dt[[items[j]]], fill = 5L)
  a <- answered_by_code[code]
  num <- num + item_weights[j] * points_by_code[code]
  den <- den + item_weights[j] * a
  n <- n + a
}
ballots <- data.table(unit = dt$unit, group = dt$group, v = dt$weight, num = num, den = den, n = n)
rm(dt)

means <- ballots[n > 0 & n >= min_answered, .(m = sum(v * (num / den)) / sum(v)), by = .(unit, group)]
means <- shares[means, on = "group"]
totals <- means[, .(total = survey_points * (sum(share * m) / sum(share)) / 100), by = unit]  # shares renormalised over groups present
setorder(totals, unit)
fwrite(totals, args[2], col.names = FALSE, dec = ".", sep = ",")
