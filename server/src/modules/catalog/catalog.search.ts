import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import type { EntryContent } from './domain/entry.ts';

/**
 * Chinese search tokens (docs/adr/0006). jieba's search mode yields both words and their parts
 * (市场主体 → 市场, 主体, 市场主体), so a keyword matches whether it is a whole term or a piece of
 * one. The dictionary loads once, on first use.
 */
let jieba: Jieba | null = null;
const cutter = () => (jieba ??= Jieba.withDict(dict));

/** Particles and conjunctions that would match nearly every entry. */
const STOPWORDS = new Set(['的', '和', '与', '及', '或', '等', '之', '在', '对', '为', '了', '是']);
const MEANINGFUL = /[\p{L}\p{N}]/u;

export function tokenize(text: string): string[] {
  const out = new Set<string>();
  for (const raw of cutter().cutForSearch(text, true)) {
    const token = raw.trim().toLowerCase();
    if (!token || !MEANINGFUL.test(token) || STOPWORDS.has(token)) continue;
    out.add(token);
  }
  return [...out];
}

/** What an entry can be found by: its name, summary, unit and every field's names. */
export function entryTokens(c: EntryContent): string[] {
  const parts = [c.name, c.summary, c.providerUnit ?? '', ...c.fields.flatMap((f) => [f.name, f.englishName, f.description ?? ''])];
  return tokenize(parts.join('\n'));
}
