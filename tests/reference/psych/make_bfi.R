# Reference values for qscore's reliability analysis and scale scores, from R's psych package on
# the bfi data it ships (2800 respondents, 25 six-point personality items in five scales, with
# reverse-keyed items A1, C4, C5, E1, E2, O2, O5 as in psych's bfi.keys, and missing answers).
#
# Run from the repository root:  Rscript tests/reference/psych/make_bfi.R
# Writes, under tests/reference/psych/:
#   bfi.csv          (no comment line: qscore reads it as a responses file) the items, gender (1 = male, 2 = female) as the respondent group, blank = NA
#   bfi_scores.csv   scoreItems(bfi.keys, impute = "none")$scores: mean of the keyed items answered
#   bfi_alpha.csv    alpha(keys = ...) per scale (and over all 25 items), all respondents and per
#                    gender, with use = "pairwise" and use = "complete.obs" (listwise): raw and
#                    standardised alpha, and per item r.drop (item-rest r) and alpha if dropped
#   bfi_items.csv    per keyed item: n, mean, sd, and quantiles (type 7)
# CI does not run R: the CSV files are committed; tests/unit/reference_psych_test.cpp reads them.
suppressPackageStartupMessages(library(psych))
data(bfi)
out_dir <- "tests/reference/psych"
stamp <- sprintf("# made by tests/reference/psych/make_bfi.R with %s, psych %s",
                 R.version.string, packageVersion("psych"))
num <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))
write_csv <- function(df, name, with_stamp = TRUE) {
  con <- file(file.path(out_dir, name), "w")
  if (with_stamp) writeLines(stamp, con)
  writeLines(paste(colnames(df), collapse = ","), con)
  cells <- lapply(df, function(col) if (is.numeric(col)) num(col) else as.character(col))
  writeLines(do.call(paste, c(cells, sep = ",")), con)
  close(con)
}

items <- colnames(bfi)[1:25]
data_out <- data.frame(id = seq_len(nrow(bfi)), gender = bfi$gender, unit = "bfi")
for (it in items) data_out[[it]] <- ifelse(is.na(bfi[[it]]), "", as.character(bfi[[it]]))
write_csv(data_out, "bfi.csv", with_stamp = FALSE)  # qscore reads it: no comment line

scales <- list(A = bfi.keys$agree, C = bfi.keys$conscientious, E = bfi.keys$extraversion,
               N = bfi.keys$neuroticism, O = bfi.keys$openness)
scales$all <- unlist(scales, use.names = FALSE)
keyed <- unlist(scales$all)
reversed <- sub("-", "", keyed[startsWith(keyed, "-")])

keys <- make.keys(bfi[, items], scales[c("A", "C", "E", "N", "O")])
sc <- scoreItems(keys, bfi[, items], impute = "none")
scores <- data.frame(id = seq_len(nrow(bfi)), sc$scores)
write_csv(scores, "bfi_scores.csv")

rows <- list()
for (s in names(scales)) {
  cols <- sub("-", "", scales[[s]])
  rev <- cols[cols %in% reversed]
  for (g in c("all", "1", "2")) {
    x <- if (g == "all") bfi[, cols] else bfi[bfi$gender == as.integer(g), cols]
    for (use in c("pairwise", "complete.obs")) {
      a <- alpha(x, keys = rev, use = use, warnings = FALSE)
      n <- if (use == "complete.obs") sum(complete.cases(x)) else sum(rowSums(!is.na(x)) > 0)
      rows[[length(rows) + 1]] <- data.frame(
        scale = s, group = g, missing = ifelse(use == "pairwise", "pairwise", "listwise"),
        item = "", n = n, raw_alpha = a$total$raw_alpha, std_alpha = a$total$std.alpha,
        r_drop = NA, alpha_if_dropped = NA, std_alpha_if_dropped = NA)
      for (i in seq_along(cols))
        rows[[length(rows) + 1]] <- data.frame(
          scale = s, group = g, missing = ifelse(use == "pairwise", "pairwise", "listwise"),
          item = cols[i], n = n, raw_alpha = NA, std_alpha = NA,
          r_drop = a$item.stats$r.drop[i], alpha_if_dropped = a$alpha.drop$raw_alpha[i],
          std_alpha_if_dropped = a$alpha.drop$std.alpha[i])
    }
  }
}
write_csv(do.call(rbind, rows), "bfi_alpha.csv")

item_rows <- list()
for (it in items) {
  x <- bfi[[it]]
  if (it %in% reversed) x <- 7 - x
  x <- x[!is.na(x)]
  q <- quantile(x, c(0.25, 0.5, 0.75), type = 7)
  item_rows[[length(item_rows) + 1]] <- data.frame(
    item = it, n = length(x), mean = mean(x), sd = sd(x), min = min(x), q1 = q[[1]],
    median = q[[2]], q3 = q[[3]], max = max(x))
}
write_csv(do.call(rbind, item_rows), "bfi_items.csv")
