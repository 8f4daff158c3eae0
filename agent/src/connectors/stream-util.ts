import type { Readable, Writable } from 'node:stream';

/** Pipes `src` into `out` without ending `out` (the engine owns it); settles when `src` ends. */
export function pumpInto(src: Readable, out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      out.off('error', onOutError);
      src.off('error', onSrcError);
      src.off('end', onEnd);
    };
    const onOutError = (e: Error) => { cleanup(); src.unpipe(out); src.destroy(e); reject(e); };
    const onSrcError = (e: Error) => { cleanup(); src.unpipe(out); reject(e); };
    const onEnd = () => { cleanup(); resolve(); };
    out.on('error', onOutError);
    src.on('error', onSrcError);
    src.on('end', onEnd);
    src.pipe(out, { end: false });
  });
}

/** Writes respecting back-pressure. */
export function writeChunk(out: Writable, chunk: string): Promise<void> | null {
  if (out.write(chunk)) return null;
  return new Promise((resolve, reject) => {
    const onDrain = () => { out.off('error', onError); resolve(); };
    const onError = (e: Error) => { out.off('drain', onDrain); reject(e); };
    out.once('drain', onDrain);
    out.once('error', onError);
  });
}
