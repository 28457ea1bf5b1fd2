import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { AuthUser } from '@app/access';
import { compareDates, reviewDeadline, shanghaiDateOf } from '@app/calendar';
import { Campaign, CampaignsService } from '@app/campaigns';
import { Clock } from '@app/clock';
import { HouseholdAssessment, MATERIAL_LABELS, missingMaterials } from '@app/domain';
import { AppError, ErrorDetail } from '@app/http';
import { translateCalendarErrors, WorkingDaysService } from '@app/working-days';
import { requireReadable } from './application-access';
import { Application, ApplicationStatus } from './application.entity';
import { ApplicationView } from './application-view';
import { ApplicationsService } from './applications.service';
import { HouseholdAssessor } from './household-assessor';
import { Material } from './materials/material.entity';

/** Submitted and not withdrawn, rejected or revoked: an approved household is live (domain.md). */
export const LIVE_STATUSES: readonly ApplicationStatus[] = [
  'community_review',
  'community_notice',
  'town_review',
  'town_notice',
  'bureau_review',
  'bureau_notice',
  'returned',
  'approved',
];

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class SubmissionService {
  constructor(
    private readonly db: DataSource,
    @InjectRepository(Application) private readonly applications: Repository<Application>,
    @InjectRepository(Material) private readonly materials: Repository<Material>,
    private readonly campaigns: CampaignsService,
    private readonly assessor: HouseholdAssessor,
    private readonly workingDays: WorkingDaysService,
    private readonly drafts: ApplicationsService,
    private readonly clock: Clock,
  ) {}

  /**
   * Sends a draft to its community. Refused, changing nothing: outside the
   * window (409), while ineligible or missing materials (422, every reason),
   * when a member is in another live application of the campaign (409).
   */
  async submit(user: AuthUser, id: string): Promise<ApplicationView> {
    const app = this.requireOwn(user, await this.applications.findOneBy({ id }));
    if (app.status !== 'draft') {
      throw AppError.conflict(
        'NOT_SUBMITTABLE',
        `An application in status ${app.status} cannot be submitted`,
      );
    }
    const campaign = await this.campaigns.require(app.campaignId);
    const now = this.clock.now();
    this.requireWindowOpen(campaign, now);

    const assessment = await this.assessor.assessOrRefuse(app, campaign);
    const provided = await this.materials.findBy({ applicationId: id });
    this.requireSubmittable(assessment, provided);

    const calendar = await this.workingDays.calendar();
    const { dueAt } = translateCalendarErrors(() =>
      reviewDeadline(calendar, shanghaiDateOf(now), campaign.reviewDaysCommunity),
    );
    await this.db.transaction(async (tx) => {
      await this.claimMembers(tx, app, assessment);
      const result = await tx
        .createQueryBuilder()
        .update(Application)
        .set({
          status: 'community_review',
          level: 'community',
          submittedAt: now,
          dueAt,
          version: app.version + 1,
        })
        .where('id = :id AND version = :version AND status = :status', {
          id,
          version: app.version,
          status: 'draft',
        })
        .execute();
      if (!result.affected)
        throw AppError.conflict('VERSION_CONFLICT', 'The application changed meanwhile');
    });
    return this.drafts.view(user, id);
  }

  /** The applicant takes a live application back; its members are free to apply again. */
  async withdraw(user: AuthUser, id: string): Promise<ApplicationView> {
    const app = this.requireOwn(user, await this.applications.findOneBy({ id }));
    if (!LIVE_STATUSES.includes(app.status)) {
      throw AppError.conflict(
        'NOT_WITHDRAWABLE',
        `An application in status ${app.status} cannot be withdrawn`,
      );
    }
    await this.db.transaction(async (tx) => {
      const result = await tx
        .createQueryBuilder()
        .update(Application)
        .set({
          status: 'withdrawn',
          level: null,
          dueAt: null,
          noticeEndsAt: null,
          version: app.version + 1,
        })
        .where('id = :id AND version = :version', { id, version: app.version })
        .execute();
      if (!result.affected)
        throw AppError.conflict('VERSION_CONFLICT', 'The application changed meanwhile');
      await tx.query(`DELETE FROM live_memberships WHERE application_id = $1`, [id]);
    });
    return this.drafts.view(user, id);
  }

  private requireOwn(user: AuthUser, app: Application | null): Application {
    const readable = requireReadable(user, app);
    if (readable.applicantUserId !== user.id)
      throw AppError.forbidden('Only the applicant may do this');
    return readable;
  }

  private requireWindowOpen(campaign: Campaign, now: Date): void {
    const today = shanghaiDateOf(now);
    if (compareDates(today, campaign.opensOn) < 0 || compareDates(today, campaign.closesOn) > 0) {
      throw AppError.conflict(
        'OUTSIDE_CAMPAIGN_WINDOW',
        `Applications are accepted from ${campaign.opensOn} to ${campaign.closesOn}`,
      );
    }
  }

  private requireSubmittable(assessment: HouseholdAssessment, provided: Material[]): void {
    const reasons = assessment.eligibility.reasons;
    const missing = missingMaterials(assessment.requiredMaterials, provided);
    const onlyConflict =
      missing.length === 0 &&
      reasons.length > 0 &&
      reasons.every((r) => r.code === 'MEMBER_IN_OTHER_APPLICATION');
    if (onlyConflict) throw memberConflict();
    if (reasons.length === 0 && missing.length === 0) return;
    const details: ErrorDetail[] = [
      ...reasons.map((r) => ({ code: r.code, message: r.message })),
      ...missing.map((m) => ({
        code: 'MATERIAL_MISSING',
        message: `缺少材料:${MATERIAL_LABELS[m.type]}`,
        field: [m.type, m.memberIdNumber, m.propertyId].filter(Boolean).join(':'),
      })),
    ];
    throw AppError.unprocessable(
      'NOT_SUBMITTABLE',
      'The application cannot be submitted yet',
      details,
    );
  }

  /** The primary key (campaign, ID number) makes two racing submissions of one person impossible. */
  private async claimMembers(
    tx: EntityManager,
    app: Application,
    assessment: HouseholdAssessment,
  ): Promise<void> {
    try {
      await tx.query(
        `INSERT INTO live_memberships (campaign_id, id_number, application_id)
         SELECT $1, unnest($2::char(18)[]), $3`,
        [app.campaignId, assessment.household.members.map((m) => m.idNumber), app.id],
      );
    } catch (e) {
      if ((e as { code?: string }).code === UNIQUE_VIOLATION) throw memberConflict();
      throw e;
    }
  }
}

function memberConflict(): AppError {
  return AppError.conflict(
    'MEMBER_IN_OTHER_APPLICATION',
    'A member is already in another live application of this campaign',
  );
}
