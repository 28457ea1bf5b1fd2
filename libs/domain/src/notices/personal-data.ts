import { hiddenRuns, isBlankName, splitName } from './mask-name';

/** What must not appear on the public board (api.md "Public notices and objections"). */
export interface PersonalData {
  readonly names?: readonly string[];
  readonly idNumbers?: readonly string[];
  /** Yuan, as the API writes them (JSON numbers). */
  readonly incomes?: readonly number[];
}

export type PersonalDataKind = 'name' | 'given_name' | 'id_number' | 'income';

export interface PersonalDataFinding {
  readonly kind: PersonalDataKind;
  readonly value: string;
}

/** The given name's runs of two characters or more (one character matches too much ordinary text). */
function givenNameRuns(name: string): string[] {
  return hiddenRuns(splitName(name)).filter((run) => [...run].length >= 2);
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `12345.6` as a number token: not part of a longer number. */
function numberToken(income: number): RegExp {
  const forms = [String(income), income.toFixed(2)].map(escapeRegExp);
  return new RegExp(`(?<![0-9.])(?:${forms.join('|')})(?![0-9]|\\.[0-9])`);
}

/**
 * Every piece of `data` found in `text` (e.g. a JSON response body): full
 * names, given names of two characters or more (one character matches too
 * much ordinary text), ID numbers (either case of X), and incomes other than
 * zero as number tokens (12345.6 or 12345.60, not inside 112345.6 or 12345.67).
 */
export function findPersonalData(text: string, data: PersonalData): PersonalDataFinding[] {
  const findings: PersonalDataFinding[] = [];
  const upper = text.toUpperCase();
  for (const name of data.names ?? []) {
    if (isBlankName(name)) continue;
    const full = name.replace(/\s+/gu, '');
    if (text.includes(full)) findings.push({ kind: 'name', value: full });
    else {
      const leaked = givenNameRuns(full).filter((run) => text.includes(run));
      findings.push(...leaked.map((value) => ({ kind: 'given_name' as const, value })));
    }
  }
  for (const id of data.idNumbers ?? []) {
    if (id.length > 0 && upper.includes(id.toUpperCase())) {
      findings.push({ kind: 'id_number', value: id });
    }
  }
  for (const income of data.incomes ?? []) {
    if (income !== 0 && numberToken(income).test(text)) {
      findings.push({ kind: 'income', value: String(income) });
    }
  }
  return findings;
}

export function containsPersonalData(text: string, data: PersonalData): boolean {
  return findPersonalData(text, data).length > 0;
}
