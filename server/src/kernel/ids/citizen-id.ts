// Citizen identity number (公民身份号码), GB 11643-1999: 6-digit division code of
// the place of first registration · 8-digit birth date · 3-digit sequence (odd =
// male) · ISO 7064 MOD 11-2 check character. Personal data: log only masked.
import { parseDivisionCode } from './division-code.ts';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]; // 2^(17-i) mod 11
const CHECK = '10X98765432'; // indexed by sum mod 11

export interface CitizenIdError {
  code: 'length' | 'charset' | 'checkCharacter' | 'divisionCode' | 'birthDate';
  message: string;
  messageZh: string;
}

export interface CitizenIdResult {
  valid: boolean;
  errors: CitizenIdError[];
  /** Present whenever the number is well formed enough to split (18 characters). */
  parts?: { divisionCode: string; birthDate: string; sequence: string; sex: 'male' | 'female' };
}

export function citizenIdCheckCharacter(first17: string): string {
  if (!/^[0-9]{17}$/.test(first17)) throw new Error('Citizen ID body must be 17 digits');
  return CHECK.charAt(WEIGHTS.reduce((acc, w, i) => acc + w * Number(first17[i]), 0) % 11);
}

function isRealDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Strict: an 'x' check character must be upper case; 15-digit legacy numbers are not accepted. */
export function checkCitizenId(id: string, opts: { now?: Date } = {}): CitizenIdResult {
  const text = typeof id === 'string' ? id : '';
  const errors: CitizenIdError[] = [];
  if (text.length !== 18) {
    errors.push({
      code: 'length',
      message: `A citizen ID number has 18 characters, not ${text.length}.`,
      messageZh: `公民身份号码应为 18 位，当前为 ${text.length} 位。`,
    });
    return { valid: false, errors };
  }
  if (!/^[0-9]{17}[0-9X]$/.test(text)) {
    errors.push({
      code: 'charset',
      message: 'A citizen ID number consists of 17 digits followed by a digit or upper-case X.',
      messageZh: '公民身份号码由 17 位数字和 1 位数字或大写 X 组成。',
    });
    return { valid: false, errors };
  }
  const [y, m, d] = [Number(text.slice(6, 10)), Number(text.slice(10, 12)), Number(text.slice(12, 14))];
  const parts = {
    divisionCode: text.slice(0, 6),
    birthDate: `${text.slice(6, 10)}-${text.slice(10, 12)}-${text.slice(12, 14)}`,
    sequence: text.slice(14, 17),
    sex: Number(text[16]) % 2 === 1 ? ('male' as const) : ('female' as const),
  };
  const expected = citizenIdCheckCharacter(text.slice(0, 17));
  if (text[17] !== expected) {
    errors.push({
      code: 'checkCharacter',
      message: `Wrong check character: expected ${expected}, found ${text[17]}.`,
      messageZh: `校验码错误：应为 ${expected}，实际为 ${text[17]}。`,
    });
  }
  if (!parseDivisionCode(parts.divisionCode).valid) {
    errors.push({
      code: 'divisionCode',
      message: `The first six digits ("${parts.divisionCode}") are not a well-formed division code.`,
      messageZh: `前 6 位（“${parts.divisionCode}”）不是有效的行政区划代码。`,
    });
  }
  const now = opts.now ?? new Date();
  if (y < 1900 || !isRealDate(y, m, d) || Date.UTC(y, m - 1, d) > now.getTime()) {
    errors.push({
      code: 'birthDate',
      message: `Positions 7-14 ("${text.slice(6, 14)}") are not a plausible birth date.`,
      messageZh: `第 7-14 位（“${text.slice(6, 14)}”）不是有效的出生日期。`,
    });
  }
  return { valid: errors.length === 0, errors, parts };
}

/** Keeps the first 6 and last 4 characters: '360102********1234'. */
export function maskCitizenId(id: string): string {
  const text = typeof id === 'string' ? id : '';
  if (text.length < 12) return '*'.repeat(text.length); // too short to reveal anything safely
  return text.slice(0, 6) + '*'.repeat(text.length - 10) + text.slice(-4);
}
