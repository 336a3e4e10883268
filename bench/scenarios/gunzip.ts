/**
 * The gzip floor: decompress a .gz with Node's zlib and count line ends. Prints {"rows": N}. Node's
 * zlib (Chromium's, with SIMD) is the fastest inflate on this machine kind: `gzip -dc | wc -l` took
 * about twice its CPU. It takes the chunk size pmta-acct takes (1 MiB), which is its fastest too
 * (bench/RESULTS.md, fourth pass).
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

let rows = 0;
createReadStream(process.argv[2], { highWaterMark: 1 << 20 })
  .pipe(createGunzip({ chunkSize: 1 << 20 }))
  .on('data', (b: Buffer) => {
    let p = b.indexOf(10);
    while (p >= 0) {
      rows++;
      p = b.indexOf(10, p + 1);
    }
  })
  .on('end', () => console.log(JSON.stringify({ rows })));
