/** `pmta-acct tail`: argv → TailSession, with the live view, JSON lines or nothing on stdout. */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { Command, Option } from 'commander';
import { TailAlerts } from '../app/tail/alerts.js';
import { ClosedBuckets } from '../app/tail/closed-buckets.js';
import { overlappingLiveFiles } from '../app/tail/live-streams.js';
import { STORED_BUCKETS, TAIL_DEFAULTS } from '../app/tail/defaults.js';
import { TailMetrics } from '../app/tail/metrics.js';
import { PipeInput } from '../app/tail/pipe-input.js';
import { spoolLive } from '../app/tail/stdin-spool.js';
import { TailSession } from '../app/tail/tail-session.js';
import { TailTicks } from '../app/tail/ticks.js';
import { loadConfig } from '../config/config-file.js';
import { PmtaAcctError } from '../errors.js';
import { WEBHOOK_FORMATS, type WebhookFormat } from '../notify/formats.js';
import { Notifier } from '../notify/notifier.js';
import { checkWebhookUrl } from '../notify/webhook.js';
import { parseInstant } from '../parse/time-range.js';
import { moveToFor } from '../pmta-config/acct-files.js';
import { readPmtaConfig } from '../pmta-config/parse.js';
import { checkTimeZone, type BucketSize } from '../rollup/buckets.js';
import { makeLayout } from '../source/discovery.js';
import type { StartFrom } from '../source/follower.js';
import { readTotals } from '../state/rollup-store.js';
import { defaultStateDir, type StateConfig } from '../state/state-db.js';
import { withStateFaults } from '../state/state-faults.js';
import { DEFAULT_RETAIN, formatSeconds } from '../state/tiers.js';
import { clockOf } from '../util/clock.js';
import { parseDims, parseList, parsePositiveInt, parseRetain, parseSeconds as seconds } from './args.js';
import { holdYoungGeneration } from '../engine/tiering.js';
import { EXIT_OK, EXIT_WARNING } from './exit.js';
import { useColor, warn, writePiecesNow } from './io.js';
import { parseListen, serveMetrics } from './metrics-server.js';
import { Screen } from './tail-screen.js';
import { verdictPlanOf, type VerdictFlags } from './verdict-args.js';

interface TailFlags extends VerdictFlags {
  state?: string;
  from: string;
  once?: boolean;
  rotatedDir?: string[];
  bucket?: string;
  dims?: string;
  by: string;
  tz?: string;
  format?: 'view' | 'ndjson' | 'none';
  stdin?: boolean;
  spoolSize?: string;
  refresh: string;
  retain?: string;
  metrics?: string;
  poll: string;
  rotateWait: string;
  grace: string;
  watch: boolean;
  color: boolean;
  config?: string;
  hardCategories?: string;
  commitInterval: string;
  commitRows: string;
  chunkSize?: string;
  onChange?: string;
  webhook?: string;
  /** commander checks it is one of WEBHOOK_FORMATS. */
  webhookFormat: WebhookFormat;
  alertLink?: string;
}

function parseStoredBucket(text: string | undefined): BucketSize {
  if (text === undefined) return TAIL_DEFAULTS.bucket;
  const bucket = STORED_BUCKETS.find((b) => b === text);
  if (bucket === undefined) throw new PmtaAcctError('USAGE', `--bucket: '${text}' is not one of ${STORED_BUCKETS.join(', ')}`);
  return bucket;
}

function parseFrom(text: string, tz: string): { from: StartFrom; since: number | null } {
  if (text === 'beginning' || text === 'end') return { from: text, since: null };
  return { from: 'beginning', since: parseInstant(text, tz, Math.floor(clockOf().now() / 1000)) };
}

