// `COPY … TO STDOUT` for extraction: pg-copy-streams' query, with its message parser replaced.
// PostgreSQL sends one CopyData message per row; the library slices every message out of the
// socket data and joins the slices again, a few objects per row (a million rows: a million small
// buffers for the garbage collector). This parser copies each row's bytes straight into large
// output buffers, and keeps the last row, whose values are the batch's checkpoint (see postgres.ts).
import { to as copyTo } from 'pg-copy-streams';

const COPY_DATA = 0x64; // 'd'
const ERROR_RESPONSE = 0x45; // 'E'
// Messages PostgreSQL may send in the middle of a COPY; any other ends it (CopyDone, normally).
const INTERSPERSED = new Set([0x48 /* CopyOutResponse */, COPY_DATA, 0x53 /* ParameterStatus */, 0x4e /* NoticeResponse */, 0x41 /* NotificationResponse */]);
/** Output buffers: rows are gathered until this much is ready, then handed on in one piece. */
const OUT_BYTES = 256 * 1024;

// The library's decoder states, which its other methods rely on.
const PG_CODE = 0;
const PG_MESSAGE = 2;

type CopyStreamQuery = ReturnType<typeof copyTo>;
/** What the subclass touches of the library's state (pg-copy-streams 7, copy-to.js). */
interface LibraryState {
  _state: number;
  _code: number;
  _unreadMessageContentLength: number;
  _buffer: { size: number; push(b: Buffer): void; take(n: number): Buffer };
  _detach(): void;
  _cleanup(): void;
}

const Base = Object.getPrototypeOf(copyTo('SELECT 1')).constructor as new (text: string) => CopyStreamQuery;

export class CopyOutQuery extends Base {
  #out: Buffer = Buffer.allocUnsafe(OUT_BYTES);
  #pos = 0;
  /** Where the row being received (or the last one) starts in #out, and its length. */
  #rowStart = -1;
  #rowLength = 0;
  #lastRow: Buffer | null = null;

  /** The last row received, as COPY wrote it (with its line end); null before any. */
  get lastRow(): Buffer | null {
    return this.#lastRow;
  }

  _parse(chunk: Buffer): boolean | undefined {
    const self = this as unknown as LibraryState;
    // Bytes kept from the previous chunk (a message header cut in two) come first.
    const buf = self._buffer.size > 0 ? Buffer.concat([self._buffer.take(self._buffer.size), chunk]) : chunk;
    let off = 0;
    let done = false;
    while (off < buf.length) {
      if (self._state === PG_CODE) {
        if (buf.length - off < 5) break;
        const code = buf[off];
        if (code === ERROR_RESPONSE) {
          // As the library does: hand the rest back to pg, which reports the error to the query.
          self._buffer.push(buf.subarray(off));
          self._detach();
          return undefined;
        }
        self._code = code;
        self._unreadMessageContentLength = buf.readUInt32BE(off + 1) - 4;
        self._state = PG_MESSAGE;
        off += 5;
        if (code === COPY_DATA) this.#beginRow(self._unreadMessageContentLength);
      } else {
        const n = Math.min(buf.length - off, self._unreadMessageContentLength);
        if (self._code === COPY_DATA) {
          buf.copy(this.#out, this.#pos, off, off + n);
          this.#pos += n;
        }
        off += n;
        self._unreadMessageContentLength -= n;
      }
      if (self._state === PG_MESSAGE && self._unreadMessageContentLength === 0) {
        self._state = PG_CODE;
        if (!INTERSPERSED.has(self._code)) {
          done = true;
          break;
        }
      }
    }
    if (off < buf.length) self._buffer.push(off === 0 ? buf : buf.subarray(off));

    // Never in the middle of a row: the last row must stay whole in #out to be kept.
    const inRow = self._state === PG_MESSAGE && self._code === COPY_DATA;
    let drained = true;
    if (done || (!inRow && this.#pos >= OUT_BYTES / 2)) drained = this.#flush();
    if (done) {
      self._detach();
      this.push(null);
      self._cleanup();
    }
    return drained;
  }

  /** Makes room for a whole row in #out, so a row's bytes are always contiguous there. */
  #beginRow(length: number) {
    if (this.#pos + length > this.#out.length) {
      this.#flush();
      if (length > this.#out.length) this.#out = Buffer.allocUnsafe(length);
    }
    this.#rowStart = this.#pos;
    this.#rowLength = length;
  }

  #flush(): boolean {
    if (this.#pos === 0) return true;
    const full = this.#out.subarray(0, this.#pos);
    // The last row complete in this buffer is kept (one small copy per buffer, not per row).
    if (this.#rowStart >= 0 && this.#rowStart + this.#rowLength <= this.#pos) {
      this.#lastRow = Buffer.from(full.subarray(this.#rowStart, this.#rowStart + this.#rowLength));
    }
    this.#rowStart = -1;
    this.#out = Buffer.allocUnsafe(OUT_BYTES);
    this.#pos = 0;
    return this.push(full);
  }
}

export function copyOut(text: string): CopyOutQuery {
  return new CopyOutQuery(text);
}
