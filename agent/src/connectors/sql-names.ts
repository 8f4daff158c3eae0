// Table names arrive from the center's task configuration as text ("public.person"). They are
// never spliced into SQL as written: each part is quoted for the dialect, so a name cannot end a
// statement or smuggle in another one. Case is kept as configured (names are the catalog's).

/** Splits `a.b` / `"a.b".c` into its parts; a part in double quotes may contain dots and `""`. */
export function splitQualifiedName(name: string): string[] {
  const parts: string[] = [];
  let i = 0;
  const text = name.trim();
  if (text === '') throw new Error('empty table name');
  while (i <= text.length) {
    if (text[i] === '"') {
      let part = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new Error(`unterminated quote in table name ${name}`);
        if (text[i] === '"') {
          if (text[i + 1] === '"') { part += '"'; i += 2; continue; }
          i++;
          break;
        }
        part += text[i++];
      }
      parts.push(part);
    } else {
      const dot = text.indexOf('.', i);
      const end = dot === -1 ? text.length : dot;
      parts.push(text.slice(i, end).trim());
      i = end;
    }
    if (i >= text.length) break;
    if (text[i] !== '.') throw new Error(`unexpected character after quoted name in ${name}`);
    i++;
  }
  if (parts.length > 3 || parts.some((p) => p === '')) throw new Error(`invalid table name: ${name}`);
  return parts;
}

export function pgIdent(name: string): string {
  if (name.includes('\0')) throw new Error('identifier contains a NUL character');
  return '"' + name.replace(/"/g, '""') + '"';
}

export function pgTable(name: string): string {
  return splitQualifiedName(name).map(pgIdent).join('.');
}

export function pgLiteral(value: string): string {
  if (value.includes('\0')) throw new Error('value contains a NUL character');
  // E'' form so the meaning does not depend on standard_conforming_strings.
  return "E'" + value.replace(/\\/g, '\\\\').replace(/'/g, "''") + "'";
}

export function myIdent(name: string): string {
  if (name.includes('\0')) throw new Error('identifier contains a NUL character');
  return '`' + name.replace(/`/g, '``') + '`';
}

export function myTable(name: string): string {
  return splitQualifiedName(name).map(myIdent).join('.');
}
