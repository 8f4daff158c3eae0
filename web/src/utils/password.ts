/** The platform's password policy: ≥ 10 characters and at least three of four character classes. */
export function passwordClasses(pw: string): number {
  return [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(pw)).length;
}

export type PolicyProblem = 'tooShort' | 'tooSimple' | null;

export function checkPassword(pw: string): PolicyProblem {
  if (pw.length < 10) return 'tooShort';
  if (passwordClasses(pw) < 3) return 'tooSimple';
  return null;
}

/** 0 weak, 1 medium, 2 strong. */
export function passwordStrength(pw: string): 0 | 1 | 2 {
  if (checkPassword(pw)) return 0;
  return pw.length >= 14 && passwordClasses(pw) === 4 ? 2 : 1;
}

/** A random password that meets the policy (no look-alike characters). */
export function generatePassword(length = 14): string {
  const sets = ['abcdefghijkmnpqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789', '!@#$%^&*-_=+?'];
  const all = sets.join('');
  const rand = (n: number) => {
    const a = new Uint32Array(1);
    crypto.getRandomValues(a);
    return a[0] % n;
  };
  const chars = sets.map((s) => s[rand(s.length)]);
  while (chars.length < length) chars.push(all[rand(all.length)]);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = rand(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}
