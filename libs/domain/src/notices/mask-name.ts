import { COMPOUND_SURNAMES } from './compound-surnames';

/** Middle dots of transliterated names (买买提·艾力), in their common encodings. */
const NAME_DOTS: ReadonlySet<string> = new Set(['·', '•', '‧', '・', '.', '．']);
const STAR = '*';

export class NameMaskingError extends Error {
  readonly code = 'NAME_EMPTY';

  constructor() {
    super('nothing to mask: the name is empty');
    this.name = 'NameMaskingError';
  }
}

const segmenter = new Intl.Segmenter('zh', { granularity: 'grapheme' });

/**
 * Text in which every UTF-16 unit is a character of its own: common CJK
 * ideographs, ASCII letters and the name dots are all of Unicode's grapheme
 * break class Other, which never joins its neighbours. Most names are such
 * text, and the segmenter (ICU) cost 2.5 % of a worker's CPU per approval.
 */
const ONE_UNIT_CHARACTERS = /^[\u3400-\u4dbf\u4e00-\u9fffA-Za-z\u00b7\u2022\u2027\u30fb.\uff0e]*$/;

/** User-perceived characters, so 𠮷 (two UTF-16 units) or é + a combining accent is one. */
export function characters(text: string): string[] {
  if (ONE_UNIT_CHARACTERS.test(text)) return text.split('');
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

const isDot = (c: string): boolean => NAME_DOTS.has(c);

/** How many leading characters are the surname. */
function surnameLength(chars: readonly string[]): number {
  if (chars.some(isDot)) return 1;
  if (chars.length >= 3 && COMPOUND_SURNAMES.has(chars.slice(0, 2).join(''))) return 2;
  return 1;
}

/** Nothing but whitespace and middle dots: maskName would throw. */
export function isBlankName(name: string): boolean {
  return characters(name.replace(/\s+/gu, '')).every(isDot);
}

/** A name split for the board: what is shown, and the characters hidden behind stars (dots included). */
export interface NameParts {
  readonly shown: string;
  readonly hidden: readonly string[];
}

/** See maskName. Throws NameMaskingError when nothing but whitespace and dots is left. */
export function splitName(name: string): NameParts {
  const chars = characters(name.replace(/\s+/gu, ''));
  while (chars.length > 0 && isDot(chars[0])) chars.shift();
  while (chars.length > 0 && isDot(chars[chars.length - 1])) chars.pop();
  if (chars.length === 0) throw new NameMaskingError();
  const kept = surnameLength(chars);
  return { shown: chars.slice(0, kept).join(''), hidden: chars.slice(kept) };
}

/** The given name's runs of characters between dots: 买买提·艾力 → 买提, 艾力. */
export function hiddenRuns(parts: NameParts): string[] {
  const runs: string[] = [''];
  for (const c of parts.hidden) {
    if (isDot(c)) runs.push('');
    else runs[runs.length - 1] += c;
  }
  return runs.filter((run) => run.length > 0);
}

/**
 * The name as the public board shows it: the surname, then a star for every
 * other character. 张三 → 张*, 张三丰 → 张**, 欧阳娜娜 → 欧阳**.
 * - Whitespace anywhere is dropped first (张 三 → 张*; John Smith → J********).
 * - A one-character name is a lone surname and shown as it is (张 → 张).
 * - Two characters are always surname + given name (欧阳 → 欧*): a compound
 *   surname needs a given name after it.
 * - A name with a middle dot (买买提·艾力) has no surname in front: the first
 *   character stays, the dots stay (they are not the name), every other
 *   character is a star: 买**·**. Dots at either end are dropped.
 * - Latin and other scripts: the first character stays (John → J***).
 * Never returns a character of the given name. Throws NameMaskingError when
 * nothing but whitespace and dots is left.
 */
export function maskName(name: string): string {
  const { shown, hidden } = splitName(name);
  return shown + hidden.map((c) => (isDot(c) ? c : STAR)).join('');
}
