import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { shanghaiDateOf, yearOf } from '@app/calendar';
import { Clock } from '@app/clock';
import { centiToSquareMetres, fenToYuan, hundredthsToCoefficient } from '@app/domain';
import { AppError } from '@app/http';
import { RegionsService } from '@app/regions';
import { WorkingDaysService } from '@app/working-days';
import { Campaign } from './campaign.entity';
import { CampaignView, CreateCampaignDto } from './campaign.dto';
import { checkParameters, withDefaults } from './campaign-parameters';

/** Campaigns kept in memory: a county runs one a year; the bound only guards against a flood of ids. */
const KNOWN_CAMPAIGNS_MAX = 1000;

@Injectable()
export class CampaignsService {
  private readonly known = new Map<string, Campaign>();

  constructor(
    @InjectRepository(Campaign) private readonly campaigns: Repository<Campaign>,
    private readonly regions: RegionsService,
    private readonly workingDays: WorkingDaysService,
    private readonly clock: Clock,
  ) {}

  async create(dto: CreateCampaignDto, createdBy: string | null): Promise<CampaignView> {
    const parameters = withDefaults(dto, yearOf(shanghaiDateOf(this.clock.now())));
    const problems = checkParameters(parameters, await this.workingDays.calendar());
    const county = await this.regions.findById(dto.countyId);
    if (county?.level !== 'county') {
      problems.unshift({
        code: 'INVALID_COUNTY',
        field: 'countyId',
        message: 'countyId is not a county',
      });
    }
    if (problems.length > 0) {
      throw AppError.unprocessable(
        'INVALID_CAMPAIGN',
        'The campaign parameters are not sound',
        problems,
      );
    }
    const saved = await this.campaigns.save(
      this.campaigns.create({ ...parameters, name: dto.name, countyId: dto.countyId, createdBy }),
    );
    return toCampaignView(saved);
  }

  async get(id: string): Promise<CampaignView> {
    return toCampaignView(await this.require(id));
  }

  async list(): Promise<CampaignView[]> {
    return (await this.campaigns.find({ order: { opensOn: 'DESC' } })).map(toCampaignView);
  }

  /** `within`: the transaction to read it in (see `require`). */
  findById(id: string, within?: EntityManager): Promise<Campaign | null> {
    return (within?.getRepository(Campaign) ?? this.campaigns).findOneBy({ id });
  }

  /**
   * The campaign, from this process's memory after the first read: every
   * transition and every application view needs it, and a campaign's
   * parameters never change once it is created (there is no update route; the
   * approval snapshot relies on that too). Adding one means invalidating this
   * in every process.
   *
   * `within`: the transaction to read it in when it is not in memory. A
   * transaction holding locks must not wait on another connection: PostgreSQL
   * cannot see that wait, so a deadlock through it (a TRUNCATE's or a
   * migration's lock queued between the two connections) is never broken,
   * and both wait for ever. In the transaction, it is a deadlock PostgreSQL
   * detects and ends.
   */
  async require(id: string, within?: EntityManager): Promise<Campaign> {
    const cached = this.known.get(id);
    if (cached) return cached;
    const campaign = await this.findById(id, within);
    if (!campaign) throw AppError.notFound('Campaign');
    if (this.known.size >= KNOWN_CAMPAIGNS_MAX) this.known.clear();
    this.known.set(id, campaign);
    return campaign;
  }
}

export function toCampaignView(c: Campaign): CampaignView {
  return {
    id: c.id,
    name: c.name,
    countyId: c.countyId,
    referenceIncome: fenToYuan(c.referenceIncomeFen),
    areaLimit: centiToSquareMetres(c.areaLimitCenti),
    incomeCoefficients: c.incomeCoefficients.map(hundredthsToCoefficient),
    areaTierBounds: c.areaTierBoundsCenti.map(centiToSquareMetres),
    ageCutoffDate: c.ageCutoffDate,
    hukouCutoffDate: c.hukouCutoffDate,
    transferCutoffDate: c.transferCutoffDate,
    opensOn: c.opensOn,
    closesOn: c.closesOn,
    reportDueOn: c.reportDueOn,
    reviewDays: {
      community: c.reviewDaysCommunity,
      town: c.reviewDaysTown,
      bureau: c.reviewDaysBureau,
    },
    noticeDays: c.noticeDays,
  };
}
