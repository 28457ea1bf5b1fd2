import { residentId } from '../../../libs/domain/src/testing/resident-ids';

/** What must never leave the server on a public page: the people of the households. */
export interface Secrets {
  idNumbers: string[];
  names: string[];
  /** Money as the API writes it (yuan, JSON numbers): members' incomes, household and per-capita figures. */
  incomes: string[];
  addresses: string[];
}

/** Every run of 6 consecutive characters of the ID numbers: enough to identify a person, or to rebuild a number. */
export function idFragments(idNumbers: string[], length = 6): Set<string> {
  const fragments = new Set<string>();
  for (const id of idNumbers) {
    for (let i = 0; i + length <= id.length; i++) fragments.add(id.slice(i, i + length));
  }
  return fragments;
}

/** A name's characters after its surname (compound surnames are two characters), when two or more. */
export function givenNameOf(name: string, compoundSurnames: ReadonlySet<string>): string | null {
  const surname = compoundSurnames.has(name.slice(0, 2)) ? name.slice(0, 2) : name.slice(0, 1);
  const given = name.slice(surname.length);
  return given.length >= 2 ? given : null;
}

/**
 * Where personal data shows in `text`: whole ID numbers or 6-digit runs of
 * them, full names, given names of two or more characters, exact incomes. A
 * masked name (张* , 欧阳**) holds none of these.
 */
export function piiIn(
  text: string,
  secrets: Secrets,
  compoundSurnames: ReadonlySet<string>,
): string[] {
  const hits: string[] = [];
  const digits = text.match(/[0-9Xx]{6,}/g) ?? [];
  for (const fragment of idFragments(secrets.idNumbers)) {
    if (digits.some((run) => run.includes(fragment))) hits.push(`ID digits ${fragment}`);
  }
  for (const name of secrets.names) {
    if (text.includes(name)) hits.push(`name ${name}`);
    const given = givenNameOf(name, compoundSurnames);
    if (given && text.includes(given)) hits.push(`given name ${given} (of ${name})`);
  }
  for (const address of secrets.addresses) {
    if (text.includes(address)) hits.push(`address ${address}`);
  }
  for (const income of secrets.incomes) {
    if (new RegExp(`(^|[^0-9.])${income.replace('.', '\\.')}($|[^0-9])`).test(text)) {
      hits.push(`income ${income}`);
    }
  }
  return [...new Set(hits)];
}

/**
 * Households unlike any other test's: ID numbers of Shenzhen Nanshan (440305),
 * names with compound and single surnames, incomes with odd fen, so that a hit
 * can only be one of them.
 */
export const HOUSEHOLD_NAMES: readonly [string, string, string][] = [
  ['欧阳娜娜', '林晓梅', '欧阳小宝'],
  ['司马光明', '陈秀英', '司马思源'],
  ['诸葛亮亮', '黄丽华', '诸葛天佑'],
  ['上官文博', '吴佳怡', '上官若曦'],
  ['张三丰', '李桂兰', '张继科'],
  ['王建国', '刘淑珍', '王子涵'],
  ['赵德柱', '孙美玲', '赵一鸣'],
  ['钱有才', '周海燕', '钱多多'],
  ['冯宝宝', '郑春花', '冯小刚'],
  ['褚英杰', '蒋晓燕', '褚梓萱'],
  ['卫国强', '沈红霞', '卫子夫'],
  ['蒋大为', '韩雪梅', '蒋欣然'],
  ['杨振宁', '朱丽叶', '杨过儿'],
  ['秦始皇', '尤美丽', '秦小川'],
  ['许仙人', '白素贞', '许仕林'],
  ['何以琛', '赵默笙', '何小笙'],
  ['吕洞宾', '施秀琴', '吕不韦'],
  ['孔令辉', '曹颖颖', '孔德成'],
  ['严守一', '华丽丽', '严小妹'],
  ['金城武', '魏晓丽', '金小贝'],
  ['陶渊明', '姜文静', '陶子安'],
  ['戚继光', '谢安琪', '戚小光'],
  ['邹市明', '喻晓燕', '邹明轩'],
  ['柏林峰', '水清清', '柏子仁'],
  ['窦文涛', '章子怡', '窦靖童'],
];

/** The i-th household: a couple and a child, one 30 m² home, incomes with odd fen (eligible at reference 20000). */
export function piiHousehold(i: number, campaignId: string, communityId: string) {
  const [husbandName, wifeName, childName] = HOUSEHOLD_NAMES[i];
  const order = 10 + i;
  const husband = residentId({ region: '440305', birthDate: '1978-04-17', sex: 'male', order });
  const wife = residentId({ region: '440305', birthDate: '1979-11-23', sex: 'female', order });
  const child = residentId({ region: '440305', birthDate: '2012-06-09', sex: 'female', order });
  const member = (name: string, idNumber: string, relation: string, income: number) => ({
    name,
    idNumber,
    relation,
    maritalStatus: relation === 'child' ? 'unmarried' : 'married',
    hukouCommunityId: communityId,
    hukouSince: relation === 'child' ? '2012-06-09' : '2001-03-01',
    incomeSource: income > 0 ? 'employed' : 'none',
    annualIncome: income,
  });
  return {
    campaignId,
    communityId,
    members: [
      member(husbandName, husband, 'applicant', Math.round((8123.47 + i * 101.13) * 100) / 100),
      member(wifeName, wife, 'spouse', Math.round((5432.19 + i * 37.31) * 100) / 100),
      member(childName, child, 'child', 0),
    ],
    properties: [
      { kind: 'private', ownerIdNumber: husband, address: `南山路${i + 1}号`, area: 30 },
    ],
  };
}
