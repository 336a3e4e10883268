/** The csv-parse contender: prints its rollup by (hour, isp, ip) as JSON entries. */
import { csvParseRollup } from '../baselines/csv-parse-rollup.js';

const rollup = await csvParseRollup(process.argv.slice(2), 3600);
console.log(JSON.stringify([...rollup.entries()]));
