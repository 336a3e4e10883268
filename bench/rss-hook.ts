/**
 * Loaded with `node --import` into every benchmark process: on exit it reports the process's peak
 * resident set size (getrusage maxrss, all threads) on stderr, where the runner reads it.
 */
process.on('exit', () => {
  process.stderr.write(`\nBENCH_MAXRSS_KB=${process.resourceUsage().maxRSS}\n`);
});
