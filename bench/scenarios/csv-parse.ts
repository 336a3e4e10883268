/**
 * The csv-parse contender: prints its rollup by (hour, isp, ip) as JSON entries.
 *
 * usage: node csv-parse.js FILE... [--rows N] (N: stop after the first N records, for a slice of a
 * big file whose time the bench scales up)
 */
import { parseArgs } from 'node:util';
import { csvParseRollup } from '../baselines/csv-parse-rollup.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { rows: { type: 'string' } } });
const limit = values.rows === undefined ? Number.POSITIVE_INFINITY : Number(values.rows);
if (!(limit > 0)) throw new Error(`--rows: a positive number, not ${values.rows}`);
const rollup = await csvParseRollup(positionals, 3600, limit);
console.log(JSON.stringify([...rollup.entries()]));