export function tailCommand(onExit: (code: number) => void): Command {
  return (
    new Command('tail')
      .description('follow the live accounting file through rotations; count every record exactly once into a state directory')
      .argument(
        '[live-files...]',
        "PowerMTA's live accounting file (the <acct-file> path, e.g. /var/log/pmta/acct.csv); several when the config splits record types over several <acct-file>s",
      )
      .option(
        '--stdin',
        "read PowerMTA's pipe target on standard input (<acct-file |/usr/bin/pmta-acct tail --stdin --state DIR>) instead of following files",
      )
      .option('--state <dir>', 'state directory (default $XDG_STATE_HOME/pmta-acct, else ~/.local/state/pmta-acct)')
      .option('--from <where>', 'with no state yet: beginning, end, or a time (2026-11-28, 24h, ...)', TAIL_DEFAULTS.from)
      .option('--once', 'catch up (rotated files included) and exit')
      // No default value: commander would print it as "(default: [])".
      .option(
        '--rotated-dir <dir>',
        'where rotated files are moved (<acct-file> move-to); repeatable',
        (v: string, prev: string[] | undefined) => [...(prev ?? []), v],
      )
      .option(
        '--bucket <size>',
        `bucket size kept in a new state: ${STORED_BUCKETS.slice(0, -1).join(', ')} or ${STORED_BUCKETS.at(-1)} (default ${TAIL_DEFAULTS.bucket})`,
      )
      .option('--dims <dims>', `dimensions kept in a new state (default ${TAIL_DEFAULTS.dims.join(',')})`)
      .option('--by <dims>', 'grouping of the JSON lines', TAIL_DEFAULTS.by)
      .option('--tz <zone>', `time zone of a new state (labels, and 1d reports from it) (default ${TAIL_DEFAULTS.tz})`)
      .addOption(
        new Option(
          '--format <format>',
          'view (full screen; default on a terminal), ndjson (one JSON line per closed bucket; default otherwise) or none (nothing on stdout; default with --stdin)',
        ).choices(['view', 'ndjson', 'none']),
      )
      .option('--refresh <seconds>', 'redraw the view this often', String(TAIL_DEFAULTS.refreshSeconds))
      .option(
        '--retain <spec>',
        'how long buckets are kept, per tier: 5m=48h,1h=35d,1d=400d by default (older 5m buckets are rolled up into hours, older hours into days); one duration (35d) keeps nothing older than that',
      )
      .option('--metrics <host:port>', 'serve Prometheus metrics on http://HOST:PORT/metrics (HOST defaults to 127.0.0.1)')
      .option('--poll <ms>', 'look at the files this often', String(TAIL_DEFAULTS.pollMs))
      .option(
        '--rotate-wait <seconds>',
        'close a rotated file once it stayed at its end this long',
        String(TAIL_DEFAULTS.rotateWaitSeconds),
      )
      .option(
        '--grace <seconds>',
        'a bucket is closed (JSON line) once events this far past its end arrive',
        String(TAIL_DEFAULTS.graceSeconds),
      )
      .option('--no-watch', 'poll only (no file system events; for network file systems)')
      .option('--no-color', 'no colours in the view')
      .option('--config <file>', 'config file (ISP map overrides, hard bounce categories); default $PMTA_ACCT_CONFIG')
      .option('--hard-categories <list>', 'bounce categories that count as hard bounces')
      .option('--rules <file>', 'verdict rules for highlights and alerts (YAML or JSON); default $PMTA_ACCT_RULES, else the built-in rules')
      .option('--pmta-config <file>', 'PowerMTA config to read max-msg-rate limits, virtual MTAs and pools from')
      .option('--on-change <command>', 'run this shell command when a verdict changes level (the change as JSON on stdin)')
      .option('--webhook <url>', 'POST the change to this URL when a verdict changes level (retried with backoff)')
      .addOption(
        new Option(
          '--webhook-format <format>',
          'what --webhook posts: json (the change as pmta-acct writes it), slack or teams (their incoming-webhook messages)',
        )
          .choices([...WEBHOOK_FORMATS])
          .default('json'),
      )
      .option(
        '--alert-link <url>',
        'a link put in every alert (a dashboard, the nightly report): a button in Slack and Teams, `link` in JSON',
      )
      .addOption(new Option('--commit-interval <ms>').default(String(TAIL_DEFAULTS.commitIntervalMs)).hideHelp())
      .addOption(new Option('--commit-rows <n>').default(String(TAIL_DEFAULTS.commitRows)).hideHelp())
      .addOption(new Option('--chunk-size <bytes>').default(String(TAIL_DEFAULTS.chunkSize)).hideHelp())
      .addOption(new Option('--spool-size <bytes>').default(String(TAIL_DEFAULTS.spoolSize)).hideHelp())
      .action(async (liveArgs: string[], flags: TailFlags) => {
        const stdin = flags.stdin === true;
        if (stdin && liveArgs.length > 0) throw new PmtaAcctError('USAGE', 'tail --stdin reads standard input: name no live file');
        if (!stdin && liveArgs.length === 0)
          throw new PmtaAcctError(
            'USAGE',
            "tail: name PowerMTA's live accounting file (e.g. /var/log/pmta/acct.csv), or give --stdin for its pipe target",
          );
        if (stdin && flags.once === true)
          throw new PmtaAcctError('USAGE', 'tail --stdin ends at the end of its input: --once is for followed files');
        if (stdin && (flags.rotatedDir ?? []).length > 0)
          throw new PmtaAcctError('USAGE', 'tail --stdin: --rotated-dir is for followed files');
        if (stdin && flags.format === 'view')
          throw new PmtaAcctError('USAGE', 'tail --stdin: standard input is the pipe, so there is no live view (--format ndjson or none)');
        const stateDir = resolve(flags.state ?? defaultStateDir());
        const spoolSize = parsePositiveInt(flags.spoolSize, '--spool-size') ?? TAIL_DEFAULTS.spoolSize;
        const lives = stdin ? [spoolLive(stateDir)] : [...new Set(liveArgs.map((l) => resolve(l)))];
        for (const l of stdin ? [] : lives) {
          if (statSync(l, { throwIfNoEntry: false })?.isDirectory() === true)
            throw new PmtaAcctError(
              'USAGE',
              `${l} is a directory: tail follows the live accounting file PowerMTA writes (for example /var/log/pmta/acct.csv), and finds its rotated files beside it`,
            );
        }
        const live = lives[0];
        const tz = checkTimeZone(flags.tz ?? TAIL_DEFAULTS.tz);
        const bucket = parseStoredBucket(flags.bucket);
        const dims = flags.dims === undefined ? [...TAIL_DEFAULTS.dims] : parseDims(flags.dims, '--dims');
        const by = parseDims(flags.by, '--by');
        const missing = by.filter((d) => !dims.includes(d));
        if (flags.dims !== undefined && missing.length > 0)
          throw new PmtaAcctError('USAGE', `--by ${missing.join(',')}: not in --dims ${dims.join(',')}`);
        // The spool holds only what this state has not counted yet: read all of it.
        const { from, since } = parseFrom(stdin && flags.from === 'end' ? 'beginning' : flags.from, tz);
        const create: StateConfig = { dims, bucket, tz, live, since, ...(lives.length > 1 ? { moreLive: lives.slice(1) } : {}) };
        const explicit = new Set<keyof StateConfig>();
        if (flags.bucket !== undefined) explicit.add('bucket');
        if (flags.dims !== undefined) explicit.add('dims');
        if (flags.tz !== undefined) explicit.add('tz');
        const format = flags.format ?? (stdin ? 'none' : process.stdout.isTTY && flags.once !== true ? 'view' : 'ndjson');
        const view = format === 'view';
        const notices: string[] = [];
        const notice = (m: string) => {
          notices.push(m);
          if (notices.length > 20) notices.shift();
          if (!view) warn(m);
        };
        const overlap = overlappingLiveFiles(lives);
        if (overlap !== null) notice(overlap);
        const fileConfig = await loadConfig(flags.config ?? process.env.PMTA_ACCT_CONFIG);
        const plan = await verdictPlanOf({ rules: flags.rules, pmtaConfig: flags.pmtaConfig }, fileConfig, tz);
        const link = flags.alertLink === undefined ? null : checkWebhookUrl(flags.alertLink, '--alert-link').href;
        const webhookFormat = flags.webhookFormat;
        const notifier =
          flags.onChange !== undefined || flags.webhook !== undefined
            ? new Notifier({ command: flags.onChange, webhook: flags.webhook, webhookFormat, onError: (m) => notice(`alert: ${m}`) })
            : null;
        // The <acct-file> block that writes the live file says where its rotated files are moved.
        const rotatedDirs = [...(flags.rotatedDir ?? [])];
        const pmtaConfig = flags.pmtaConfig === undefined ? null : readPmtaConfig(flags.pmtaConfig);
        for (const l of lives) {
          const moveTo = pmtaConfig === null ? null : moveToFor(pmtaConfig, l);
          if (moveTo !== null && !rotatedDirs.some((d) => resolve(d) === moveTo.dir)) {
            rotatedDirs.push(moveTo.dir);
            notice(`rotated files are also looked for in ${moveTo.dir} (move-to of the <acct-file> at ${moveTo.place})`);
          }
        }
        let gapsSeen = 0;
        let lostBytes = 0;
        const lost: string[] = [];
        let pipe: PipeInput | null = null;
        const wall = clockOf();
        const alerts = new TailAlerts({
          plan,
          once: flags.once === true,
          notifier,
          link,
          enabled: notifier !== null || view,
          clock: wall,
          notice,
        });
        const ticks = new TailTicks({ clock: wall, alerts, write: writePiecesNow });
        const open = () =>
          TailSession.open(
            {
              stateDir,
              create,
              explicit,
              from,
              once: flags.once === true,
              rotatedDirs,
              retain: flags.retain === undefined ? DEFAULT_RETAIN : parseRetain(flags.retain),
              commitInterval: parsePositiveInt(flags.commitInterval, '--commit-interval') ?? TAIL_DEFAULTS.commitIntervalMs,
              commitRows: parsePositiveInt(flags.commitRows, '--commit-rows') ?? TAIL_DEFAULTS.commitRows,
              // Only this process writes the spool, and never a file it has cut off: nothing to wait for.
              rotateWait: stdin ? 0 : seconds(flags.rotateWait, '--rotate-wait') * 1000,
              scanInterval: TAIL_DEFAULTS.scanIntervalMs,
              config: fileConfig,
              hardCategories: parseList(flags.hardCategories),
              chunkSize: parsePositiveInt(flags.chunkSize, '--chunk-size') ?? TAIL_DEFAULTS.chunkSize,
              failpoint: process.env.PMTA_ACCT_FAILPOINT,
              clock: wall,
            },
            {
              notice,
              gap: (g) => {
                gapsSeen++;
                const text = `DATA LOST: ${g.path}: ${g.reason}`;
                // On the live view it is shown there, and printed again once the terminal is back.
                if (view) lost.push(text);
                else warn(text);
                notices.push(text);
                lostBytes += g.missing;
                ticks.metrics?.lost(g.missing);
              },
              committed: (delta, touched) => {
                ticks.committed(delta, touched);
                pipe?.committed();
                holdYoungGeneration();
              },
              beforeCommit: () => pipe?.sync(),
            },
          );
        // Standard input is read from here on, so PowerMTA is not held up while the state opens.
        if (stdin) pipe = new PipeInput(process.stdin, stateDir, spoolSize);
        const opened = pipe === null ? await open() : await pipe.open(open, notice);
        if (opened === null) {
          // Another tail --stdin holds the state: it counts what this one handed over.
          onExit(EXIT_OK);
          return;
        }
        const session = opened;
        const config = session.state.config;
        if (session.retention[0] < plan.horizon) {
          pipe?.close();
          session.close();
          throw new PmtaAcctError(
            'USAGE',
            `--retain ${config.bucket}=${formatSeconds(session.retention[0])}: the verdict rules look back ${formatSeconds(plan.horizon)}; keep ${config.bucket} buckets at least that long (tail's alerts and check --state judge them)`,
          );
        }
        if (session.started && stdin) {
          warn(`new state in ${session.state.dir}: counting standard input (spooled in ${dirname(live)} until counted)`);
        } else if (session.started) {
          // PowerMTA may write the current file under its dated name only: then that file is the one followed.
          const newest = existsSync(live) ? null : session.follower.newestRotated();
          const at = newest === null ? live : `${newest} (nothing at ${live}: the newest dated file is the one being written)`;
          warn(
            from === 'end'
              ? `new state in ${session.state.dir}: starting at the end of ${at}${lives.length > 1 ? ` and of ${lives.slice(1).join(', ')}` : ''} (--from end; --from beginning reads the rotated files too)`
              : `new state in ${session.state.dir}: reading ${lives.join(', ')} and ${lives.length > 1 ? 'their' : 'its'} rotated files from the beginning${since === null ? '' : `, counting events from ${flags.from}`}`,
          );
        }
        if (format === 'ndjson') {
          try {
            ticks.closed = withStateFaults(
              session.state.dir,
              'reading the state',
              () =>
                new ClosedBuckets(
                  session.state.db,
                  config,
                  by.filter((d) => config.dims.includes(d)),
                  seconds(flags.grace, '--grace'),
                ),
            );
          } catch (err) {
            pipe?.close();
            session.close();
            throw err;
          }
        }
        let server: import('node:http').Server | null = null;
        if (flags.metrics !== undefined) {
          const metrics = new TailMetrics(config.dims);
          ticks.metrics = metrics;
          // gaps are found when the state opens, before there are metrics
          metrics.lost(lostBytes);
          const { host, port } = parseListen(flags.metrics);
          try {
            server = await serveMetrics(metrics, host, port);
          } catch (err) {
            // a port in use: let go of the state (and of standard input, which would keep the process up)
            pipe?.close();
            session.close();
            throw err;
          }
          const addr = server.address();
          warn(
            `metrics on http://${host.includes(':') ? `[${host}]` : host}:${typeof addr === 'object' && addr !== null ? addr.port : port}/metrics`,
          );
        }
        let watcher: FSWatcher | null = null;
        if (flags.watch && flags.once !== true && !stdin) {
          const dirs = [...new Set(lives.flatMap((l) => makeLayout(l, config.rotatedDirs ?? []).dirs))];
          watcher = watch(dirs, { depth: 0, ignoreInitial: true, persistent: true });
          watcher.on('all', () => session.wake());
          watcher.on('error', () => undefined);
        }
        // SIGHUP too (the terminal or the ssh session went away): the last commit is made, then exit.
        const onSignal = (signal: NodeJS.Signals) => {
          if (!session.isStopped) warn(`${signal}: stopping after a last commit`);
          session.stop();
        };
        const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
        for (const s of signals) process.on(s, onSignal);
        let screen: Screen | null = null;
        ticks.start();
        const guarded = (doing: string, fn: () => void) => {
          try {
            fn();
          } catch (err) {
            session.faulted(err, doing);
          }
        };
        const tick = setInterval(() => guarded('reading the state', () => ticks.tick(session)), 1000);
        let totals = new Map<string, number>();
        if (view) {
          screen = new Screen(session, process.stdout, process.stdin, {
            refresh: seconds(flags.refresh, '--refresh') * 1000 || TAIL_DEFAULTS.refreshSeconds * 1000,
            color: flags.color && useColor(undefined),
            notices: () => notices,
            rules: plan.rules,
            status: () => {
              guarded('reading the state', () => {
                totals = readTotals(session.state.db);
              });
              return {
                live: lives.join(', '),
                rate: ticks.rate,
                lagBytes: session.follower.lag(),
                badRecords: totals.get('badRecords') ?? 0,
                records: totals.get('records') ?? 0,
                files: session.follower.followed().length,
                lastEvent: session.sink.lastEvent,
                gaps: gapsSeen,
              };
            },
          });
          screen.start();
        }
        try {
          await session.run(parsePositiveInt(flags.poll, '--poll') ?? TAIL_DEFAULTS.pollMs);
        } finally {
          clearInterval(tick);
          screen?.stop();
          for (const s of signals) process.off(s, onSignal);
          await watcher?.close();
          server?.close();
          pipe?.close();
          guarded('reading the state', () => ticks.finish(session, flags.once === true));
          session.close();
          await notifier?.drain();
        }
        if (view) for (const n of [...notices.slice(-5).filter((n) => !lost.includes(n)), ...lost]) warn(n);
        onExit(gapsSeen > 0 ? EXIT_WARNING : EXIT_OK);
      })
  );
}
