// A configured source query is placed inside our own statement as `(<query>) AS src`. It must be
// exactly one SELECT: a `;` outside quotes could end our statement (and, on PostgreSQL, end the
// read-only transaction with a COMMIT and run anything after it), and an unterminated quote or
// comment would swallow the rest of our SQL. This lexer checks both for the given dialect.
import { ConnectorError } from './types.ts';

export type Dialect = 'postgres' | 'mysql';

function fail(why: string): never {
  throw new ConnectorError('SOURCE_QUERY_FAILED', `the source query is not a single SELECT: ${why} / 源查询必须是单条 SELECT 语句`);
}

/** Returns the query without a trailing `;`, or throws SOURCE_QUERY_FAILED. */
export function checkSourceQuery(query: string, dialect: Dialect): string {
  const q = query.trim().replace(/;\s*$/, '').trim();
  if (q === '') fail('it is empty');
  if (q.includes('\0')) fail('it contains a NUL character');
  let depth = 0;
  let i = 0;
  const n = q.length;
  const isWord = (ch: string | undefined) => ch !== undefined && /[A-Za-z0-9_$]/.test(ch);
  while (i < n) {
    const ch = q[i];
    const next = q[i + 1];
    if (ch === '-' && next === '-' && (dialect === 'postgres' || q[i + 2] === undefined || /\s/.test(q[i + 2]))) {
      const end = q.indexOf('\n', i);
      if (end === -1) break; // a comment to the end; we add a newline before our own SQL
      i = end + 1;
    } else if (ch === '#' && dialect === 'mysql') {
      const end = q.indexOf('\n', i);
      if (end === -1) break;
      i = end + 1;
    } else if (ch === '/' && next === '*') {
      let nest = 1;
      i += 2;
      while (nest > 0) {
        if (i >= n) fail('a /* comment is not closed');
        if (q[i] === '*' && q[i + 1] === '/') { nest--; i += 2; } else if (dialect === 'postgres' && q[i] === '/' && q[i + 1] === '*') { nest++; i += 2; } else i++;
      }
    } else if (ch === "'" || ch === '"' || (ch === '`' && dialect === 'mysql')) {
      // PostgreSQL: backslash escapes only in E'…'; MySQL: in '…' and "…" always.
      const backslash = dialect === 'mysql' ? ch !== '`' : ch === "'" && /[eE]/.test(q[i - 1] ?? '') && !isWord(q[i - 2]);
      i++;
      for (;;) {
        if (i >= n) fail(`a ${ch} quote is not closed`);
        if (backslash && q[i] === '\\') { i += 2; continue; }
        if (q[i] === ch) {
          if (q[i + 1] === ch) { i += 2; continue; }
          i++;
          break;
        }
        i++;
      }
    } else if (ch === '$' && dialect === 'postgres' && !isWord(q[i - 1])) {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(q.slice(i));
      if (!m) { i++; continue; }
      const end = q.indexOf(m[0], i + m[0].length);
      if (end === -1) fail('a dollar-quoted string is not closed');
      i = end + m[0].length;
    } else if (ch === ';') {
      fail('it contains a ";" (more than one statement)');
    } else {
      if (ch === '(') depth++;
      else if (ch === ')' && --depth < 0) fail('a ")" has no matching "("');
      i++;
    }
  }
  if (depth !== 0) fail('a "(" is not closed');
  return q;
}
