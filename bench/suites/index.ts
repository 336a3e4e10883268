/** The suites `npm run bench` runs, in this order (bench/suite.ts says what a suite is). */
import type { Suite } from '../suite.js';
import { fleetSuite } from './fleet.js';
import { loadSuite } from './load.js';
import { readSuite } from './read.js';
import { startupSuite } from './startup.js';

export const SUITES: readonly Suite[] = [startupSuite, readSuite, loadSuite, fleetSuite];
