# How many digits R gets on the NIST StRD univariate data sets: the bar qscore must meet on
# NumAcc3 and NumAcc4 ("no worse than R").
#
# Run from the repository root:  Rscript tests/reference/nist/make_nist_r.R [DATA_DIR]
# DATA_DIR defaults to tests/reference/nist (the data sets and certified_values.csv, copied
# unchanged from NIST StRD; see ../README.md).
# Writes tests/reference/nist/r_digits.csv: per data set, R's mean() and sd() as computed and
# their log relative error LRE = -log10(|x - c| / |c|) against the certified value c (capped at
# 15, as NIST does; exact agreement counts as 15).
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args) > 0) args[1] else "tests/reference/nist"
cert <- read.csv(file.path(dir, "certified_values.csv"), colClasses = c("character", "integer",
                 "character", "character", "character", "character"))
lre <- function(x, c) {
  if (x == c) return(15)
  min(15, -log10(abs(x - c) / abs(c)))
}
rows <- lapply(seq_len(nrow(cert)), function(i) {
  y <- read.csv(file.path(dir, paste0(cert$dataset[i], ".csv")))$y
  m <- mean(y)
  s <- sd(y)
  data.frame(dataset = cert$dataset[i], n = length(y), r_mean = sprintf("%.17g", m),
             r_sd = sprintf("%.17g", s),
             r_mean_lre = sprintf("%.4f", lre(m, as.numeric(cert$certified_mean[i]))),
             r_sd_lre = sprintf("%.4f", lre(s, as.numeric(cert$certified_sd[i]))))
})
res <- do.call(rbind, rows)
con <- file("tests/reference/nist/r_digits.csv", "w")
writeLines(sprintf("# made by tests/reference/nist/make_nist_r.R with %s", R.version.string), con)
writeLines(paste(colnames(res), collapse = ","), con)
writeLines(do.call(paste, c(res, sep = ",")), con)
close(con)
