# The reference for the EWS benchmark: surveillance::farringtonFlexible with Noufaily settings on
# every series of a batch file, monitoring the last M weeks. usage: Rscript ews_baseline.R FILE M OUT
suppressMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1]); m <- as.integer(args[2])
out <- file(args[3], "w")
writeLines("series,t,observed,upperbound,alarm", out)
for (s in unique(d$series)) {
  y <- d$observed[d$series == s]
  n <- length(y)
  ctrl <- list(range = (n - m + 1):n, b = 5, w = 3, reweight = TRUE, weightsThreshold = 2.58, pThresholdTrend = 1,
               noPeriods = 10, pastWeeksNotIncluded = 26, thresholdMethod = "nbPlugin", alpha = 0.05)
  r <- suppressWarnings(farringtonFlexible(sts(observed = y, frequency = 52), control = ctrl))
  u <- r@upperbound[, 1]; a <- r@alarm[, 1]
  writeLines(paste(s, ctrl$range, y[ctrl$range], ifelse(is.na(u), "NA", sprintf("%.17g", u)),
                   ifelse(is.na(a), "NA", ifelse(a, "1", "0")), sep = ","), out)
}
close(out)
