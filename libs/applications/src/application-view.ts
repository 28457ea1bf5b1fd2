import { formatShanghaiInstant } from '@app/calendar';
import type { Statement } from '@app/database';
import { HouseholdAssessment, isReviewStatus, missingMaterials, toApiFigures } from '@app/domain';
import { Application, NO_HOUSING_TIER } from './application.entity';
import { memberView, propertyView } from './household-mapping';
import { Material } from './materials/material.entity';

const instant = (d: Date | null): string | null => (d ? formatShanghaiInstant(d) : null);

/** A deadline passed without a decision: flagged, never decided (domain.md, "The review flow"). */
export function isOverdue(app: Pick<Application, 'status' | 'dueAt'>, now: Date): boolean {
  return isReviewStatus(app.status) && app.dueAt !== null && now >= app.dueAt;
}

/** The columns kept in step with the declaration, for lists and statistics. */
export function figureColumns(a: HouseholdAssessment) {
  return {
    persons: a.persons,
    householdIncomeFen: a.householdIncomeFen,
    countedAreaCenti: a.countedAreaCenti,
    incomeTier: a.incomeTier,
    areaTier: a.areaTier === 'none' ? NO_HOUSING_TIER : a.areaTier,
    eligible: a.eligibility.eligible,
  };
}

/** What a view shows of a material (not where it is stored, nor who uploaded it). */
export type MaterialListing = Pick<
  Material,
  'id' | 'type' | 'memberIdNumber' | 'propertyId' | 'contentType' | 'size' | 'sha256' | 'createdAt'
>;

/**
 * An application's materials as one JSON array, oldest first (or null when
 * there are none): a subquery to read with other rows (`materialsFromJson`).
 */
export function materialsAsJson(applicationId: string): Statement {
  return { sql: materialsJsonSql('$1'), params: [applicationId] };
}

/** `materialsAsJson` of the application whose id is the SQL expression `applicationId`. */
export function materialsJsonSql(applicationId: string): string {
  return `SELECT json_agg(json_build_object('id', id, 'type', type, 'memberIdNumber', member_id_number,
                  'propertyId', property_id, 'contentType', content_type, 'size', size,
                  'sha256', sha256, 'createdAt', created_at) ORDER BY created_at, id)
            FROM materials WHERE application_id = ${applicationId}`;
}

export type MaterialsJson = (Omit<MaterialListing, 'createdAt'> & { createdAt: string })[] | null;

export function materialsFromJson(json: MaterialsJson): MaterialListing[] {
  return (json ?? []).map((m) => ({ ...m, createdAt: new Date(m.createdAt) }));
}

export function materialView(m: MaterialListing) {
  return {
    id: m.id,
    type: m.type,
    memberIdNumber: m.memberIdNumber,
    propertyId: m.propertyId,
    contentType: m.contentType,
    size: m.size,
    sha256: m.sha256,
    uploadedAt: formatShanghaiInstant(m.createdAt),
  };
}

/** GET /api/applications/:id, per the contract, with the uploaded materials listed too. */
export function applicationView(
  app: Application,
  assessment: HouseholdAssessment,
  materials: MaterialListing[],
  now: Date,
) {
  const identities = new Map(assessment.identities.map((i) => [i.idNumber, i]));
  const counted = new Map(assessment.properties.map((p) => [p.propertyId, p.counted]));
  return {
    id: app.id,
    campaignId: app.campaignId,
    communityId: app.communityId,
    status: app.status,
    level: app.level,
    members: app.household.members.map((m) => memberView(m, identities.get(m.idNumber))),
    properties: app.household.properties.map((p) => propertyView(p, counted.get(p.id) ?? null)),
    ...toApiFigures(assessment),
    eligibility: {
      eligible: assessment.eligibility.eligible,
      reasons: assessment.eligibility.reasons.map((r) => ({ ...r })),
    },
    missingMaterials: missingMaterials(assessment.requiredMaterials, materials).map((r) => ({
      ...r,
    })),
    materials: materials.map(materialView),
    submittedAt: instant(app.submittedAt),
    dueAt: instant(app.dueAt),
    overdue: isOverdue(app, now),
    noticeEndsAt: instant(app.noticeEndsAt),
    archiveNo: app.archiveNo,
    version: app.version,
  };
}

export type ApplicationView = ReturnType<typeof applicationView>;

export function applicationSummary(app: Application, now: Date) {
  const applicant = app.household.members.find((m) => m.relation === 'applicant');
  return {
    id: app.id,
    campaignId: app.campaignId,
    communityId: app.communityId,
    applicantName: applicant?.name ?? null,
    status: app.status,
    level: app.level,
    persons: app.persons,
    eligible: app.eligible,
    incomeTier: app.incomeTier === null ? null : app.incomeTier / 100,
    areaTier:
      app.areaTier === null ? null : app.areaTier === NO_HOUSING_TIER ? 'none' : app.areaTier / 100,
    submittedAt: instant(app.submittedAt),
    dueAt: instant(app.dueAt),
    overdue: isOverdue(app, now),
    version: app.version,
  };
}
