/**
 * Recipients in the fleet store: the domain in clear, the address as a keyed hash (HMAC-SHA256 of
 * the lower-cased address, hex), so that one person's records can be found by hashing the address
 * asked about, while the table holds no address list. The key is 32 random bytes (hex) in a file:
 * --hash-key-file, else $PMTA_ACCT_HASH_KEY_FILE, else $XDG_CONFIG_HOME/pmta-acct/recipient-hash.key
 * (~/.config/... without XDG_CONFIG_HOME). `load` creates it (mode 0600, its directory 0700) when
 * missing; every loading host and every querying host must hold the same key (copy it), which the
 * key id (the first 16 hex digits of the key's SHA-256) stored in the ledger lets `query` check.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { PmtaAcctError } from '../errors.js';

export const HASH_KEY_ENV = 'PMTA_ACCT_HASH_KEY_FILE';

export interface RecipientKey {
  readonly path: string;
  readonly key: Buffer;
  /** First 16 hex digits of the key's SHA-256: tells keys apart without showing them. */
  readonly id: string;
}

export function defaultKeyPath(env: NodeJS.ProcessEnv = process.env): string {
  const named = env[HASH_KEY_ENV];
  if (named !== undefined && named !== '') return named;
  const base = env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'pmta-acct', 'recipient-hash.key');
}

function keyOf(path: string, text: string): RecipientKey {
  const hex = text.trim();
  if (!/^[0-9a-f]{32,}$/i.test(hex))
    throw new PmtaAcctError('USAGE', `${path}: not a recipient hash key (at least 32 hex digits on its first line)`);
  const key = Buffer.from(hex, 'hex');
  return { path, key, id: createHash('sha256').update(key).digest('hex').slice(0, 16) };
}

/**
 * The key at `path` (default: defaultKeyPath()). With `create`, a missing file is made with a new
 * random key (mode 0600); without, a missing file is a USAGE error (a new key would match nothing).
 */
export function loadRecipientKey(path: string | undefined, create: boolean): RecipientKey {
  const file = path ?? defaultKeyPath();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new PmtaAcctError('INPUT_UNREADABLE', `${file}: cannot read the recipient hash key (${code ?? 'error'})`);
    if (!create)
      throw new PmtaAcctError(
        'USAGE',
        `${file}: no recipient hash key (the one the records were loaded with: copy it from a loading host, or name it with --hash-key-file)`,
      );
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    text = `${randomBytes(32).toString('hex')}\n`;
    try {
      writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
    } catch (e) {
      // another load made it first: use theirs
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new PmtaAcctError(
          'INPUT_UNREADABLE',
          `${file}: cannot create the recipient hash key (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
        );
      text = readFileSync(file, 'utf8');
    }
  }
  return keyOf(file, text.split(/\r?\n/, 1)[0] ?? '');
}

/** The stored hash of an address: HMAC-SHA256 of its trimmed, lower-cased text; '' for ''. */
export function recipientHash(key: RecipientKey, address: string): string {
  const a = address.trim().toLowerCase();
  return a === '' ? '' : createHmac('sha256', key.key).update(a).digest('hex');
}
