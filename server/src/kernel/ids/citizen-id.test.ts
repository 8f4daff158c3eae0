import { describe, expect, it } from 'vitest';
import { checkCitizenId, citizenIdCheckCharacter, maskCitizenId } from './citizen-id.ts';

const now = new Date('2025-06-01T00:00:00Z');
const codes = (id: string) => checkCitizenId(id, { now }).errors.map((e) => e.code);
const make = (first17: string) => first17 + citizenIdCheckCharacter(first17);

describe('checkCitizenId', () => {
  it('accepts the GB 11643 example and describes it', () => {
    expect(checkCitizenId('11010519491231002X', { now })).toEqual({
      valid: true,
      errors: [],
      parts: { divisionCode: '110105', birthDate: '1949-12-31', sequence: '002', sex: 'female' },
    });
  });

  it('accepts constructed numbers and reads the sex from the sequence', () => {
    const id = make('36010219900101123');
    expect(checkCitizenId(id, { now }).valid).toBe(true);
    expect(checkCitizenId(id, { now }).parts?.sex).toBe('male');
    expect(checkCitizenId(make('36010220000229002'), { now }).valid).toBe(true); // leap day
  });

  it('reports a wrong check character', () => {
    expect(codes('110105194912310021')).toEqual(['checkCharacter']);
    expect(checkCitizenId('110105194912310021', { now }).errors[0].message).toContain('expected X');
  });

  it('reports length and charset problems', () => {
    expect(codes('')).toEqual(['length']);
    expect(codes('110105491231002')).toEqual(['length']); // legacy 15-digit number
    expect(codes('11010519491231002x')).toEqual(['charset']);
    expect(codes('1101051949123100A2')).toEqual(['charset']);
  });

  it('reports impossible or future birth dates', () => {
    expect(codes(make('36010219900230123'))).toEqual(['birthDate']);
    expect(codes(make('36010219011301123'))).toEqual(['birthDate']);
    expect(codes(make('36010218991231123'))).toEqual(['birthDate']);
    expect(codes(make('36010220250602123'))).toEqual(['birthDate']);
    expect(codes(make('36010220250601123'))).toEqual([]);
  });

  it('reports a malformed division code', () => {
    expect(codes(make('99010219900101123'))).toEqual(['divisionCode']);
  });
});

describe('maskCitizenId', () => {
  it('keeps the first six and last four characters', () => {
    expect(maskCitizenId('360102199001011234')).toBe('360102********1234');
    expect(maskCitizenId('11010519491231002X')).toBe('110105********002X');
  });

  it('reveals nothing of very short input', () => {
    expect(maskCitizenId('12345')).toBe('*****');
    expect(maskCitizenId('')).toBe('');
  });
});
