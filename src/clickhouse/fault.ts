/**
 * Every way talking to ClickHouse fails, as one line a person can act on (and exit 3 through the
 * CLI), never a stack trace: the connection (refused, no such host, timeout, reset, TLS), the
 * server's refusal (authentication, no database, no table, any other server error, by its code),
 * or an answer that is not ClickHouse's. `transient` says whether trying again later may help
 * (ship retries those, and stops on the rest).
 */
import { PmtaAcctError, messageOf } from '../errors.js';

export class ClickHouseFault extends PmtaAcctError {
  /** The server's error code (`Code: 60`), when the server answered with one. */
  readonly serverCode: number | null;
  /** A connection fault or a server busy/restarting: worth retrying. */
  readonly transient: boolean;

  constructor(display: string, detail: string, serverCode: number | null, transient: boolean, cause?: unknown) {
    super('CLICKHOUSE', `ClickHouse ${display}: ${detail}`, { cause });
    this.name = 'ClickHouseFault';
    this.serverCode = serverCode;
    this.transient = transient;
  }
}

/** Server error codes (ClickHouse's ErrorCodes.cpp) this module names. */
const UNKNOWN_TABLE = 60;
const UNKNOWN_DATABASE = 81;
const AUTH_CODES = new Set([192, 193, 194, 195, 516]); // unknown user, wrong password, password required, IP not allowed, auth failed (19.x+)
/** Codes a restart, overload or a shard down raises: the next try may pass. */
const TRANSIENT_CODES = new Set([159, 160, 202, 209, 210, 242, 252, 279, 319, 394]);
// 159 timeout, 160 too slow, 202 too many simultaneous queries, 209 socket timeout, 210 network
// error, 242 table is read only, 252 too many parts, 279 all connection tries failed, 319 unknown
// status of insert, 394 query was cancelled (server shutting down)

const CONNECTION_CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused (is clickhouse-server running and listening on that port?)',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be resolved now',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was closed while sending',
  ETIMEDOUT: 'no answer (connection timed out)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

/** The first line of a server message, without 18.16's `e.displayText() = DB::Exception:` wrapping. */
function serverText(message: string): string {
  const line = message.trim().split('\n', 1)[0] ?? '';
  const m =
    /e\.displayText\(\) = (?:DB::Exception: )?(.*?)(?:, e\.what\(\) = .*)?$/.exec(line) ??
    /^Code: \d+\. (?:DB::Exception: )?(.*?)(?: \(version .*)?$/.exec(line);
  const text = (m?.[1] ?? line).replace(/\.$/, '');
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}

/** Codes of a Distributed query or insert that could not reach a server of the cluster. */
const SHARD_CODES = new Set([210, 279]);

/**
 * The server of the cluster that a Distributed query or insert could not reach, and why, from
 * 18.16's NetException lines (`Connection refused (127.0.0.1:9000)`; code 279 puts them under a
 * first line that names no server), or null.
 */
function unreachableShard(message: string): string | null {
  const m = /NetException: ([^,\n]*?) \(([^()\s]+:\d+)\)/.exec(message);
  return m === null ? null : `${m[2]} (${m[1].replace(/\.$/, '').toLowerCase()})`;
}

function errnoOf(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code !== '') return code;
  }
  return undefined;
}

/**
 * `err` (from the client or the socket) as a ClickHouseFault. `username` names who was refused;
 * `database` which database or table was missing.
 */
export function clickHouseFault(err: unknown, display: string, context: { username: string; database: string }): ClickHouseFault {
  if (err instanceof ClickHouseFault) return err;
  const message = messageOf(err);
  const codeMatch = /^Code: (\d+)/.exec(message.trim());
  const serverCode = codeMatch === null ? null : Number(codeMatch[1]);
  if (serverCode !== null) {
    if (AUTH_CODES.has(serverCode)) {
      return new ClickHouseFault(
        display,
        `user '${context.username}' was refused (${serverText(message)}; the password comes from $PMTA_ACCT_CLICKHOUSE_PASSWORD or --clickhouse-password-file)`,
        serverCode,
        false,
        err,
      );
    }
    if (serverCode === UNKNOWN_DATABASE)
      return new ClickHouseFault(
        display,
        `database '${context.database}' does not exist: run pmta-acct clickhouse init --clickhouse URL`,
        serverCode,
        false,
        err,
      );
    if (serverCode === UNKNOWN_TABLE)
      return new ClickHouseFault(display, `${serverText(message)}: run pmta-acct clickhouse init --clickhouse URL`, serverCode, false, err);
    const shard = SHARD_CODES.has(serverCode) ? unreachableShard(message) : null;
    if (shard !== null)
      return new ClickHouseFault(
        display,
        `server error ${serverCode}: a server of the cluster did not answer: ${shard}; every shard must answer for the fleet's figures: start it (or correct remote_servers), then run this again`,
        serverCode,
        true,
        err,
      );
    return new ClickHouseFault(
      display,
      `server error ${serverCode}: ${serverText(message)}`,
      serverCode,
      TRANSIENT_CODES.has(serverCode),
      err,
    );
  }
  const errno = errnoOf(err);
  if (errno !== undefined && Object.hasOwn(CONNECTION_CODES, errno))
    return new ClickHouseFault(display, CONNECTION_CODES[errno], null, errno !== 'ENOTFOUND', err);
  if (/timeout/i.test(message)) return new ClickHouseFault(display, 'no answer in time (request timed out)', null, true, err);
  if (/socket hang up|other side closed|ECONNRESET/i.test(message))
    return new ClickHouseFault(display, 'the connection was closed before the answer', null, true, err);
  if (errno !== undefined && /^(ERR_TLS|ERR_SSL|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO)/.test(errno))
    return new ClickHouseFault(display, `TLS: ${message.split('\n', 1)[0]}`, null, false, err);
  return new ClickHouseFault(
    display,
    `unexpected answer: ${(message.trim().split(/\r?\n/, 1)[0] ?? '').trim().slice(0, 300)} (is this ClickHouse's HTTP port?)`,
    null,
    false,
    err,
  );
}
