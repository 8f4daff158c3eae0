import { describe, expect, it } from 'vitest';
import { checkSourceQuery } from '../../src/connectors/query-text.ts';

describe('source query check', () => {
  it('accepts one SELECT with quotes, comments and nested parentheses', () => {
    const ok = [
      "SELECT id, name FROM person WHERE note <> ';' AND x = 'it''s (' -- trailing; comment",
      'SELECT "odd;name" FROM t /* a ; ( comment /* nested */ */ WHERE (a = (1))',
      "SELECT $$ ; ) $$, $tag$ ' $tag$, E'\\' ;' FROM t;",
      'SELECT id FROM t WHERE a = $1',
    ];
    for (const q of ok) expect(() => checkSourceQuery(q, 'postgres'), q).not.toThrow();
    expect(checkSourceQuery('SELECT 1;  ', 'postgres')).toBe('SELECT 1');
    expect(() => checkSourceQuery("SELECT 'a\\' ; ' FROM t # comment ;", 'mysql')).not.toThrow();
    expect(() => checkSourceQuery('SELECT `a;b` FROM t', 'mysql')).not.toThrow();
  });

  it('refuses a second statement, unclosed quotes or comments, and unbalanced parentheses', () => {
    const bad = [
      'SELECT 1) AS src; COMMIT; DROP TABLE person; SELECT (1',
      'SELECT 1; DROP TABLE person',
      "SELECT 'open",
      'SELECT 1 /* open',
      'SELECT $x$ open',
      'SELECT 1) AS x, (SELECT 2',
      'SELECT (1',
      '',
      ';',
    ];
    for (const q of bad) expect(() => checkSourceQuery(q, 'postgres'), q).toThrow(/single SELECT/);
    // In MySQL a backslash escapes the quote, so this string never closes.
    expect(() => checkSourceQuery("SELECT 'a\\'; DROP TABLE t", 'mysql')).toThrow(/single SELECT/);
    expect(() => checkSourceQuery("SELECT 'a\\'; DROP TABLE t; SELECT '", 'postgres')).toThrow(/single SELECT/);
  });
});
