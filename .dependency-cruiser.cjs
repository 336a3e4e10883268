/**
 * The layers of src/ and the one rule between them (docs/architecture.md, "The layer map"): a
 * folder imports only folders below it in LAYERS, never one above, and no module imports the CLI.
 * `npm test` runs this (npm run lint:deps), so a violation fails CI.
 */

/** Lowest first. Each entry is a folder of src/ (or a file at its top). */
const LAYERS = [
  // foundations: used by everything, use nothing of pmta-acct
  'errors\\.ts|types',
  'util',
  // the pipeline: bytes in, records, classification, counters, and the engine that drives them
  'parse',
  'source',
  'classify',
  'rollup',
  // what the user writes: config files, the PowerMTA config, the --where language
  'config',
  'pmta-config',
  'where',
  'engine',
  // languages and models above the engine: verdict rules, tail's store, the report as data
  'verdict',
  'state',
  // the fleet store's client, faults and SQL (ClickHouse), under the use cases that ship and read it
  'clickhouse',
  'model',
  'history',
  // model → text
  'render',
  'monitoring',
  'notify',
  // use cases, then the command line
  'app',
  'cli',
];

const folder = (name) => `^src/(${name})(/|$)`;

const layerRules = LAYERS.slice(0, -1).map((name, i) => ({
  name: `layer-${name.replace(/\W.*/, '')}`,
  comment: `src/${name.replace(/\\/g, '')} is below ${LAYERS.slice(i + 1)
    .map((l) => l.replace(/\\/g, ''))
    .join(', ')}: it imports none of them (docs/architecture.md, "The layer map")`,
  severity: 'error',
  from: { path: folder(name) },
  to: { path: LAYERS.slice(i + 1).map(folder) },
}));

/** Inside src/app/: the rollup sources below the use cases; use cases do not use one another. */
const APP = ['report', 'query', 'tail', 'ship'];
const appRules = [
  {
    name: 'app-sources-below-use-cases',
    comment: 'a rollup source (src/app/sources/) serves the use cases and imports none of them',
    severity: 'error',
    from: { path: '^src/app/sources/' },
    to: { path: `^src/app/(${APP.join('|')})/` },
  },
  ...APP.map((u) => ({
    name: `app-${u}-alone`,
    comment: `the ${u} use case imports no other use case (shared parts belong in a layer below, or in src/app/sources/)`,
    severity: 'error',
    from: { path: `^src/app/${u}/` },
    to: { path: `^src/app/(${APP.filter((x) => x !== u).join('|')})/` },
  })),
];

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'a module that reaches itself through its imports: one of them belongs in a lower layer',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-cli',
      comment: 'src/cli/ reads argv, prints and decides exit codes; nothing imports it',
      severity: 'error',
      from: { pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    ...layerRules,
    ...appRules,
    {
      name: 'not-to-dev-dep',
      comment: 'the shipped code imports runtime dependencies only (devDependencies are not installed with the package)',
      severity: 'error',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-unresolvable',
      comment: 'an import that resolves to nothing',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
