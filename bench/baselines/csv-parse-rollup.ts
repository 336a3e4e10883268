/**
 * The rollup a developer writes first: csv-parse's stream API, one object per record, plain code.
 * It is the benchmark's "csv-parse" contender and, in the tests, the independent reading that
 * pmta-acct's counts are checked against (it shares only the ISP data with pmta-acct).
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { createIspMap } from '../../src/classify/isp-map.js';
import { emptyCounts, plainKey, type PlainRollup } from './plain-rollup.js';

const HARD = new Set(['bad-mailbox', 'bad-domain', 'inactive-mailbox', 'routing-errors']);
const COUNTER: Record<
  string,
  'delivered' | 'deferred' | 'queueDeferred' | 'bounced' | 'complaints' | 'remoteBounced' | 'remoteStatus' | 'received'
> = {
  d: 'delivered',
  t: 'deferred',
  tq: 'queueDeferred',
  b: 'bounced',
  f: 'complaints',
  rb: 'remoteBounced',
  rs: 'remoteStatus',
  r: 'received',
};

function epoch(text: string): number {
  // PowerMTA ISO form `YYYY-MM-DD HH:MM:SS+HHMM`, or epoch seconds.
  if (/^\d{9,11}$/.test(text)) return Number(text);
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  if (!m) return Number.NaN;
  const zone = m[3] === undefined || m[3] === 'Z' ? 'Z' : `${m[3].slice(0, 3)}:${m[3].slice(-2)}`;
  return Date.parse(`${m[1]}T${m[2]}${zone}`) / 1000;
}

function isGzip(path: string): boolean {
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(2);
  try {
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/** `limit`: records read at most (header rows not counted), for a slice of a big input. */
export async function csvParseRollup(
  paths: readonly string[],
  bucketSeconds: number | null,
  limit = Number.POSITIVE_INFINITY,
): Promise<PlainRollup> {
  const isps = createIspMap();
  const out: PlainRollup = new Map();
  let read = 0;
  for (const path of paths) {
    if (read >= limit) break;
    let col: Record<string, number> = {};
    const input = isGzip(path) ? createReadStream(path).pipe(createGunzip()) : createReadStream(path);
    const records = input.pipe(
      parse({ relax_column_count: true, relax_quotes: true, bom: true, skip_empty_lines: true, record_delimiter: ['\n', '\r\n'] }),
    );
    for await (const row of records as AsyncIterable<string[]>) {
      if (row[0].toLowerCase() === 'type') {
        col = {};
        row.forEach((name, i) => {
          if (!(name.toLowerCase() in col)) col[name.toLowerCase()] = i;
        });
        continue;
      }
      // leaving the loop destroys the stream
      if (++read > limit) break;
      const get = (name: string) => row[col[name.toLowerCase()]] ?? '';
      const type = get('type');
      const counter = COUNTER[type];
      if (counter === undefined) continue;
      const time = epoch('timelogged' in col ? get('timeLogged') : get('timeQueued'));
      if (Number.isNaN(time)) continue;
      const rcpt = get('rcpt');
      const queueDomain = get('queue').split('/')[0].toLowerCase();
      const domain = rcpt.includes('@') ? rcpt.slice(rcpt.lastIndexOf('@') + 1).toLowerCase() : rcpt === '' ? queueDomain : '';
      let isp = domain === '' ? undefined : isps.ispOfDomain(domain);
      if (isp === undefined && queueDomain.endsWith('.rollup')) isp = isps.ispOfDomain(queueDomain);
      if (isp === undefined) isp = isps.ispOfMx(get('dsnMta').split(' (')[0]) ?? 'other';
      const ip = ['d', 'b', 't', 'tq'].includes(type) ? get('dlvSourceIp') : '';
      const bucket = bucketSeconds === null ? null : Math.floor(time / bucketSeconds) * bucketSeconds;
      const key = plainKey(bucket, isp, ip);
      let c = out.get(key);
      if (c === undefined) {
        c = emptyCounts();
        out.set(key, c);
      }
      c[counter]++;
      if (type === 'b') c[HARD.has(get('bounceCat')) ? 'hardBounced' : 'softBounced']++;
      if (type === 'd') c.deliveredBytes += /^\d+$/.test(get('dlvSize')) ? Number(get('dlvSize')) : 0;
    }
  }
  return out;
}
