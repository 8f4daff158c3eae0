// Unified social credit code (统一社会信用代码), GB 32100-2015:
//   1 registration authority · 1 entity type · 6 division code (GB/T 2260)
//   · 9 organisation code (GB 11714) · 1 check character (MOD 31).
import { parseDivisionCode } from './division-code.ts';

/** 0-9 and A-Z without I, O, Z, S, V, which are too easily confused with 1, 0, 2, 5, U. */
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]; // 3^i mod 31

/** GB 32100-2015 Appendix A: registration authorities and their entity types. */
const AUTHORITIES: Record<string, { name: string; types: Record<string, string> }> = {
  '1': { name: '机构编制', types: { '1': '机关', '2': '事业单位', '3': '中央编办直接管理机构编制的群众团体', '9': '其他' } },
  '2': { name: '外交', types: { '1': '外国常驻新闻机构', '9': '其他' } },
  '3': {
    name: '司法行政',
    types: { '1': '律师执业机构', '2': '公证处', '3': '基层法律服务所', '4': '司法鉴定机构', '5': '仲裁委员会', '9': '其他' },
  },
  '4': { name: '文化', types: { '1': '外国在华文化中心', '9': '其他' } },
  '5': { name: '民政', types: { '1': '社会团体', '2': '民办非企业单位', '3': '基金会', '9': '其他' } },
  '6': {
    name: '旅游',
    types: { '1': '外国旅游部门常驻代表机构', '2': '港澳台地区旅游部门常驻内地（大陆）代表机构', '9': '其他' },
  },
  '7': { name: '宗教', types: { '1': '宗教活动场所', '2': '宗教院校', '9': '其他' } },
  '8': { name: '工会', types: { '1': '基层工会', '9': '其他' } },
  '9': { name: '工商', types: { '1': '企业', '2': '个体工商户', '3': '农民专业合作社' } },
  A: { name: '中央军委改革和编制办公室', types: { '1': '军队事业单位', '9': '其他' } },
  N: { name: '农业', types: { '1': '组级集体经济组织', '2': '村级集体经济组织', '3': '乡镇级集体经济组织', '9': '其他' } },
  Y: { name: '其他', types: { '1': '其他' } },
};

/** Bodies registered at national level (e.g. ministries) carry division code 100000. */
const NATIONAL_DIVISION = '100000';

export interface UsccError {
  code: 'length' | 'charset' | 'checkCharacter' | 'registrationAuthority' | 'divisionCode';
  message: string;
  messageZh: string;
}

export interface UsccParts {
  registrationAuthority: string;
  registrationAuthorityName?: string;
  entityType: string;
  /** Undefined for a type not listed in GB 32100 for this authority; that is not an error. */
  entityTypeName?: string;
  divisionCode: string;
  organizationCode: string;
}

export interface UsccResult {
  valid: boolean;
  errors: UsccError[];
  /** Present whenever the code has 18 characters, even if other checks fail. */
  parts?: UsccParts;
}

function assertBody(first17: string): void {
  if (typeof first17 !== 'string' || first17.length !== 17 || [...first17].some((c) => !CHARSET.includes(c))) {
    throw new Error('USCC body must be 17 characters of 0-9 and A-Z without I, O, Z, S, V');
  }
}

export function usccCheckCharacter(first17: string): string {
  assertBody(first17);
  const sum = WEIGHTS.reduce((acc, w, i) => acc + w * CHARSET.indexOf(first17.charAt(i)), 0);
  return CHARSET.charAt((31 - (sum % 31)) % 31);
}

/** Appends the check character; for building demo and test data. */
export function makeUscc(first17: string): string {
  return first17 + usccCheckCharacter(first17);
}

/** Strict: callers should trim and upper-case user input first. */
export function checkUscc(code: string): UsccResult {
  const text = typeof code === 'string' ? code : '';
  const errors: UsccError[] = [];
  if (text.length !== 18) {
    errors.push({
      code: 'length',
      message: `A unified social credit code has 18 characters, not ${text.length}.`,
      messageZh: `统一社会信用代码应为 18 位，当前为 ${text.length} 位。`,
    });
    return { valid: false, errors };
  }
  const authority = AUTHORITIES[text.charAt(0)];
  const parts: UsccParts = {
    registrationAuthority: text.charAt(0),
    registrationAuthorityName: authority?.name,
    entityType: text.charAt(1),
    entityTypeName: authority?.types[text.charAt(1)],
    divisionCode: text.slice(2, 8),
    organizationCode: text.slice(8, 17),
  };

  const bad = [...text].map((c, i) => (CHARSET.includes(c) ? -1 : i + 1)).filter((p) => p > 0);
  if (bad.length > 0) {
    errors.push({
      code: 'charset',
      message: `Invalid character at position ${bad.join(', ')}: only digits and upper-case letters except I, O, Z, S, V are allowed.`,
      messageZh: `第 ${bad.join('、')} 位字符无效：只能使用数字和除 I、O、Z、S、V 以外的大写字母。`,
    });
  } else {
    const expected = usccCheckCharacter(text.slice(0, 17));
    if (text[17] !== expected) {
      errors.push({
        code: 'checkCharacter',
        message: `Wrong check character: expected ${expected}, found ${text[17]}.`,
        messageZh: `校验码错误：应为 ${expected}，实际为 ${text[17]}。`,
      });
    }
  }
  if (!authority) {
    errors.push({
      code: 'registrationAuthority',
      message: `"${text[0]}" is not a registration authority code (1-9, A, N, Y).`,
      messageZh: `“${text[0]}”不是有效的登记管理部门代码（1-9、A、N、Y）。`,
    });
  }
  if (parts.divisionCode !== NATIONAL_DIVISION && !parseDivisionCode(parts.divisionCode).valid) {
    errors.push({
      code: 'divisionCode',
      message: `Positions 3-8 ("${parts.divisionCode}") are not a well-formed division code.`,
      messageZh: `第 3-8 位（“${parts.divisionCode}”）不是有效的行政区划代码。`,
    });
  }
  return { valid: errors.length === 0, errors, parts };
}
