import { describe, expect, it } from 'vitest';
import { escapeHtml, renderHighlight } from '../../worker/modules/search/search.highlight';
import { MAX_CLAUSES, parseSearchQuery, SAFE_TOKEN } from '../../worker/modules/search/search.query';

const words = (tokens: string[], prefix = false) => ({ kind: 'words', tokens, prefix });
const phrase = (tokens: string[]) => ({ kind: 'phrase', tokens, prefix: false });

describe('search query grammar', () => {
  it('ANDs words, lower-cased; the last word from 3 characters is a prefix', () => {
    expect(parseSearchQuery('Société Générale')).toEqual({
      groups: [[words(['société'])], [words(['générale'], true)]],
      excluded: [],
      text: 'société générale',
    });
    expect(parseSearchQuery('ab').groups).toEqual([[words(['ab'])]]);
    expect(parseSearchQuery('ab', { prefixMin: 2 }).groups).toEqual([[words(['ab'], true)]]);
    expect(parseSearchQuery('abc ').groups).toEqual([[words(['abc'], true)]]);
  });

  it('keeps phrases, or-groups and exclusions apart', () => {
    const parsed = parseSearchQuery('"asset management" amundi or lazard -immobilier -"real estate"');
    expect(parsed.groups).toEqual([
      [phrase(['asset', 'management'])],
      [words(['amundi']), words(['lazard'])],
    ]);
    expect(parsed.excluded).toEqual([words(['immobilier']), phrase(['real', 'estate'])]);
    expect(parsed.text).toBe('asset management amundi lazard');
  });

  it('treats a dangling or as a word, and an unclosed quote as a phrase to the end', () => {
    expect(parseSearchQuery('or amundi').groups).toEqual([[words(['or'])], [words(['amundi'], true)]]);
    expect(parseSearchQuery('amundi OR').groups).toEqual([[words(['amundi'])], [words(['or'])]]);
    expect(parseSearchQuery('"caisse de retraite').groups).toEqual([[phrase(['caisse', 'de', 'retraite'])]]);
  });

  it('splits elisions and keeps emails, domains and numbers whole', () => {
    expect(parseSearchQuery("L'Oréal").groups).toEqual([[words(['l', 'oréal'], true)]]);
    expect(parseSearchQuery('l’oréal').groups).toEqual([[words(['l', 'oréal'], true)]]);
    expect(parseSearchQuery('jean.dupont@bnp-paribas.fr').groups).toEqual([
      [words(['jean.dupont@bnp-paribas.fr'], true)],
    ]);
    expect(parseSearchQuery('M-2031-042').groups).toEqual([[words(['m-2031-042'], true)]]);
  });

  it('reads a number typed with separators as digits too', () => {
    expect(parseSearchQuery('01 42 14 20 00').groups).toEqual([
      [{ kind: 'words', tokens: ['01', '42', '14', '20', '00'], prefix: true, digits: '0142142000' }],
    ]);
    expect(parseSearchQuery('+33 (0)1 42').groups[0]?.[0]?.digits).toBe('330142');
    expect(parseSearchQuery('0033 1 42 14 20 00').groups[0]?.[0]?.digits).toBe('33142142000');
    expect(parseSearchQuery('2026').groups).toEqual([[words(['2026'], true)]]);
  });

  it('drops operators and punctuation; an exclusion alone searches nothing', () => {
    expect(
      parseSearchQuery("a & b | !c (d) <-> e:* f' \\ g")
        .groups.flat()
        .flatMap((c) => c.tokens),
    ).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(parseSearchQuery('-amundi')).toEqual({ groups: [], excluded: [words(['amundi'])], text: '' });
    expect(parseSearchQuery('!!! ::: ""').groups).toEqual([]);
    expect(parseSearchQuery('- amundi').groups).toEqual([[words(['amundi'], true)]]);
  });

  it(`caps a query at ${MAX_CLAUSES} clauses`, () => {
    const parsed = parseSearchQuery(Array.from({ length: 40 }, (_, index) => `w${index}`).join(' '));
    expect(parsed.groups).toHaveLength(MAX_CLAUSES);
  });

  it('only ever emits tsquery-safe tokens', () => {
    const nasty = `'\\":*&|!()<>@.-_ é ﬁ 日本 😀 \u0301x \uE000 \u0000 ${'z'.repeat(50)}`;
    for (let start = 0; start < nasty.length; start++) {
      const parsed = parseSearchQuery(nasty.slice(start) + nasty.slice(0, start));
      for (const clause of [...parsed.groups.flat(), ...parsed.excluded]) {
        for (const token of clause.tokens) expect(token).toMatch(SAFE_TOKEN);
      }
    }
  });
});

describe('search highlights', () => {
  it('escapes everything and turns only our markers into <mark>', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(renderHighlight('\uE000<i>\uE001 & co')).toBe('<mark>&lt;i&gt;</mark> &amp; co');
    expect(renderHighlight('no match', { requireMatch: true })).toBeNull();
    expect(renderHighlight(null)).toBeNull();
  });
});
