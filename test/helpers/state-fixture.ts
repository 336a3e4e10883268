/**
 * The states made by earlier releases (test/fixtures/state-v1, state-v2), copied to a temporary
 * directory with the absolute paths they stored moved there, and the report comparisons the
 * migration tests make on them (the clock of both fixtures: 2026-12-05T12:00:00Z).
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, expect } from 'vitest';
import { fixture, runCli } from './cli.js';
import { nowAt } from './tail.js';

export const FIXTURE_NOW = nowAt('2026-12-05T12:00:00Z');

const roots: string[] = [];
afterAll(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

/** Fixture `name` (made in `madeIn`) in a temporary directory; its files are state-v1's logs. */
export function copyStateFixture(name: string, madeIn: string): { root: string; state: string; dir: string; live: string } {
  const root = mkdtempSync(join(tmpdir(), `pmta-${name}-`));
  roots.push(root);
  const dir = join(root, 'logs');
  cpSync(fixture('state-v1', 'logs'), dir, { recursive: true });
  const state = join(root, 'state');
  mkdirSync(state, { mode: 0o700 });
  writeFileSync(join(state, 'state.db'), gunzipSync(readFileSync(fixture(name, 'state.db.gz'))), { mode: 0o600 });
  const db = new Database(join(state, 'state.db'));
  db.prepare("UPDATE meta SET value = replace(value, ?, ?) WHERE key = 'config'").run(madeIn, root);
  db.prepare('UPDATE files SET path = replace(path, ?, ?)').run(madeIn, root);
  db.close();
  return { root, state, dir, live: join(dir, 'acct.csv') };
}

export function stateMeta(state: string, key: string): string | undefined {
  const db = new Database(join(state, 'state.db'), { readonly: true });
  try {
    return (db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  } finally {
    db.close();
  }
}

export function reportJson(args: readonly string[]): { groups: unknown[]; total: unknown; input: { records: number } } {
  const r = runCli(['report', '--format', 'json', '--exit-zero', ...args], { env: FIXTURE_NOW });
  if (r.code !== 0) throw new Error(`report ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout) as { groups: unknown[]; total: unknown; input: { records: number } };
}

/** report --state equals report over the files, groups and total, byte for byte in JSON. */
export function sameAsFiles(state: string, dir: string, args: readonly string[]): void {
  const stored = reportJson(['--state', state, ...args]);
  const files = reportJson([dir, ...args]);
  expect(JSON.stringify(stored.groups), args.join(' ')).toBe(JSON.stringify(files.groups));
  expect(JSON.stringify(stored.total), args.join(' ')).toBe(JSON.stringify(files.total));
}
