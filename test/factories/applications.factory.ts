import { residentId } from '../../libs/domain/src/testing/resident-ids';
import { login, TestApp } from '../support/test-app';

export { residentId };

let serial = 0;

/** A married couple and a child, with one 30 m² home: 3 persons, 10.00 m² each (eligible, (9,10] tier). */
export function familyBody(
  campaignId: string,
  communityId: string,
  overrides: { area?: number; income?: number } = {},
) {
  const order = (serial++ % 90) + 1;
  const husband = residentId({ birthDate: '1980-03-15', sex: 'male', order });
  const wife = residentId({ birthDate: '1982-06-20', sex: 'female', order });
  const son = residentId({ birthDate: '2010-09-01', sex: 'male', order });
  const member = (
    name: string,
    idNumber: string,
    relation: string,
    maritalStatus: string,
    income: number,
  ) => ({
    name,
    idNumber,
    relation,
    maritalStatus,
    hukouCommunityId: communityId,
    hukouSince: relation === 'child' ? '2010-09-01' : '2000-01-01',
    incomeSource: income > 0 ? 'employed' : 'none',
    annualIncome: income,
  });
  return {
    campaignId,
    communityId,
    members: [
      member('张三', husband, 'applicant', 'married', overrides.income ?? 9000),
      member('李四', wife, 'spouse', 'married', 6000),
      member('张小', son, 'child', 'unmarried', 0),
    ],
    properties: [
      { kind: 'private', ownerIdNumber: husband, address: '城南路1号', area: overrides.area ?? 30 },
    ],
  };
}

/** Registers an applicant and logs in. */
export async function createApplicant(t: TestApp): Promise<{ token: string; username: string }> {
  const username = `applicant${serial++}`;
  const idNumber = residentId({ birthDate: '1970-01-01', order: serial % 90 });
  await t
    .http()
    .post('/api/auth/register')
    .send({ username, password: 'applicant-pass', name: '申请人', idNumber, phone: '13800138000' })
    .expect(201);
  return { token: await login(t, username, 'applicant-pass'), username };
}

/** The smallest valid PDF header: enough for content sniffing. */
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
