import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { standardInput } from '../../src/source/feed.js';

/** Everything a stream gives, or the message of its error. */
async function drained(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A stream that hands over `bytes` in pieces of `size` bytes. */
function piecesOf(bytes: Buffer, size: number): Readable {
  const pieces: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) pieces.push(bytes.subarray(i, i + size));
  return Readable.from(pieces);
}

const TEXT = 'type,timeLogged,rcpt\r\nd,2026-11-28 10:00:00+0000,a@gmail.com\r\n';

describe('standard input', () => {
  it('passes text through as it is', async () => {
    expect(await drained(standardInput(piecesOf(Buffer.from(TEXT), 7)))).toBe(TEXT);
  });

  it('gunzips what starts with the gzip magic number, also when it arrives a byte at a time', async () => {
    const gz = gzipSync(TEXT);
    expect(await drained(standardInput(piecesOf(gz, 1)))).toBe(TEXT);
    expect(await drained(standardInput(piecesOf(gz, 4096)))).toBe(TEXT);
  });

  it('gunzips concatenated members (cat a.csv.gz b.csv.gz)', async () => {
    expect(await drained(standardInput(piecesOf(Buffer.concat([gzipSync(TEXT), gzipSync(TEXT)]), 10)))).toBe(TEXT + TEXT);
  });

  it('an empty input and a one-byte input end', async () => {
    expect(await drained(standardInput(Readable.from([])))).toBe('');
    expect(await drained(standardInput(piecesOf(Buffer.from('x'), 1)))).toBe('x');
  });

  it('a truncated gzip stream ends in an error', async () => {
    const gz = gzipSync(TEXT.repeat(50));
    expect(await drained(standardInput(piecesOf(gz.subarray(0, gz.length - 20), 16)))).toMatch(/^error: /);
  });
});
