// Form check of GB/T 2260 administrative division codes (6 digits) and the
// township (9) / village (12) extensions of GB/T 10114. Whether a code actually
// exists is a database question and is answered elsewhere.

export type DivisionLevel = 'province' | 'city' | 'county' | 'township' | 'village';

export interface DivisionCodeError {
  code: 'length' | 'charset' | 'provinceCode' | 'format';
  message: string;
  messageZh: string;
}

export interface DivisionCodeResult {
  valid: boolean;
  /** Present whenever the length identifies the level, even if other checks fail. */
  level?: DivisionLevel;
  parentCode?: string;
  errors: DivisionCodeError[];
}

/** First two digits of every province-level division (incl. Taiwan 71, Hong Kong 81, Macao 82). */
export const PROVINCE_PREFIXES: ReadonlySet<string> = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82',
]);

function levelOf(code: string): DivisionLevel | undefined {
  switch (code.length) {
    case 6:
      if (code.endsWith('0000')) return 'province';
      return code.endsWith('00') ? 'city' : 'county';
    case 9:
      return 'township';
    case 12:
      return 'village';
    default:
      return undefined;
  }
}

function parentOf(code: string, level: DivisionLevel): string | undefined {
  switch (level) {
    case 'province':
      return undefined;
    case 'city':
      return code.slice(0, 2) + '0000';
    case 'county':
      // Counties directly under a province (middle digits 00) have the province as parent.
      return code.slice(2, 4) === '00' ? code.slice(0, 2) + '0000' : code.slice(0, 4) + '00';
    case 'township':
      return code.slice(0, 6); // may be a city code: e.g. Dongguan (441900) has no counties
    case 'village':
      return code.slice(0, 9);
  }
}

export function parseDivisionCode(code: string): DivisionCodeResult {
  const errors: DivisionCodeError[] = [];
  const text = typeof code === 'string' ? code : '';
  const level = levelOf(text);
  if (!level) {
    errors.push({
      code: 'length',
      message: 'A division code has 6 digits (9 for a township, 12 for a village).',
      messageZh: '行政区划代码应为 6 位数字（乡级 9 位，村级 12 位）。',
    });
    return { valid: false, errors };
  }
  if (!/^[0-9]+$/.test(text)) {
    errors.push({ code: 'charset', message: 'A division code consists of digits only.', messageZh: '行政区划代码只能由数字组成。' });
    return { valid: false, level, errors };
  }
  if (!PROVINCE_PREFIXES.has(text.slice(0, 2))) {
    errors.push({
      code: 'provinceCode',
      message: `"${text.slice(0, 2)}" is not a province-level code.`,
      messageZh: `“${text.slice(0, 2)}”不是有效的省级行政区划代码。`,
    });
  }
  if (level === 'township' || level === 'village') {
    if (text.endsWith('000')) {
      errors.push({
        code: 'format',
        message: `A ${level} code must not end in 000 (zero-padded statistical codes are not accepted).`,
        messageZh: `${level === 'township' ? '乡级' : '村级'}代码的后三位不能为 000（不接受补零的统计用区划代码）。`,
      });
    }
    // The prefix must itself be well formed: a non-province 6-digit code, or a township code.
    const prefix = parseDivisionCode(text.slice(0, level === 'township' ? 6 : 9));
    errors.push(...prefix.errors.filter((e) => e.code !== 'provinceCode')); // already reported
    if (prefix.level === 'province') {
      errors.push({
        code: 'format',
        message: 'The first six digits of a township code must not be a province code.',
        messageZh: '乡级代码的前六位不能是省级代码。',
      });
    }
  }
  return { valid: errors.length === 0, level, parentCode: parentOf(text, level), errors };
}
