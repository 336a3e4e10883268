// The battery of CLI runs whose output test/golden/ pins (scripts/golden.mjs runs them).
// Each case: a name (the golden file's), the arguments, and optionally stdin, env, the files it
// writes under $T that belong to its output (`files`), and `setup`, run before it.
// `$T` in an argument is the run's temporary directory; `$ROOT` the repository.
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';

const S = 'samples/';
const NY = ['--tz', 'America/New_York'];
const DAY = ['--since', '2026-11-28', '--until', '2026-11-29'];
// The sample day ends 2026-11-29 04:59 UTC; states are read as if it were a little later.
const NOW = { PMTA_ACCT_NOW: String(Date.parse('2026-11-29T05:10:00Z') / 1000) };
const PARSE = [
  'bad-records',
  'bom-blank-short',
  'concatenated-case',
  'legacy-timeimprinted',
  'no-time-column',
  'pipe-restart',
  'quoting',
  'record-fields-timequeued',
  'time-forms',
  'union-header',
  'userguide-d-b-t',
  'userguide-encoding-epoch',
  'userguide-f',
  'userguide-r',
  'userguide-rb-wrapped',
  'userguide-rb',
  'userguide-tq',
];
const fx = (name) => `test/fixtures/parse/${name}.csv`;
const G = 'test/golden/inputs';

/** A live file with the sample day's first three files rotated beside it. */
function liveSamples(t) {
  const dir = `${t}/logs`;
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync('samples'))
    if (f.startsWith('acct-2026-11-28-000') && !f.endsWith('0003.csv')) copyFileSync(`samples/${f}`, `${dir}/${f}`);
  copyFileSync('samples/acct-2026-11-28-0003.csv', `${dir}/acct.csv`);
}

function liveV1(t) {
  const dir = `${t}/v1logs`;
  mkdirSync(dir, { recursive: true });
  const from = 'test/fixtures/state-v1/logs';
  for (const f of readdirSync(from)) copyFileSync(`${from}/${f}`, `${dir}/${f}`);
}

function v1State(t) {
  mkdirSync(`${t}/v1state`, { recursive: true });
  writeFileSync(`${t}/v1state/state.db`, gunzipSync(readFileSync('test/fixtures/state-v1/state.db.gz')));
}

