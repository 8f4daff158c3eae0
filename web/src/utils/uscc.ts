/** GB 32100-2015 unified social credit code (统一社会信用代码). */
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export const USCC_FORMAT = /^[0-9A-HJ-NPQRTUWXY]{18}$/;

export function usccCheckChar(first17: string): string | null {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CHARSET.indexOf(first17[i]);
    if (v < 0) return null;
    sum += v * WEIGHTS[i];
  }
  const c = 31 - (sum % 31);
  return CHARSET[c === 31 ? 0 : c];
}

export type UsccProblem = 'format' | 'check' | null;

export function checkUscc(code: string): UsccProblem {
  if (!USCC_FORMAT.test(code)) return 'format';
  return usccCheckChar(code.slice(0, 17)) === code[17] ? null : 'check';
}
