import {
  COMPOUND_SURNAMES,
  containsPersonalData,
  findPersonalData,
  maskName,
  NameMaskingError,
  splitName,
} from '.';
import { characters } from './mask-name';

describe('masking a name for the public board', () => {
  it.each([
    ['张三', '张*'],
    ['张三丰', '张**'],
    ['王小明明', '王***'],
    ['欧阳娜娜', '欧阳**'],
    ['欧阳修', '欧阳*'],
    ['司马相如', '司马**'],
    ['诸葛亮', '诸葛*'],
    ['上官婉儿', '上官**'],
    ['夏侯惇', '夏侯*'],
    ['万俟卨', '万俟*'],
  ])('%s → %s', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });

  it.each([
    ['a lone surname is shown as it is', '张', '张'],
    ['two characters are surname + given name, even when they spell a compound', '欧阳', '欧*'],
    ['surrounding spaces are dropped', '  张三丰 ', '张**'],
    ['full-width and inner spaces are dropped', '\u3000张 三\t', '张*'],
    ['a name with a middle dot keeps its first character and the dot', '买买提·艾力', '买**·**'],
    ['several dots', '阿卜杜拉·买买提·艾力', '阿***·***·**'],
    ['a dot at either end is dropped', '·艾力·', '艾*'],
    ['other encodings of the dot', '买买提•艾力', '买**•**'],
    ['Latin letters keep the first letter only', 'John Smith', 'J********'],
    ['a character outside the BMP counts once', '𠮷野家', '𠮷**'],
    ['a letter with a combining accent counts once', 'Zoe\u0301 Li', 'Z****'],
    ['a doubtful compound (单于) hides its second character', '单于明', '单**'],
    ['a doubtful compound (乐正) hides its second character', '乐正华', '乐**'],
  ])('%s: %p → %p', (_title, name, masked) => {
    expect(maskName(name)).toBe(masked);
  });

  it.each(['', '   ', '\u3000', '·', ' · '])('refuses %p: there is no name', (name) => {
    expect(() => maskName(name)).toThrow(NameMaskingError);
  });

  describe('never shows a character of the given name', () => {
    const names = [
      '张三',
      '李四光',
      '欧阳娜娜',
      '司马相如',
      '皇甫嵩',
      '买买提·艾力',
      '热依拉·阿不都',
      'John Smith',
      '单于明',
      '东方朔',
      '赵钱孙李周吴郑王',
    ];
    it.each(names)('%s', (name) => {
      const { shown } = splitName(name);
      const masked = maskName(name);
      expect(masked.startsWith(shown)).toBe(true);
      expect(masked.slice(shown.length)).toMatch(/^[*·•‧・.．]*$/u);
      expect([...masked]).toHaveLength([...name.replace(/\s+/g, '')].length);
    });
  });

  it('lists each compound surname once, two characters each, the ones in api.md included', () => {
    const list = [...COMPOUND_SURNAMES];
    expect(list.every((s) => [...s].length === 2)).toBe(true);
    expect(new Set(list).size).toBe(list.length);
    expect(list).toEqual(expect.arrayContaining(['欧阳', '司马', '上官', '诸葛', '尉迟']));
    expect(list).not.toEqual(expect.arrayContaining(['单于']));
  });
});

describe('finding personal data in a response', () => {
  const data = {
    names: ['张三丰', '买买提·艾力'],
    idNumbers: ['11010519491231002X'],
    incomes: [12345.6, 0],
  };

  it('a masked board says nothing personal', () => {
    const body = JSON.stringify({
      items: [{ applicantName: '张**', persons: 3, perCapitaArea: 8.5, incomeTier: 0.3 }],
    });
    expect(findPersonalData(body, data)).toEqual([]);
    expect(containsPersonalData(body, data)).toBe(false);
  });

  it.each([
    ['a full name', '{"applicantName":"张三丰"}', { kind: 'name', value: '张三丰' }],
    ['a given name', '{"note":"三丰"}', { kind: 'given_name', value: '三丰' }],
    [
      'part of a dotted name',
      '{"applicantName":"买**·艾力"}',
      { kind: 'given_name', value: '艾力' },
    ],
    [
      'an ID number in either case',
      '{"id":"11010519491231002x"}',
      { kind: 'id_number', value: '11010519491231002X' },
    ],
    ['an income', '{"annualIncome":12345.6}', { kind: 'income', value: '12345.6' }],
    ['an income with two decimals', '"12345.60 元"', { kind: 'income', value: '12345.6' }],
  ])('finds %s', (_title, text, finding) => {
    expect(findPersonalData(text, data)).toEqual([finding]);
  });

  it.each([
    ['a longer number', '{"x":112345.6}'],
    ['a number with more digits', '{"x":12345.67}'],
    ['a zero income', '{"annualIncome":0}'],
    ['a one-character given name alone', '{"n":"三"}'],
  ])('does not find %s', (_title, text) => {
    expect(containsPersonalData(text, { ...data, names: ['张三'] })).toBe(false);
  });

  it('skips blank names instead of throwing', () => {
    expect(containsPersonalData('anything', { names: ['', ' · '] })).toBe(false);
  });
});

describe('the characters of a name', () => {
  const segmenter = new Intl.Segmenter('zh', { granularity: 'grapheme' });
  const byIcu = (text: string) => Array.from(segmenter.segment(text), (s) => s.segment);

  it('are what the grapheme segmenter says, on the fast path of one-unit characters too', () => {
    const alphabet = [
      '张',
      '欧',
      '阳',
      '㐀',
      '䶿',
      '一',
      '鿿',
      'a',
      'Z',
      '·',
      '•',
      '‧',
      '・',
      '.',
      '．',
    ];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 2000; i++) {
      const text = Array.from(
        { length: next() % 9 },
        () => alphabet[next() % alphabet.length],
      ).join('');
      expect(characters(text)).toEqual(byIcu(text));
    }
  });

  it.each(['𠮷野家', 'é', 'e\u0301ric', '王\u200d明', '👨‍👩‍👧', '한국', '张\ufe0f三'])(
    'keeps a character of several units whole (%s)',
    (text) => {
      expect(characters(text)).toEqual(byIcu(text));
    },
  );
});
