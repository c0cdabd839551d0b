// Preloaded into a benchmarked child process (`node --import THIS …`): on exit it writes the
// process's peak resident set size to stderr, where the benchmark reads it.
process.on('exit', () => {
  process.stderr.write(`\nbench-peak-rss-kb ${process.resourceUsage().maxRSS}\n`);
});