export const CASES = [
  // report over the sample day, every format
  { name: 'report-table', args: ['report', S, '--format', 'table'] },
  { name: 'report-table-top5-no-color', args: ['report', S, '--format', 'table', '--top', '5', '--no-color'] },
  { name: 'report-json', args: ['report', S, '--format', 'json'] },
  { name: 'report-json-default-format', args: ['report', S] },
  { name: 'report-csv', args: ['report', S, '--format', 'csv', '--by', 'isp,ip'] },
  { name: 'report-md', args: ['report', S, '--format', 'md'] },
  { name: 'report-html', args: ['report', S, '--format', 'html'] },
  { name: 'report-prom', args: ['report', S, '--format', 'prom'] },
  { name: 'report-prom-day-ny', args: ['report', S, ...NY, ...DAY, '--format', 'prom', '--top', '1'] },
  // dimensions, buckets, zones, ranges
  {
    name: 'report-json-by-all',
    args: ['report', S, '--format', 'json', '--by', 'isp,ip,vmta,pool,job,domain,bounceCat,type', '--top', '30'],
  },
  { name: 'report-table-by-job', args: ['report', S, '--format', 'table', '--by', 'job'] },
  { name: 'report-table-by-domain-type', args: ['report', S, '--format', 'table', '--by', 'domain,type', '--top', '8'] },
  { name: 'report-json-1h-ny', args: ['report', S, '--format', 'json', '--by', 'isp', '--bucket', '1h', ...NY] },
  {
    name: 'report-json-1d-ny-range',
    args: [
      'report',
      S,
      '--format',
      'json',
      '--by',
      'isp',
      '--bucket',
      '1d',
      ...NY,
      '--top',
      '1',
      '--since',
      '2026-11-28 02:00',
      '--until',
      '2026-11-28 05:00',
    ],
  },
  { name: 'report-table-1d-kolkata', args: ['report', S, '--format', 'table', '--by', 'isp', '--bucket', '1d', '--tz', 'Asia/Kolkata'] },
  {
    name: 'report-csv-5m',
    args: ['report', S, '--format', 'csv', '--by', 'pool', '--bucket', '5m', '--since', '2026-11-28 07:00', '--until', '2026-11-28 08:00'],
  },
  { name: 'report-csv-15m', args: ['report', S, '--format', 'csv', '--by', 'isp', '--bucket', '15m', '--top', '3'] },
  {
    name: 'report-md-1m',
    args: ['report', S, '--format', 'md', '--by', 'isp', '--bucket', '1m', '--since', '2026-11-28 07:00', '--until', '2026-11-28 07:10'],
  },
  { name: 'report-md-ny-day', args: ['report', S, ...NY, ...DAY, '--format', 'md'] },
  { name: 'report-html-ny-day', args: ['report', S, ...NY, ...DAY, '--format', 'html'] },
  { name: 'report-table-paris', args: ['report', S, '--format', 'table', '--tz', 'Europe/Paris', '--by', 'isp'] },
  { name: 'report-workers-1', args: ['report', S, '--format', 'json', '--workers', '1'] },
  // verdict options
  { name: 'report-table-pmta-config', args: ['report', S, '--format', 'table', '--pmta-config', 'samples/pmta/config'] },
  {
    name: 'report-json-pmta-config-at',
    args: ['report', S, '--format', 'json', '--pmta-config', 'samples/pmta/config', '--at', '2026-11-28 08:00'],
  },
  { name: 'report-md-rules', args: ['report', S, '--format', 'md', '--rules', `${G}/rules.yml`] },
  {
    name: 'report-html-rules',
    args: ['report', S, '--format', 'html', '--rules', `${G}/rules.yml`, '--pmta-config', 'samples/pmta/config'],
  },
  { name: 'report-no-verdicts', args: ['report', S, '--format', 'table', '--no-verdicts'] },
  { name: 'report-exit-zero', args: ['report', S, '--format', 'csv', '--exit-zero'] },
  { name: 'report-rules-env', args: ['report', S, '--format', 'json', '--by', 'isp'], env: { PMTA_ACCT_RULES: `${G}/rules.json` } },
  // classification options
  { name: 'report-config', args: ['report', S, '--format', 'table', '--by', 'isp', '--config', `${G}/config.yml`] },
  {
    name: 'report-config-env',
    args: ['report', S, '--format', 'json', '--by', 'isp,bounceCat'],
    env: { PMTA_ACCT_CONFIG: `${G}/config.json` },
  },
  {
    name: 'report-hard-categories',
    args: ['report', S, '--format', 'csv', '--by', 'isp', '--hard-categories', 'bad-mailbox,policy-related'],
  },
  { name: 'report-show-addresses', args: ['report', S, '--format', 'md', '--show-addresses'] },
  // history: --compare, --save, several -o
  {
    name: 'report-compare-7d-md',
    args: ['report', S, ...NY, ...DAY, '--compare', '7d', '--history', 'samples/history', '--format', 'md', '--by', 'isp', '--top', '3'],
  },
  {
    name: 'report-compare-7d-table',
    args: ['report', S, ...NY, ...DAY, '--compare', '7d', '--history', 'samples/history', '--format', 'table'],
  },
  {
    name: 'report-compare-previous-json',
    args: ['report', S, ...NY, ...DAY, '--compare', 'previous', '--history', 'samples/history', '--format', 'json'],
  },
  {
    name: 'report-compare-7d-html',
    args: ['report', S, ...NY, ...DAY, '--compare', '7d', '--history', 'samples/history', '--format', 'html'],
  },
  {
    name: 'report-compare-prom',
    args: ['report', S, ...NY, ...DAY, '--compare', '7d', '--history', 'samples/history', '--format', 'prom'],
  },
  { name: 'report-save', args: ['report', S, ...NY, '--save', '$T/saved', '--format', 'csv', '--by', 'isp'], files: ['saved'] },
  { name: 'report-compare-saved', args: ['report', S, ...NY, ...DAY, '--compare', 'previous', '--history', '$T/saved', '--format', 'md'] },
  {
    name: 'report-outputs',
    args: [
      'report',
      S,
      ...NY,
      '-o',
      '$T/out/day.html',
      '-o',
      '$T/out/day.md',
      '-o',
      '$T/out/day.json',
      '-o',
      '$T/out/day.csv',
      '-o',
      '$T/out/day.prom',
      '-o',
      '$T/out/day.txt',
    ],
    setup: (t) => mkdirSync(`${t}/out`, { recursive: true }),
    files: ['out'],
  },
  {
    name: 'report-stdin-header',
    args: ['report', '-', '--format', 'json', '--by', 'isp', '--header', 'type,timeLogged,rcpt,dsnStatus'],
    stdin: 'd,2026-11-28 10:00:00+0000,a@gmail.com,2.0.0\nb,2026-11-28 10:01:00+0000,b@yahoo.com,5.1.1\n',
  },
  { name: 'report-stdin', args: ['report', '-', '--format', 'table', '--by', 'isp'], stdinFile: 'samples/acct-2026-11-28-0001.csv' },
  { name: 'report-glob', args: ['report', 'samples/acct-2026-11-28-000[12].csv*', '--format', 'csv', '--by', 'isp'] },
  { name: 'report-gz-file', args: ['report', 'samples/acct-2026-11-28-0000.csv.gz', '--format', 'json', '--by', 'isp'] },
  { name: 'report-userguide', args: ['report', 'samples/userguide/', '--format', 'table', '--by', 'isp,ip,type'] },
  { name: 'report-privacy-policy-json', args: ['report', 'test/fixtures/report/privacy-policy.csv', '--format', 'json'] },
  { name: 'report-privacy-policy-md', args: ['report', 'test/fixtures/report/privacy-policy.csv', '--format', 'md'] },
  {
    name: 'report-privacy-policy-html',
    args: ['report', 'test/fixtures/report/privacy-policy.csv', '--format', 'html', '--show-addresses'],
  },
  { name: 'report-privacy-policy-table', args: ['report', 'test/fixtures/report/privacy-policy.csv', '--format', 'table'] },
  ...PARSE.flatMap((f) => [
    { name: `fixture-${f}-json`, args: ['report', fx(f), '--format', 'json', '--by', 'isp,ip,type', '--exit-zero'] },
    { name: `fixture-${f}-table`, args: ['report', fx(f), '--format', 'table', '--by', 'isp,type'] },
    { name: `fixture-${f}-check`, args: ['check', fx(f), '-v'] },
  ]),
  { name: 'fixture-bad-records-md', args: ['report', fx('bad-records'), '--format', 'md'] },
  { name: 'fixture-bad-records-csv', args: ['report', fx('bad-records'), '--format', 'csv'] },
  { name: 'fixture-all-html', args: ['report', 'test/fixtures/parse/', '--format', 'html', '--exit-zero'] },
  { name: 'fixture-all-prom', args: ['report', 'test/fixtures/parse/', '--format', 'prom'] },
  { name: 'fixture-strict', args: ['report', fx('bad-records'), '--strict', '--format', 'json'] },
  { name: 'fixture-strict-check', args: ['check', fx('bad-records'), '--strict'] },
  // check
  { name: 'check-text', args: ['check', S] },
  { name: 'check-verbose', args: ['check', S, '-v'] },
  { name: 'check-json', args: ['check', S, '--format', 'json'] },
  { name: 'check-pmta-config-at', args: ['check', S, '--pmta-config', 'samples/pmta/config', '--at', '2026-11-28 08:00'] },
  { name: 'check-json-at', args: ['check', S, '--at', '2026-11-28 08:00', '--format', 'json'] },
  { name: 'check-rules-tz', args: ['check', S, '--rules', `${G}/rules.yml`, ...NY, '-v'] },
  {
    name: 'check-rules-json',
    args: ['check', S, '--rules', `${G}/rules.json`, '--format', 'json', '--pmta-config', 'samples/pmta/config'],
  },
  { name: 'check-empty', args: ['check', '-'], stdin: '' },
  { name: 'check-untimed', args: ['check', fx('no-time-column')] },
  // query
  {
    name: 'query-readme-1',
    args: [
      'query',
      S,
      '--since',
      '2026-11-28 02:00',
      '--until',
      '2026-11-28 04:00',
      ...NY,
      '--where',
      'isp = gmail and ip = 203.0.113.14 and type in (b, t)',
      '--group-by',
      'outcome,diag',
      '--format',
      'table',
    ],
  },
  {
    name: 'query-readme-2',
    args: [
      'query',
      S,
      '--since',
      '2026-11-28 02:00',
      '--until',
      '2026-11-28 04:00',
      ...NY,
      '--where',
      'isp = gmail and ip = 203.0.113.14 and type in (b, t)',
      '--select',
      'timeLogged,rcpt,vmta,dsnStatus',
      '--limit',
      '5',
      '--format',
      'table',
    ],
  },
  { name: 'query-sort-complaint', args: ['query', S, '--group-by', 'job', '--sort', 'complaint', '--top', '5', '--format', 'table'] },
  { name: 'query-yahoo-pool', args: ['query', S, '--where', 'isp = yahoo and type = d', '--group-by', 'pool', '--format', 'table'] },
  { name: 'query-isp-diag', args: ['query', S, '--group-by', 'isp,diag', '--where', 'type in (b,t)', '--top', '10', '--format', 'table'] },
  {
    name: 'query-json',
    args: ['query', S, '--where', 'isp = gmail and type = b', '--group-by', 'bounceCat', '--top', '1', '--format', 'json'],
  },
  {
    name: 'query-ndjson-select',
    args: ['query', S, '--where', 'type = f', '--select', 'timeLogged,rcpt,isp,job,feedbackType', '--format', 'ndjson'],
  },
  { name: 'query-md', args: ['query', S, '--where', 'isp = gmail and type = b', '--group-by', 'bounceCat', '--format', 'md'] },
  { name: 'query-csv', args: ['query', S, '--group-by', 'isp,outcome', '--format', 'csv'] },
  {
    name: 'query-csv-select',
    args: [
      'query',
      S,
      '--where',
      'type = b and hard',
      '--select',
      'timeLogged,rcpt,bounceCat,dsnDiag,diag',
      '--limit',
      '20',
      '--format',
      'csv',
    ],
  },
  { name: 'query-select-star', args: ['query', S, '--select', '*', '--limit', '3', '--format', 'json'] },
  { name: 'query-select-star-table', args: ['query', fx('userguide-d-b-t'), '--select', '*', '--format', 'table'] },
  {
    name: 'query-select-md',
    args: ['query', S, '--where', "dsnDiag ~ 'rate limited'", '--select', 'timeLogged,isp,ip,dsnDiag', '--limit', '4', '--format', 'md'],
  },
  {
    name: 'query-bucket',
    args: ['query', S, '--group-by', 'bucket,isp', '--bucket', '1h', '--where', 'isp in (gmail, yahoo)', '--format', 'csv', ...NY],
  },
  { name: 'query-bucket-1d', args: ['query', S, '--group-by', 'bucket', '--bucket', '1d', '--tz', 'Asia/Kolkata', '--format', 'json'] },
  { name: 'query-latency-hard', args: ['query', S, '--group-by', 'latency,hard', '--sort', 'latency:asc', '--format', 'table'] },
  { name: 'query-sort-p99', args: ['query', S, '--group-by', 'isp', '--sort', 'p99:desc', '--top', '5', '--format', 'json'] },
  {
    name: 'query-header-column',
    args: ['query', S, '--group-by', 'dsnStatus', '--where', "type = t and dsnDiag like '*4.7.28*'", '--format', 'table'],
  },
  {
    name: 'query-where-time',
    args: [
      'query',
      S,
      '--where',
      "timeLogged >= '2026-11-28 12:00' and timeLogged < '2026-11-28 13:00' and ip = 203.0.113.0/24",
      '--group-by',
      'ip',
      '--format',
      'csv',
    ],
  },
  {
    name: 'query-where-regex-i',
    args: ['query', S, '--where', 'dsnDiag ~ /UNUSUAL/i or rcpt like "*@gmial.com"', '--group-by', 'isp,type', '--format', 'table'],
  },
  {
    name: 'query-where-not-numbers',
    args: ['query', S, '--where', 'not (type = d) and dsnStatus != "4.4.1" and latency > 60', '--group-by', 'type', '--format', 'json'],
  },
  { name: 'query-output', args: ['query', S, '--group-by', 'isp', '--format', 'csv', '-o', '$T/query.csv'], files: ['query.csv'] },
  { name: 'query-fixture-bad', args: ['query', fx('bad-records'), '--group-by', 'type', '--format', 'table'] },
  { name: 'query-fixture-union', args: ['query', fx('union-header'), '--select', '*', '--format', 'ndjson'] },
  { name: 'query-fixture-pipe', args: ['query', fx('pipe-restart'), '--group-by', 'type,isp', '--format', 'md'] },
  // monitoring
  { name: 'prometheus-rules', args: ['prometheus-rules'] },
  { name: 'prometheus-rules-file', args: ['prometheus-rules', '--rules', `${G}/rules.yml`] },
  { name: 'grafana-dashboard', args: ['grafana-dashboard'] },
  { name: 'grafana-dashboard-file', args: ['grafana-dashboard', '--rules', `${G}/rules.json`, '-o', '$T/dash.json'], files: ['dash.json'] },
  // tail --once into a state, then reports and checks over it
  {
    name: 'tail-once',
    args: ['tail', '$T/logs/acct.csv', '--state', '$T/state', '--once', '--from', 'beginning', '--format', 'ndjson', '--by', 'isp'],
    env: NOW,
    setup: liveSamples,
  },
  { name: 'tail-once-again', args: ['tail', '$T/logs/acct.csv', '--state', '$T/state', '--once', '--format', 'ndjson'], env: NOW },
  { name: 'state-report-json', args: ['report', '--state', '$T/state', '--format', 'json'], env: NOW },
  { name: 'state-report-table', args: ['report', '--state', '$T/state', '--format', 'table'], env: NOW },
  { name: 'state-report-md', args: ['report', '--state', '$T/state', '--format', 'md', ...NY, ...DAY, '--by', 'isp'], env: NOW },
  { name: 'state-report-html', args: ['report', '--state', '$T/state', '--format', 'html', ...NY, ...DAY], env: NOW },
  { name: 'state-report-csv-1h', args: ['report', '--state', '$T/state', '--format', 'csv', '--bucket', '1h', '--by', 'isp'], env: NOW },
  { name: 'state-report-prom', args: ['report', '--state', '$T/state', '--format', 'prom'], env: NOW },
  {
    name: 'state-report-compare',
    args: ['report', '--state', '$T/state', ...NY, ...DAY, '--compare', '7d', '--history', 'samples/history', '--format', 'md'],
    env: NOW,
  },
  { name: 'state-report-bucket-1m', args: ['report', '--state', '$T/state', '--bucket', '1m', '--format', 'json'], env: NOW },
  { name: 'state-check', args: ['check', '--state', '$T/state', '-v'], env: NOW },
  {
    name: 'state-check-json',
    args: ['check', '--state', '$T/state', '--format', 'json', '--pmta-config', 'samples/pmta/config'],
    env: NOW,
  },
  { name: 'state-check-at', args: ['check', '--state', '$T/state', '--at', '2026-11-28 20:00'], env: NOW },
  {
    name: 'tail-v1-migrate',
    args: ['tail', '$T/v1logs/acct.csv', '--state', '$T/v1state', '--once', '--format', 'ndjson'],
    env: { PMTA_ACCT_NOW: String(Date.parse('2026-12-05T00:00:00Z') / 1000) },
    setup: (t) => {
      liveV1(t);
      v1State(t);
    },
  },
  {
    name: 'tail-v1-fresh',
    args: [
      'tail',
      '$T/v1logs/acct.csv',
      '--state',
      '$T/v1fresh',
      '--once',
      '--from',
      'beginning',
      '--format',
      'ndjson',
      '--dims',
      'isp,ip',
      '--bucket',
      '15m',
      '--tz',
      'America/New_York',
    ],
    env: { PMTA_ACCT_NOW: String(Date.parse('2026-12-05T00:00:00Z') / 1000) },
  },
  {
    name: 'tail-v1-fresh-report',
    args: ['report', '--state', '$T/v1fresh', '--format', 'table', '--bucket', '1d'],
    env: { PMTA_ACCT_NOW: String(Date.parse('2026-12-05T00:00:00Z') / 1000) },
  },
  {
    name: 'tail-stdin',
    args: ['tail', '--stdin', '--state', '$T/pipe', '--once', '--format', 'ndjson'],
    env: NOW,
    stdinFile: 'samples/acct-2026-11-28-0002.csv',
  },
  { name: 'tail-stdin-report', args: ['report', '--state', '$T/pipe', '--format', 'csv', '--by', 'isp'], env: NOW },
  // errors: message on stderr, exit 3
  { name: 'error-no-input', args: ['report', 'no-such-dir/'] },
  { name: 'error-by', args: ['report', S, '--by', 'isp,foo'] },
  { name: 'error-bucket', args: ['report', S, '--bucket', '7m'] },
  { name: 'error-tz', args: ['report', S, '--tz', 'Mars/Olympus'] },
  { name: 'error-since', args: ['report', S, '--since', 'the day before'] },
  { name: 'error-format', args: ['report', S, '--format', 'xml'] },
  { name: 'error-top', args: ['report', S, '--top', '-1'] },
  { name: 'error-compare', args: ['report', S, '--compare', 'weekly'] },
  { name: 'error-compare-history', args: ['report', S, '--compare', '7d'] },
  { name: 'error-unknown-command', args: ['reprot', S] },
  { name: 'error-unknown-option', args: ['report', S, '--bye', 'isp'] },
  { name: 'error-rules', args: ['check', S, '--rules', `${G}/bad-rules.yml`] },
  { name: 'error-rules-json', args: ['report', S, '--rules', `${G}/bad-rules.json`] },
  { name: 'error-rules-missing', args: ['check', S, '--rules', `${G}/none.yml`] },
  { name: 'error-config', args: ['report', S, '--config', `${G}/bad-config.yml`] },
  { name: 'error-config-upper-isp', args: ['report', S, '--config', `${G}/upper-isp.yml`, '--format', 'json'] },
  { name: 'error-pmta-config', args: ['check', S, '--pmta-config', `${G}/bad-pmta.conf`] },
  { name: 'error-at', args: ['check', S, '--at', 'noon-ish'] },
  { name: 'error-where-syntax', args: ['query', S, '--where', 'isp = = gmail'] },
  { name: 'error-where-field', args: ['query', S, '--where', 'ips = gmail', '--group-by', 'isp'] },
  { name: 'error-where-regex', args: ['query', S, '--where', 'dsnDiag ~ /(a)\\1/'] },
  { name: 'error-group-by', args: ['query', S, '--group-by', 'nothing'] },
  { name: 'error-sort', args: ['query', S, '--group-by', 'isp', '--sort', 'speed'] },
  { name: 'error-select-group', args: ['query', S, '--select', 'rcpt', '--group-by', 'isp'] },
  { name: 'error-tail-dims', args: ['tail', '$T/logs/acct.csv', '--state', '$T/dims', '--once', '--dims', 'foo'] },
  { name: 'error-tail-by', args: ['tail', '$T/logs/acct.csv', '--state', '$T/dims', '--once', '--by', 'foo'] },
  { name: 'error-tail-retain', args: ['tail', '$T/logs/acct.csv', '--state', '$T/dims', '--once', '--retain', '5m=1h,1h=1d,1w=2w'] },
  { name: 'error-tail-from', args: ['tail', '$T/logs/acct.csv', '--state', '$T/dims', '--once', '--from', 'someday'] },
  { name: 'error-state-missing', args: ['report', '--state', '$T/no-state'] },
  { name: 'error-state-and-files', args: ['report', S, '--state', '$T/state'] },
  { name: 'error-state-at-old', args: ['check', '--state', '$T/state', '--at', '2026-11-01 00:00'], env: NOW },
];
