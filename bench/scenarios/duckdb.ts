/**
 * The DuckDB contender: the same rollup as `pmta-acct report --by isp,ip --bucket 1h`, written as
 * SQL over read_csv, with pmta-acct's ISP data loaded into tables (the same map, so the counts can
 * be compared). Prints its rollup by (hour, isp, ip) as JSON entries.
 *
 * usage: node duckdb.js FILE... [--threads N]
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { MX_SUFFIXES, PROVIDER_DOMAINS, ROLLUP_ALIASES, ISP_NAMES } from '../../src/classify/isp-data.js';
import { emptyCounts, plainKey, PLAIN_COUNTERS, type PlainRollup } from '../baselines/plain-rollup.js';

const args = process.argv.slice(2);
const t = args.indexOf('--threads');
const threads = t >= 0 ? args[t + 1] : '2';
const files = args.filter((a, i) => a !== '--threads' && (t < 0 || i !== t + 1));

function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

function values(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => `(${r.map(sqlString).join(', ')})`).join(',\n');
}

const domainRows: string[][] = [];
for (const [isp, domains] of Object.entries(PROVIDER_DOMAINS)) for (const d of domains) domainRows.push([d, isp]);
const rollupRows: string[][] = [
  ...Object.entries(ROLLUP_ALIASES).map(([name, isp]) => [`${name}.rollup`, isp]),
  ...Object.keys(ISP_NAMES).filter((id) => !(id in ROLLUP_ALIASES)).map((id) => [`${id}.rollup`, id]),
];

const hard = ['bad-mailbox', 'bad-domain', 'inactive-mailbox', 'routing-errors'].map(sqlString).join(', ');
const list = `[${files.map(sqlString).join(', ')}]`;

const sql = `
CREATE TEMP TABLE isp_domain AS SELECT * FROM (VALUES ${values(domainRows)}) v(domain, isp);
CREATE TEMP TABLE isp_rollup AS SELECT * FROM (VALUES ${values(rollupRows)}) v(name, isp);
CREATE TEMP TABLE isp_mx AS SELECT * FROM (VALUES ${values(MX_SUFFIXES.map(([s, i]) => [s, i]))}) v(suffix, isp);
CREATE TEMP TABLE r AS
SELECT type,
       CASE WHEN regexp_full_match(timeLogged, '[0-9]+') THEN CAST(timeLogged AS BIGINT)
            ELSE CAST(epoch(strptime(timeLogged, '%Y-%m-%d %H:%M:%S%z')) AS BIGINT) END AS t,
       lower(CASE WHEN rcpt <> '' THEN (CASE WHEN contains(rcpt, '@') THEN regexp_extract(rcpt, '@([^@]*)$', 1) ELSE '' END)
                  ELSE split_part(queue, '/', 1) END) AS domain,
       lower(split_part(queue, '/', 1)) AS qdomain,
       lower(split_part(dsnMta, ' (', 1)) AS host,
       CASE WHEN type IN ('d', 'b', 't', 'tq') THEN coalesce(dlvSourceIp, '') ELSE '' END AS ip,
       bounceCat, dlvSize
FROM read_csv(${list}, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"', union_by_name = true);
`;

const query = `
WITH unknown_hosts AS (
  SELECT DISTINCT r.host FROM r LEFT JOIN isp_domain d ON d.domain = r.domain WHERE d.isp IS NULL
),
host_isp AS (
  SELECT h.host, arg_max(m.isp, length(m.suffix)) AS isp
  FROM unknown_hosts h JOIN isp_mx m ON ends_with(h.host, m.suffix) OR h.host = substr(m.suffix, 2)
  GROUP BY h.host
),
classified AS (
  SELECT r.t // 3600 * 3600 AS bucket,
         coalesce(d.isp,
                  CASE WHEN r.qdomain LIKE '%.rollup' THEN coalesce(ro.isp, substr(r.qdomain, 1, length(r.qdomain) - 7)) END,
                  hi.isp, 'other') AS isp,
         r.ip, r.type, r.bounceCat, r.dlvSize
  FROM r
  LEFT JOIN isp_domain d ON d.domain = r.domain
  LEFT JOIN isp_rollup ro ON ro.name = r.qdomain
  LEFT JOIN host_isp hi ON hi.host = r.host
  WHERE r.type IN ('d', 'b', 't', 'tq', 'f', 'rb', 'rs', 'r')
)
SELECT bucket, isp, ip,
  count(*) FILTER (WHERE type = 'd') AS delivered,
  count(*) FILTER (WHERE type = 't') AS deferred,
  count(*) FILTER (WHERE type = 'tq') AS queueDeferred,
  count(*) FILTER (WHERE type = 'b') AS bounced,
  count(*) FILTER (WHERE type = 'b' AND bounceCat IN (${hard})) AS hardBounced,
  count(*) FILTER (WHERE type = 'b' AND (bounceCat IS NULL OR bounceCat NOT IN (${hard}))) AS softBounced,
  count(*) FILTER (WHERE type = 'f') AS complaints,
  count(*) FILTER (WHERE type = 'rb') AS remoteBounced,
  count(*) FILTER (WHERE type = 'rs') AS remoteStatus,
  count(*) FILTER (WHERE type = 'r') AS received,
  coalesce(sum(CASE WHEN type = 'd' AND regexp_full_match(dlvSize, '[0-9]+') THEN CAST(dlvSize AS BIGINT) END), 0) AS deliveredBytes
FROM classified GROUP BY ALL`;

const db = await DuckDBInstance.create(':memory:', { threads });
const con = await db.connect();
await con.run(sql);
const reader = await con.runAndReadAll(query);
const out: PlainRollup = new Map();
for (const row of reader.getRowObjects()) {
  const c = emptyCounts();
  for (const name of PLAIN_COUNTERS) c[name] = Number(row[name.toLowerCase()] ?? row[name]);
  out.set(plainKey(Number(row.bucket), String(row.isp), String(row.ip ?? '')), c);
}
console.log(JSON.stringify([...out.entries()]));
