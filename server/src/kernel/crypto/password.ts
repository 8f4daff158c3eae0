// Password storage with scrypt (Node built-in; memory-hard, no native add-on).
// Encoded form keeps the parameters so they can be raised later without
// invalidating existing hashes: scrypt$N$r$p$<saltB64>$<hashB64>
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const N = 16384;
const R = 8;
const P = 1;
const SALT_LEN = 16;
const KEY_LEN = 32;
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

/**
 * NFKC so that the same password typed through different input methods (e.g.
 * full-width digits from a Chinese IME) hashes identically (NIST SP 800-63B §5.1.1.2).
 */
const normalize = (password: string): string => password.normalize('NFKC');

function scryptAsync(password: string, salt: Buffer, keyLen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLen, opts, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LEN);
  const hash = await scryptAsync(normalize(password), salt, KEY_LEN, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

const ENCODED = /^scrypt\$(\d{1,7})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

/** False for a wrong password and for a malformed or implausible encoded hash. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const m = ENCODED.exec(encoded);
  if (!m) return false;
  const [n, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const salt = Buffer.from(m[4] ?? '', 'base64');
  const expected = Buffer.from(m[5] ?? '', 'base64');
  // Bounds keep a corrupted row from turning a login into a memory/CPU bomb.
  const memory = 128 * (n + p + 2) * r;
  if (n < 2 || (n & (n - 1)) !== 0 || r < 1 || p < 1 || p > 16 || memory > 256 * 1024 * 1024) return false;
  if (salt.length < 8 || expected.length < 16 || expected.length > 64) return false;
  try {
    const actual = await scryptAsync(normalize(password), salt, expected.length, {
      N: n, r, p, maxmem: memory + 1024 * 1024,
    });
    return timingSafeEqual(actual, expected);
  } catch {
    return false;
  }
}

export interface PolicyError {
  code: 'tooShort' | 'tooLong' | 'tooFewCharacterClasses';
  message: string;
  messageZh: string;
}

/** Empty array = acceptable. Lengths count Unicode code points, after NFKC. */
export function passwordPolicyErrors(password: string): PolicyError[] {
  const chars = [...normalize(password)];
  const errors: PolicyError[] = [];
  if (chars.length < PASSWORD_MIN_LENGTH) {
    errors.push({
      code: 'tooShort',
      message: `Password must be at least ${PASSWORD_MIN_LENGTH} characters long.`,
      messageZh: `密码长度不能少于 ${PASSWORD_MIN_LENGTH} 个字符。`,
    });
  }
  if (chars.length > PASSWORD_MAX_LENGTH) {
    errors.push({
      code: 'tooLong',
      message: `Password must not be longer than ${PASSWORD_MAX_LENGTH} characters.`,
      messageZh: `密码长度不能超过 ${PASSWORD_MAX_LENGTH} 个字符。`,
    });
  }
  // Anything that is not an ASCII letter or digit counts as a symbol (incl. CJK).
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => chars.some((c) => re.test(c))).length;
  if (classes < 3) {
    errors.push({
      code: 'tooFewCharacterClasses',
      message: 'Password must contain at least three of: lower-case letters, upper-case letters, digits, symbols.',
      messageZh: '密码须至少包含小写字母、大写字母、数字、符号中的三类。',
    });
  }
  return errors;
}
