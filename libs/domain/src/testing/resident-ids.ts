/**
 * Builds valid resident ID numbers for tests. The check character is computed
 * here independently of the production code, as (12 - Σ aᵢ·2^(17-i) mod 11) mod 11
 * with 10 written X, so a broken production table cannot agree with it by accident.
 */
export function checkCharacterFor(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) {
    sum += Number(first17[i]) * (2 ** (17 - i) % 11);
  }
  const value = (12 - (sum % 11)) % 11;
  return value === 10 ? 'X' : String(value);
}

export interface ResidentIdSpec {
  /** Six-digit region; default 360124 (Jinxian county, Jiangxi). */
  readonly region?: string;
  /** 'YYYY-MM-DD' */
  readonly birthDate?: string;
  readonly sex?: 'male' | 'female';
  /** 0-99: the first two digits of the sequence code, to tell numbers apart. */
  readonly order?: number;
}

export function residentId(spec: ResidentIdSpec = {}): string {
  const { region = '360124', birthDate = '1990-01-01', sex = 'male', order = 1 } = spec;
  const sexDigit = sex === 'male' ? '1' : '2';
  const first17 = `${region}${birthDate.replaceAll('-', '')}${String(order).padStart(2, '0')}${sexDigit}`;
  return `${first17}${checkCharacterFor(first17)}`;
}

/** The same number with a different, wrong check character. */
export function withWrongCheckCharacter(idNumber: string): string {
  const right = idNumber.charAt(17);
  const wrong = right === '0' ? '1' : '0';
  return `${idNumber.slice(0, 17)}${wrong}`;
}
