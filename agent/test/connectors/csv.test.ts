import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { CsvParser, encodeCsvRecord, readCsvRecords, type CsvValue } from '../../src/connectors/csv.ts';
import { maskText } from '../../src/connectors/masking.ts';
import { splitQualifiedName } from '../../src/connectors/sql-names.ts';

const records: CsvValue[][] = [
  ['1', null, '', 'plain'],
  ['2', 'a,b', 'say "hi"', 'two\nlines'],
  ['3', '\\.', '张三，李四', 'crlf\r\nend'],
  [null, null, null, null],
  ['', '""', ' spaced ', '\\x00ff'],
];

describe('COPY CSV', () => {
  it('encodes like PostgreSQL COPY … WITH (FORMAT csv) and parses back, split at any point', async () => {
    const text = records.map(encodeCsvRecord).join('');
    expect(text).toBe('1,,"",plain\n2,"a,b","say ""hi""","two\nlines"\n3,"\\.",张三，李四,"crlf\r\nend"\n,,,\n"","""""", spaced ,\\x00ff\n');
    const bytes = Buffer.from(text, 'utf8');
    for (let cut = 0; cut <= bytes.length; cut += 3) {
      const pieces = [bytes.subarray(0, cut), bytes.subarray(cut, cut + 1), bytes.subarray(cut + 1)];
      const got: CsvValue[][] = [];
      for await (const group of readCsvRecords(Readable.from(pieces))) got.push(...group);
      expect(got, `cut at ${cut}`).toEqual(records);
    }
  });

  it('takes a last record without a newline and rejects an unterminated quote', () => {
    const p = new CsvParser();
    expect(p.push('a,b\nc,"d')).toEqual([['a', 'b']]);
    expect(() => p.finish()).toThrow(/unterminated/);
    const q = new CsvParser();
    expect(q.push('x,"y"')).toEqual([]);
    expect(q.finish()).toEqual([['x', 'y']]);
    expect(new CsvParser().finish()).toEqual([]);
  });
});

describe('masking and names', () => {
  it('masks by characters and hides short values whole', () => {
    expect(maskText('110101199001011234', { keepStart: 6, keepEnd: 4 })).toBe('110101********1234');
    expect(maskText('张三丰', { keepStart: 1, keepEnd: 0 })).toBe('张**');
    expect(maskText('1234', { keepStart: 2, keepEnd: 2 })).toBe('****');
    expect(maskText('😀😀😀', { keepStart: 1, keepEnd: 1 })).toBe('😀*😀');
  });

  it('splits qualified table names, keeping quoted dots', () => {
    expect(splitQualifiedName('public.person')).toEqual(['public', 'person']);
    expect(splitQualifiedName('"my.schema"."Person ""A"""')).toEqual(['my.schema', 'Person "A"']);
    expect(splitQualifiedName('person')).toEqual(['person']);
    expect(() => splitQualifiedName('a..b')).toThrow();
    expect(() => splitQualifiedName('"a')).toThrow();
  });
});
