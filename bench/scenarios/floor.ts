/**
 * The floor: the cheapest way Node reads a file and touches every record (counts line ends).
 * `sync SIZE` is readSync into one buffer of SIZE bytes, the fastest read there is (the runner
 * tries a few sizes and takes the best as the floor); `stream` is fs.createReadStream with its
 * default 64 KiB chunks, how most Node tools read, for scale. Prints {"rows": N}.
 *
 * usage: node floor.js FILE (stream | sync SIZE)
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';

const [, , file, mode = 'stream', size = String(1 << 20)] = process.argv;

function count(buf: Buffer, n: number): number {
  let lines = 0;
  let p = buf.indexOf(10);
  while (p >= 0 && p < n) {
    lines++;
    p = buf.indexOf(10, p + 1);
  }
  return lines;
}

if (mode === 'sync') {
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(Number(size));
  let rows = 0;
  for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) rows += count(buf, n);
  closeSync(fd);
  console.log(JSON.stringify({ rows }));
} else {
  let rows = 0;
  createReadStream(file)
    .on('data', (chunk: Buffer | string) => {
      const b = chunk as Buffer;
      rows += count(b, b.length);
    })
    .on('end', () => console.log(JSON.stringify({ rows })));
}
