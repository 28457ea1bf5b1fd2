import { Injectable } from '@nestjs/common';
import type { Writable } from 'node:stream';
import { DataSource } from 'typeorm';
import { AuthUser } from '@app/access';
import type { Campaign } from '@app/campaigns';
import type { Region } from '@app/regions';
import { RegisterQueryDto } from './register-query.dto';
import type { RegisterRecord } from './register-row';
import { streamRegisterCsv } from './register-copy';
import { countRegister, registerBatches } from './register-source';
import { StatisticsScopes } from './statistics-scope';

/** An export ready to stream: what it is called, how long it is, and its households in batches when read. */
export interface RegisterExport {
  fileName: (extension: 'csv' | 'xlsx') => string;
  /** Approved households in it now (the streamed batches are read a moment later). */
  households: number;
  /** The whole register as CSV, straight from one COPY; answers the households written. */
  writeCsv: (out: Writable) => Promise<number>;
  /** The households in batches, for the workbook. */
  batches: () => AsyncGenerator<RegisterRecord[]>;
}

/** What a register file of this campaign and region is called, whichever way it is made. */
export function registerFileName(
  campaign: Pick<Campaign, 'name'>,
  region: Pick<Region, 'name'>,
  extension: 'csv' | 'xlsx',
): string {
  return `${campaign.name}-${region.name}-困难家庭名册.${extension}`;
}

/**
 * The register of approved households of a region (admin and bureau: the
 * county; town and community reviewers: their own region). It is sent to the
 * city as statistics, so it holds archive numbers, communities and figures
 * only: no name and no ID number of anyone.
 */
@Injectable()
export class RegisterService {
  constructor(
    private readonly db: DataSource,
    private readonly scopes: StatisticsScopes,
  ) {}

  /** Decides the scope (a 404 or 403 comes from here, before anything is sent). */
  async open(user: AuthUser, query: RegisterQueryDto): Promise<RegisterExport> {
    const { campaign, region } = await this.scopes.resolve(user, query);
    const filter = { campaignId: campaign.id, regionPath: region.path };
    return {
      fileName: (extension) => registerFileName(campaign, region, extension),
      households: await countRegister(this.db, filter),
      writeCsv: (out) => streamRegisterCsv(this.db, filter, out),
      batches: () => registerBatches(this.db, filter),
    };
  }
}
