/**
 * Where the fleet store is: ClickHouse's HTTP interface as `http[s]://[user@]host[:port]/DATABASE`.
 * The password never comes from the command line (it would show in `ps` and in shell history):
 * it comes from $PMTA_ACCT_CLICKHOUSE_PASSWORD, or from a file named by --clickhouse-password-file
 * or $PMTA_ACCT_CLICKHOUSE_PASSWORD_FILE (its first line). A URL with a password in it is refused.
 * `display` is the URL as it may be shown in messages and logs: never with a password.
 */
import { readFileSync } from 'node:fs';
import { PmtaAcctError, messageOf } from '../errors.js';
import { checkIdentifier } from './sql.js';

export const URL_ENV = 'PMTA_ACCT_CLICKHOUSE';
export const PASSWORD_ENV = 'PMTA_ACCT_CLICKHOUSE_PASSWORD';
export const PASSWORD_FILE_ENV = 'PMTA_ACCT_CLICKHOUSE_PASSWORD_FILE';

export interface ClickHouseTarget {
  /** `http://host:port` (no user, no path). */
  readonly endpoint: string;
  readonly database: string;
  readonly username: string;
  readonly password: string;
  /** The URL without a password: for messages. */
  readonly display: string;
}

export interface CredentialSources {
  /** --clickhouse-password-file, when given. */
  readonly passwordFile?: string;
  readonly env?: NodeJS.ProcessEnv;
}

function usage(text: string, detail: string): PmtaAcctError {
  return new PmtaAcctError('USAGE', `--clickhouse ${text}: ${detail} (the form is http[s]://[user@]host[:port]/DATABASE)`);
}

/** The URL's pieces, checked; the password is looked up separately (`resolveTarget`). */
export function parseClickHouseUrl(text: string): Omit<ClickHouseTarget, 'password'> {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw usage(JSON.stringify(text), 'not a URL');
  }
  if (u.password !== '')
    throw usage(
      '(password hidden)',
      `a password in the URL would show in the process list: give it in $${PASSWORD_ENV} or a file (--clickhouse-password-file)`,
    );
  const shown = `${u.protocol}//${u.username === '' ? '' : `${u.username}@`}${u.host}${u.pathname}`;
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw usage(shown, `'${u.protocol}' is not http: or https: (ClickHouse's HTTP interface, port 8123 by default)`);
  if (u.search !== '' || u.hash !== '') throw usage(shown, 'no query string or fragment');
  const path = u.pathname.replace(/^\/+|\/+$/g, '');
  if (path === '') throw usage(shown, 'name the database after the host, e.g. http://clickhouse:8123/pmta');
  if (path.includes('/')) throw usage(shown, `'${path}' is not one database name`);
  const database = decodeURIComponent(path);
  try {
    checkIdentifier(database, 'database');
  } catch (err) {
    throw usage(shown, messageOf(err));
  }
  const username = u.username === '' ? 'default' : decodeURIComponent(u.username);
  const port = u.port !== '' ? u.port : u.protocol === 'https:' ? '8443' : '8123';
  const endpoint = `${u.protocol}//${u.hostname}:${port}`;
  return {
    endpoint,
    database,
    username,
    display: `${u.protocol}//${u.username === '' ? '' : `${u.username}@`}${u.hostname}:${port}/${database}`,
  };
}

/** The password: the environment variable, else the file (option, then environment), else empty. */
export function resolvePassword(sources: CredentialSources = {}): string {
  const env = sources.env ?? process.env;
  const inline = env[PASSWORD_ENV];
  if (inline !== undefined && inline !== '') return inline;
  const file = sources.passwordFile ?? env[PASSWORD_FILE_ENV];
  if (file === undefined || file === '') return '';
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new PmtaAcctError(
      code === 'ENOENT' ? 'INPUT_NOT_FOUND' : 'INPUT_UNREADABLE',
      `${file}: cannot read the ClickHouse password file (${code ?? messageOf(err)})`,
    );
  }
  return text.split(/\r?\n/, 1)[0] ?? '';
}

/** The URL (the option's, else $PMTA_ACCT_CLICKHOUSE) and its password; null when neither names one. */
export function resolveTarget(url: string | undefined, sources: CredentialSources = {}): ClickHouseTarget | null {
  const env = sources.env ?? process.env;
  const text = url ?? env[URL_ENV];
  if (text === undefined || text === '') return null;
  return { ...parseClickHouseUrl(text), password: resolvePassword(sources) };
}
