/**
 * The DuckDB contender, written as a DuckDB user would: one statement over read_csv, nothing copied
 * first. It computes what `pmta-acct report --by isp,ip --bucket 1h` computes, with the same ISP
 * map (pmta-acct's data, as three small lookup tables) and the same rules, and prints its rollup by
 * (hour, isp, ip) as JSON entries, so that the runner can check the counts before any speed.
 *
 * The one rule that is costly in SQL is the fallback for a recipient domain the map does not know:
 * a `NAME.rollup` queue, else the longest MX-host suffix of dsnMta (Google Workspace, Office 365).
 * A suffix match is a join on ends_with, which no hash join does; done per record it dominates. So
 * the statement first counts by (hour, ip, known ISP or else queue and MX host), which one scan
 * does with hash joins, and resolves the few distinct unknown hosts afterwards, on that small
 * result. `--variant map-only` drops the fallback (unknown domains are `other`): DuckDB without
 * that rule, for scale; its counts differ from pmta-acct's and are not compared.
 *
 * usage: node duckdb.js FILE... [--threads N] [--variant full|map-only]
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { parseArgs } from 'node:util';
import { MX_SUFFIXES, PROVIDER_DOMAINS, ROLLUP_ALIASES, ISP_NAMES } from '../../src/classify/isp-data.js';
import { emptyCounts, plainKey, PLAIN_COUNTERS, type PlainRollup } from '../baselines/plain-rollup.js';

const { values: opts, positionals: files } = parseArgs({
  allowPositionals: true,
  options: { threads: { type: 'string', default: '2' }, variant: { type: 'string', default: 'full' } },
});
if (opts.variant !== 'full' && opts.variant !== 'map-only') throw new Error(`--variant: full or map-only, not ${opts.variant}`);

function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

function table(rows: readonly (readonly string[])[], columns: string): string {
  return `(SELECT * FROM (VALUES ${rows.map((r) => `(${r.map(sqlString).join(', ')})`).join(',\n')}) v(${columns}))`;
}

const domainRows: string[][] = [];
for (const [isp, domains] of Object.entries(PROVIDER_DOMAINS)) for (const d of domains) domainRows.push([d, isp]);
const rollupRows: string[][] = [
  ...Object.entries(ROLLUP_ALIASES).map(([name, isp]) => [`${name}.rollup`, isp]),
  ...Object.keys(ISP_NAMES)
    .filter((id) => !(id in ROLLUP_ALIASES))
    .map((id) => [`${id}.rollup`, id]),
];
const hard = ['bad-mailbox', 'bad-domain', 'inactive-mailbox', 'routing-errors'].map(sqlString).join(', ');
const fallback = opts.variant === 'full';

// The cells read: DuckDB's reader materializes only the columns a query uses. all_varchar keeps
// the sniffer from guessing a type that a later row breaks (a day of logs is not uniform).
// union_by_name only for several files (their headers may differ): over one file it cost DuckDB a
// quarter of its time and, at 10 M rows, 2.2 GB instead of 0.24 GB (RESULTS.md, stop 24).
const union = files.length > 1 ? ', union_by_name = true' : '';
const source = `read_csv([${files.map(sqlString).join(', ')}], header = true, all_varchar = true${union})`;

const sql = `
WITH isp_domain AS ${table(domainRows, 'domain, isp')},
isp_rollup AS ${table(rollupRows, 'name, isp')},
isp_mx AS ${table(
  MX_SUFFIXES.map(([s, i]) => [s, i]),
  'suffix, isp',
)},
events AS (
  SELECT type,
         -- PowerMTA writes 'YYYY-MM-DD HH:MM:SS+HHMM' (or epoch seconds); records without a time are not counted
         coalesce(try_cast(timeLogged AS BIGINT), epoch(try_strptime(timeLogged, '%Y-%m-%d %H:%M:%S%z'))::BIGINT) // 3600 * 3600 AS bucket,
         lower(CASE WHEN rcpt = '' OR rcpt IS NULL THEN split_part(queue, '/', 1)
                    WHEN contains(rcpt, '@') THEN split_part(rcpt, '@', -1) ELSE '' END) AS domain,
         queue, dsnMta,
         CASE WHEN type IN ('d', 'b', 't', 'tq') THEN coalesce(dlvSourceIp, '') ELSE '' END AS ip,
         type = 'b' AND coalesce(bounceCat IN (${hard}), false) AS hard,
         CASE WHEN type = 'd' THEN coalesce(try_cast(dlvSize AS BIGINT), 0) ELSE 0 END AS bytes
  FROM ${source}
  WHERE type IN ('d', 'b', 't', 'tq', 'f', 'rb', 'rs', 'r')
),
counted AS (
  SELECT e.bucket, e.ip, d.isp AS known,
         -- the queue and MX host only where the map does not know the domain (CASE evaluates lazily)
         ${
           fallback
             ? `CASE WHEN d.isp IS NULL THEN lower(split_part(e.queue, '/', 1)) END AS qdomain,
         CASE WHEN d.isp IS NULL THEN lower(rtrim(split_part(e.dsnMta, ' ', 1), '.')) END AS host,`
             : ''
         }
         count(*) FILTER (WHERE type = 'd') AS delivered,
         count(*) FILTER (WHERE type = 't') AS deferred,
         count(*) FILTER (WHERE type = 'tq') AS queueDeferred,
         count(*) FILTER (WHERE type = 'b') AS bounced,
         count(*) FILTER (WHERE hard) AS hardBounced,
         count(*) FILTER (WHERE type = 'b' AND NOT hard) AS softBounced,
         count(*) FILTER (WHERE type = 'f') AS complaints,
         count(*) FILTER (WHERE type = 'rb') AS remoteBounced,
         count(*) FILTER (WHERE type = 'rs') AS remoteStatus,
         count(*) FILTER (WHERE type = 'r') AS received,
         sum(bytes) AS deliveredBytes
  FROM events e LEFT JOIN isp_domain d ON d.domain = e.domain
  WHERE e.bucket IS NOT NULL
  GROUP BY ALL
)${
  fallback
    ? `,
host_isp AS (
  SELECT h.host, arg_max(m.isp, length(m.suffix)) AS isp
  FROM (SELECT DISTINCT host FROM counted WHERE host IS NOT NULL) h
  JOIN isp_mx m ON ends_with(h.host, m.suffix) OR h.host = substr(m.suffix, 2)
  GROUP BY h.host
)`
    : ''
}
SELECT c.bucket,
       ${fallback ? `coalesce(c.known, CASE WHEN c.qdomain LIKE '%.rollup' THEN coalesce(r.isp, substr(c.qdomain, 1, length(c.qdomain) - 7)) END, h.isp, 'other')` : `coalesce(c.known, 'other')`} AS isp,
       c.ip,
       ${PLAIN_COUNTERS.map((n) => `sum(c.${n})::BIGINT AS ${n}`).join(', ')}
FROM counted c
${fallback ? 'LEFT JOIN isp_rollup r ON r.name = c.qdomain LEFT JOIN host_isp h ON h.host = c.host' : ''}
GROUP BY ALL`;

const db = await DuckDBInstance.create(':memory:', { threads: opts.threads });
const con = await db.connect();
const reader = await con.runAndReadAll(sql);
const out: PlainRollup = new Map();
for (const row of reader.getRowObjects()) {
  const c = emptyCounts();
  for (const name of PLAIN_COUNTERS) c[name] = Number(row[name.toLowerCase()] ?? row[name]);
  out.set(plainKey(Number(row.bucket), String(row.isp), String(row.ip ?? '')), c);
}
console.log(JSON.stringify([...out.entries()]));
