import { describe, expect, it } from 'vitest';
import { formatCsvLine } from '../../../models/data/formatCsvLine';
import { parseCsvLine } from '../../../models/data/parseCsvLine';
import { isOndeckError } from '../../../models/errors/OndeckError';

describe('parseCsvLine', () => {
  it('splits plain fields, keeping empty ones', () => {
    expect(parseCsvLine('1,2,,4,')).toEqual(['1', '2', '', '4', '']);
  });

  it('reads quoted fields holding the separator and doubled quotes', () => {
    expect(parseCsvLine('11,"American President, The (1995)",Comedy|Drama|Romance')).toEqual(['11', 'American President, The (1995)', 'Comedy|Drama|Romance']);
    expect(parseCsvLine('"say ""hi""",x')).toEqual(['say "hi"', 'x']);
    expect(parseCsvLine('a,"",b')).toEqual(['a', '', 'b']);
    expect(parseCsvLine('a,"last, quoted"')).toEqual(['a', 'last, quoted']);
    expect(parseCsvLine('"only"')).toEqual(['only']);
    expect(parseCsvLine('"trailing",')).toEqual(['trailing', '']);
  });

  it('keeps a quote inside an unquoted field literally', () => {
    expect(parseCsvLine('1,12" Vinyl,3')).toEqual(['1', '12" Vinyl', '3']);
  });

  it('supports other separators, including multi-character ones', () => {
    expect(parseCsvLine('1::Toy Story (1995)::Animation|Comedy', '::')).toEqual(['1', 'Toy Story (1995)', 'Animation|Comedy']);
    expect(parseCsvLine('196\t242\t3\t881250949', '\t')).toEqual(['196', '242', '3', '881250949']);
    expect(parseCsvLine('1|Toy Story (1995)|01-Jan-1995', '|')).toEqual(['1', 'Toy Story (1995)', '01-Jan-1995']);
    expect(parseCsvLine('"a::b"::c', '::')).toEqual(['a::b', 'c']);
  });

  it('leaves quotes alone when quoting is off', () => {
    expect(parseCsvLine('5::"Great" Day::Drama', '::', false)).toEqual(['5', '"Great" Day', 'Drama']);
  });

  it('returns null for an unterminated quote or text after a closing quote', () => {
    expect(parseCsvLine('1,"open,2')).toBeNull();
    expect(parseCsvLine('1,"closed"junk,2')).toBeNull();
  });
});

describe('formatCsvLine', () => {
  it('writes fields parseCsvLine reads back unchanged', () => {
    const fields = ['plain', 'with, comma', 'with "quotes"', '', ' padded ', 'Goodbye, "Golden" Tide', 'Zoë & 😀'];
    const line = formatCsvLine(fields);
    expect(line).toBe('plain,"with, comma","with ""quotes""",," padded ","Goodbye, ""Golden"" Tide",Zoë & 😀');
    expect(parseCsvLine(line)).toEqual(fields);
  });

  it('refuses line breaks, which a line-based reader cannot read back', () => {
    let error: unknown;
    try {
      formatCsvLine(['two\nlines']);
    } catch (e) {
      error = e;
    }
    expect(isOndeckError(error, 'invalid-argument')).toBe(true);
  });
});
