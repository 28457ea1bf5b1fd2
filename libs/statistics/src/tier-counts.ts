import type { DataSource } from 'typeorm';
import { NO_HOUSING_TIER } from '@app/applications';
import { approvedRow } from './register-source';
import { pathPrefixPattern } from './region-prefix';
import { TierStage } from './tier-labels';
import { layTierTable, TierAxes, TierGroup, TierTable } from './tier-table';

/**
 * Which applications a stage counts.
 * - approved: those approved now (a revoked or withdrawn household is no longer counted).
 * - submitted: every application that has ever been submitted, whatever became
 *   of it since (in review, returned, approved, rejected, withdrawn, revoked):
 *   the survey's count of households that applied, which is what the county
 *   reports beside the approved ones; a draft was never submitted. `submitted_at`
 *   is set at the first submission; `status <> 'draft'` also counts rows whose
 *   submission predates that column being kept (a draft leaves 'draft' only by
 *   being submitted, so the two readings agree wherever both are known).
 */
const STAGE_FILTER: Record<TierStage, string> = {
  approved: approvedRow(),
  submitted: `(submitted_at IS NOT NULL OR status <> 'draft')`,
};

interface GroupRow {
  income_tier: number | null;
  area_tier: number | null;
  households: number;
  persons: number;
}

/**
 * The table of one campaign in one region at one stage: the one
 * `GROUP BY income_tier, area_tier` query, laid out by the campaign's tiers.
 * A campaign's applications all lie in its county (a household applies at a
 * community of it), so the county's table needs no test of the region path:
 * the commonest table, and the largest, is spared a LIKE on every row.
 * (Also what bench/statistics.mjs times against a bare GROUP BY.)
 */
export async function countTierTable(
  db: Pick<DataSource, 'query'>,
  campaign: TierAxes & { id: string; countyId: string },
  region: { id: string; path: string },
  stage: TierStage,
): Promise<TierTable> {
  const wholeCounty = region.id === campaign.countyId;
  const rows: GroupRow[] = await db.query(
    `SELECT income_tier, area_tier, count(*)::int AS households, sum(persons)::int AS persons
       FROM applications
      WHERE campaign_id = $1 ${wholeCounty ? '' : 'AND region_path LIKE $2'}
        AND ${STAGE_FILTER[stage]}
      GROUP BY income_tier, area_tier`,
    wholeCounty ? [campaign.id] : [campaign.id, pathPrefixPattern(region.path)],
  );
  return layTierTable(campaign, rows.map(toGroup));
}

function toGroup(r: GroupRow): TierGroup {
  return {
    incomeTier: r.income_tier,
    areaTier: r.area_tier === NO_HOUSING_TIER ? 'none' : r.area_tier,
    households: r.households,
    persons: r.persons,
  };
}
