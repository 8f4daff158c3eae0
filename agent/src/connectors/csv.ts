// Batches travel as PostgreSQL COPY CSV (docs/exchange-protocol.md §3) whatever the database:
// NULL is an unquoted empty field, an empty string is "", records end with \n. A PostgreSQL
// target loads the bytes with COPY unchanged; these helpers are for the MySQL/MariaDB side.
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';

export type CsvValue = string | null;

const NEEDS_QUOTES = /[",\n\r]/;

export function encodeCsvField(value: CsvValue): string {
  if (value === null) return '';
  // `\.` alone is COPY's end-of-data marker, and an empty unquoted field would read back as NULL.
  if (value === '' || value === '\\.' || NEEDS_QUOTES.test(value)) return '"' + value.replace(/"/g, '""') + '"';
  return value;
}

export function encodeCsvRecord(values: CsvValue[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += ',';
    line += encodeCsvField(values[i]);
  }
  return line + '\n';
}

/**
 * Streaming parser: feed text in any pieces (a quoted field may span pieces and lines), take the
 * complete records. A record is ended by \n (a \r before it is dropped).
 */
export class CsvParser {
  private fields: CsvValue[] = [];
  private field = '';
  private quoted = false;
  private inQuotes = false;
  /** Inside quotes, a `"` was the last character seen: either a closing quote or half of `""`. */
  private quotePending = false;
  private fieldStarted = false;
  private line = 1;

  push(text: string): CsvValue[][] {
    const out: CsvValue[][] = [];
    let i = 0;
    const n = text.length;
    while (i < n) {
      if (this.inQuotes) {
        if (this.quotePending) {
          this.quotePending = false;
          if (text[i] === '"') { this.field += '"'; i++; continue; }
          this.inQuotes = false;
          continue;
        }
        const q = text.indexOf('"', i);
        if (q === -1) { this.field += text.slice(i); i = n; break; }
        this.field += text.slice(i, q);
        i = q + 1;
        this.quotePending = true;
        continue;
      }
      const c = text[i];
      if (c === ',') {
        this.endField();
        i++;
      } else if (c === '\n') {
        this.endField();
        out.push(this.fields);
        this.fields = [];
        this.line++;
        i++;
      } else if (c === '\r') {
        i++;
      } else if (c === '"') {
        this.inQuotes = true;
        this.quoted = true;
        this.fieldStarted = true;
        i++;
      } else {
        // Copy a run of ordinary characters at once.
        let j = i + 1;
        while (j < n) {
          const d = text.charCodeAt(j);
          if (d === 44 || d === 10 || d === 13 || d === 34) break;
          j++;
        }
        this.field += text.slice(i, j);
        this.fieldStarted = true;
        i = j;
      }
    }
    return out;
  }

  /** Call at the end of input: a last record without a final newline is returned. */
  finish(): CsvValue[][] {
    if (this.inQuotes && !this.quotePending) throw new CsvFormatError(`unterminated quoted field at line ${this.line}`);
    this.inQuotes = false;
    this.quotePending = false;
    if (this.fields.length === 0 && !this.fieldStarted) return [];
    this.endField();
    const rec = this.fields;
    this.fields = [];
    return [rec];
  }

  private endField(): void {
    this.fields.push(this.quoted ? this.field : this.field === '' ? null : this.field);
    this.field = '';
    this.quoted = false;
    this.fieldStarted = false;
  }
}

export class CsvFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvFormatError';
  }
}

/** Reads a CSV byte stream as groups of records (one group per incoming chunk). */
export async function* readCsvRecords(body: Readable): AsyncGenerator<CsvValue[][]> {
  const decoder = new StringDecoder('utf8');
  const parser = new CsvParser();
  for await (const chunk of body) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
    const recs = parser.push(text);
    if (recs.length > 0) yield recs;
  }
  const tail = parser.push(decoder.end());
  const last = parser.finish();
  if (tail.length + last.length > 0) yield [...tail, ...last];
}
