import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { IsPlainText } from './plain-text';

class Body {
  @IsPlainText()
  name!: string;

  @IsPlainText({ multiline: true })
  opinion!: string;
}

const errors = (name: string, opinion = 'ok') =>
  validateSync(plainToInstance(Body, { name, opinion })).map((e) => e.property);

describe('IsPlainText', () => {
  it('accepts Chinese, Latin, digits and punctuation', () => {
    expect(errors('张三·Zhang 3号（城南）')).toEqual([]);
  });

  it.each(['a\u0000b', 'a\nb', 'a\tb', '\u007f', 'x\u001b[31m'])(
    'refuses %j on one line',
    (name) => {
      expect(errors(name)).toEqual(['name']);
    },
  );

  it('keeps line breaks and tabs in multi-line text, but never NUL', () => {
    expect(errors('n', '第一行\n第二行\r\n\t缩进')).toEqual([]);
    expect(errors('n', 'a\u0000b')).toEqual(['opinion']);
  });
});
