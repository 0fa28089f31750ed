// Writes name.br (brotli, best) and name.gz (gzip -9) beside each file of a
// folder, for the server to send as they are. Usage: node precompress.mjs <dir>
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, gzipSync, constants as C } from 'node:zlib';

const dir = process.argv[2];
for (const f of readdirSync(dir).filter((f) => /\.(wasm|js|css)$/.test(f))) {
  const b = readFileSync(`${dir}/${f}`);
  writeFileSync(`${dir}/${f}.br`, brotliCompressSync(b, {
    params: {
      [C.BROTLI_PARAM_QUALITY]: 11,
      [C.BROTLI_PARAM_LGWIN]: 24,
      [C.BROTLI_PARAM_SIZE_HINT]: b.length,
    },
  }));
  writeFileSync(`${dir}/${f}.gz`, gzipSync(b, { level: 9 }));
}
