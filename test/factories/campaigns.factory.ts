import { bearer, TestApp } from '../support/test-app';

export const REFERENCE_INCOME = 41234.56;

/** The least a campaign needs; everything else takes the notice's defaults. */
export function campaignBody(
  countyId: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    name: '2025年城镇低收入住房困难家庭摸底调查',
    countyId,
    referenceIncome: REFERENCE_INCOME,
    ...overrides,
  };
}

/** Creates a campaign through the admin API and returns what the API answered. */
export async function createCampaign(
  t: TestApp,
  adminToken: string,
  countyId: string,
  overrides: Record<string, unknown> = {},
): Promise<Record<string, unknown> & { id: string }> {
  const res = await t
    .http()
    .post('/api/campaigns')
    .set(bearer(adminToken))
    .send(campaignBody(countyId, overrides))
    .expect(201);
  return res.body as Record<string, unknown> & { id: string };
}
