/**
 * Compound surnames (复姓) kept whole on the public board: 欧阳娜娜 → 欧阳**.
 *
 * Reading a compound where there is none shows a character of the given name,
 * so a pair is listed only when that misreading is unlikely. Left out:
 * 单于 (a Xiongnu title, hardly a modern surname, while 单 is a common surname
 * and 于 a common given-name character: 单于明 is 单 + 于明), 乐正 (乐 + 正…),
 * 宗政 (宗 + 政…), 纳兰 (纳 is a common Hui surname: 纳 + 兰…), 归海 (归 + 海…),
 * and the 百家姓's rhyming pairs of single surnames (晋楚, 闫法, 岳帅, 况后,
 * 有琴, 墨哈, 年爱, 阳佟, 言福). Those names are masked after their first
 * character, which hides the given name whichever reading is right.
 */
export const COMPOUND_SURNAMES: ReadonlySet<string> = new Set(
  (
    '欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 司空 司寇 令狐 ' +
    '夏侯 轩辕 端木 独孤 南宫 西门 东门 东郭 南门 百里 呼延 澹台 公冶 公羊 公良 ' +
    '公西 公仪 太史 太叔 申屠 闻人 钟离 赫连 濮阳 万俟 闾丘 第五 淳于 仲孙 叔孙 ' +
    '颛孙 鲜于 漆雕 拓跋 亓官 巫马 壤驷 夹谷 宰父 谷梁 段干 羊舌 微生 梁丘 左丘 ' +
    '子车 伯赏 完颜'
  ).split(' '),
);
