import { describe, expect, it } from 'vitest';
import { checkUscc, makeUscc, usccCheckCharacter } from './uscc.ts';

const codes = (c: string) => checkUscc(c).errors.map((e) => e.code);

describe('checkUscc', () => {
  it('accepts published codes of real enterprises and the GB 32100 example', () => {
    for (const c of ['91350100M000100Y43', '9144030071526726XG', '91330100716105852F']) {
      expect(checkUscc(c)).toMatchObject({ valid: true, errors: [] });
    }
  });

  it('accepts a government body built with makeUscc and describes its parts', () => {
    // 机构编制 / 机关, registered in Nanchang (360100).
    const code = makeUscc('11360100014500001');
    expect(code).toBe('11360100014500001Q');
    expect(checkUscc(code)).toEqual({
      valid: true,
      errors: [],
      parts: {
        registrationAuthority: '1',
        registrationAuthorityName: '机构编制',
        entityType: '1',
        entityTypeName: '机关',
        divisionCode: '360100',
        organizationCode: '014500001',
      },
    });
  });

  it('accepts national-level bodies (division 100000) and other authorities', () => {
    expect(checkUscc(makeUscc('12100000400012345')).valid).toBe(true);
    expect(checkUscc(makeUscc('53100000500012345')).parts?.entityTypeName).toBe('基金会');
    expect(checkUscc(makeUscc('N2360102MA3812345')).parts?.registrationAuthorityName).toBe('农业');
    expect(checkUscc(makeUscc('Y1360102MA3812345')).valid).toBe(true);
  });

  it('reports a wrong check character with the expected one', () => {
    const result = checkUscc('91350100M000100Y44');
    expect(result.valid).toBe(false);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0].code).toBe('checkCharacter');
    expect(result.errors[0].message).toContain('expected 3');
    expect(result.errors[0].messageZh).toContain('校验码');
  });

  it('reports length, charset, authority and division problems', () => {
    expect(codes('')).toEqual(['length']);
    expect(codes('91350100M000100Y4')).toEqual(['length']);
    expect(codes('91350100M000100Y431')).toEqual(['length']);
    expect(codes('91350100M000100I43')).toEqual(['charset']); // I is not used
    expect(codes('91350100m000100Y43')).toEqual(['charset']); // lower case
    expect(codes(makeUscc('B1350100M000100Y4'))).toEqual(['registrationAuthority']);
    expect(codes(makeUscc('91990100M000100Y4'))).toEqual(['divisionCode']); // no province 99
    expect(codes(makeUscc('913501A0M000100Y4'))).toEqual(['divisionCode']);
  });

  it('does not treat an unlisted entity type as an error', () => {
    const r = checkUscc(makeUscc('97350100M000100Y4'));
    expect(r.valid).toBe(true);
    expect(r.parts?.entityTypeName).toBeUndefined();
  });
});

describe('usccCheckCharacter / makeUscc', () => {
  it('computes (31 - sum % 31) % 31 through the charset', () => {
    expect(usccCheckCharacter('91350100M000100Y4')).toBe('3');
    expect(usccCheckCharacter('9144030071526726X')).toBe('G');
    expect(usccCheckCharacter('00000000000000000')).toBe('0'); // sum 0 → 0, not 31
  });

  it('rejects malformed bodies', () => {
    expect(() => makeUscc('123')).toThrow(/17 characters/);
    expect(() => makeUscc('91350100M000100O4')).toThrow(/17 characters/);
  });
});
