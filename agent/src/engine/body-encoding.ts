// Row batches travel compressed with Zstandard (ADR 0013): CSV shrinks several times, so every hop
// after the source — SM3 at the center and the target, the HTTP transfers, the center's store —
// handles a fraction of the bytes. The manifest names the encoding and the decoded size; bytes and
// sm3 are of the body as sent, so the center never decodes anything.
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { constants, createZstdCompress, createZstdDecompress } from 'node:zlib';
import type { BodyEncoding, Manifest } from '../center/types.ts';

/** Output chunks of the codec: large, so the streams downstream see few writes. */
const CODEC_CHUNK_BYTES = 256 * 1024;

/** Level 3 (zstd's default) compresses CSV faster than level 1 here and about as small. */
const ZSTD_LEVEL = 3;

export const BODY_ENCODINGS: readonly BodyEncoding[] = ['identity', 'zstd'];

export class BodyDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BodyDecodeError';
  }
}

/** The compressor a row batch is written through, or null for identity. */
export function bodyEncoder(encoding: BodyEncoding) {
  if (encoding === 'identity') return null;
  return createZstdCompress({ chunkSize: CODEC_CHUNK_BYTES, params: { [constants.ZSTD_c_compressionLevel]: ZSTD_LEVEL } });
}

/**
 * The body as the connector reads it: decoded, and refused (an error the apply's transaction
 * rolls back on) when it does not decode or decodes to another size than the signed rawBytes.
 * The size check also bounds what a small body can expand to.
 */
export function decodedBody(encoded: Readable, m: Pick<Manifest, 'batchId' | 'encoding' | 'rawBytes' | 'bytes'>): Readable {
  const encoding = m.encoding ?? 'identity';
  if (encoding === 'identity') return encoded;
  if (encoding !== 'zstd') throw new BodyDecodeError(`batch ${m.batchId}: unknown body encoding "${String(encoding)}" / 未知的批次编码`);
  const expected = m.rawBytes ?? m.bytes;
  const decoder = createZstdDecompress({ chunkSize: CODEC_CHUNK_BYTES });
  const sized = new SizeCheck(expected, m.batchId);
  const fail = (e: Error) => sized.destroy(e instanceof BodyDecodeError ? e : new BodyDecodeError(`batch ${m.batchId}: the body does not decode as ${encoding}: ${e.message} / 批次内容无法解压`));
  encoded.on('error', fail);
  decoder.on('error', fail);
  sized.on('close', () => { encoded.destroy(); decoder.destroy(); });
  return encoded.pipe(decoder).pipe(sized);
}

/** Passes bytes on and fails as soon as they exceed, or at the end fall short of, `expected`. */
class SizeCheck extends Transform {
  readonly #expected: number;
  readonly #batchId: string;
  #seen = 0;
  constructor(expected: number, batchId: string) {
    super();
    this.#expected = expected;
    this.#batchId = batchId;
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
    this.#seen += chunk.length;
    if (this.#seen > this.#expected) return done(this.#mismatch('more than'));
    done(null, chunk);
  }
  override _flush(done: TransformCallback) {
    done(this.#seen === this.#expected ? null : this.#mismatch('only'));
  }
  #mismatch(how: string) {
    return new BodyDecodeError(`batch ${this.#batchId}: the body decodes to ${how} ${how === 'only' ? this.#seen : this.#expected} bytes, but its manifest says ${this.#expected} / 解压后大小与清单不符`);
  }
}
