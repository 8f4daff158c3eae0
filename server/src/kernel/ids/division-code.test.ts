import { describe, expect, it } from 'vitest';
import { parseDivisionCode } from './division-code.ts';

const codes = (c: string) => parseDivisionCode(c).errors.map((e) => e.code);

describe('parseDivisionCode', () => {
  it('classifies 6-digit codes and finds the parent', () => {
    expect(parseDivisionCode('360000')).toEqual({ valid: true, level: 'province', parentCode: undefined, errors: [] });
    expect(parseDivisionCode('360100')).toMatchObject({ valid: true, level: 'city', parentCode: '360000' });
    expect(parseDivisionCode('360102')).toMatchObject({ valid: true, level: 'county', parentCode: '360100' });
    expect(parseDivisionCode('429004')).toMatchObject({ valid: true, level: 'county', parentCode: '429000' });
    expect(parseDivisionCode('810000')).toMatchObject({ valid: true, level: 'province' });
  });

  it('classifies township and village codes', () => {
    expect(parseDivisionCode('360102001')).toMatchObject({ valid: true, level: 'township', parentCode: '360102' });
    expect(parseDivisionCode('441900003')).toMatchObject({ valid: true, level: 'township', parentCode: '441900' });
    expect(parseDivisionCode('360102001002')).toMatchObject({ valid: true, level: 'village', parentCode: '360102001' });
  });

  it('checks the province prefix against the GB/T 2260 list', () => {
    for (const p of ['11', '15', '21', '23', '31', '37', '41', '46', '50', '54', '61', '65', '71', '81', '82']) {
      expect(parseDivisionCode(p + '0000').valid).toBe(true);
    }
    for (const p of ['00', '10', '16', '24', '38', '47', '55', '66', '72', '83', '99']) {
      expect(codes(p + '0000')).toEqual(['provinceCode']);
    }
    expect(codes('990102001')).toEqual(['provinceCode']);
  });

  it('reports length and charset problems', () => {
    expect(parseDivisionCode('36010')).toEqual({ valid: false, errors: [expect.objectContaining({ code: 'length' })] });
    expect(codes('3601020')).toEqual(['length']);
    expect(codes('')).toEqual(['length']);
    expect(parseDivisionCode('3601A2')).toMatchObject({ valid: false, level: 'county', errors: [{ code: 'charset' }] });
  });

  it('rejects zero-padded and province-rooted sub-county codes', () => {
    expect(codes('360102000')).toEqual(['format']);
    expect(codes('360102001000')).toEqual(['format']);
    expect(codes('360102000001')).toEqual(['format']);
    expect(codes('360000001')).toEqual(['format']);
  });
});
