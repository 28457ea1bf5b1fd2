import { Injectable } from '@nestjs/common';
import type { Writable } from 'node:stream';
import { DataSource } from 'typeorm';
import { AuthUser } from '@app/access';
import type { Campaign } from '@app/campaigns';
import type { Region } from '@app/regions';
import { RegisterQueryDto } from './register-query.dto';
import { countRegister } from './register-source';
import { RegisterFormat, writeRegister } from './register-writer';
import { StatisticsScope, StatisticsScopes } from './statistics-scope';

/** A register ready to write: what it is of, what it is called, how long it is. */
export interface RegisterExport {
  scope: StatisticsScope;
  fileName: (format: RegisterFormat) => string;
  /** Approved households in it now (the file is written a moment later). */
  households: number;
  /** Writes the whole register to `out` and ends it; answers the households written. */
  write: (format: RegisterFormat, out: Writable) => Promise<number>;
}

/** What a register file of this campaign and region is called, whichever way it is made. */
export function registerFileName(
  campaign: Pick<Campaign, 'name'>,
  region: Pick<Region, 'name'>,
  format: RegisterFormat,
): string {
  return `${campaign.name}-${region.name}-困难家庭名册.${format}`;
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
    const scope = await this.scopes.resolve(user, query);
    const filter = { campaignId: scope.campaign.id, regionPath: scope.region.path };
    return {
      scope,
      fileName: (format) => registerFileName(scope.campaign, scope.region, format),
      households: await countRegister(this.db, filter),
      write: (format, out) => writeRegister(this.db, filter, format, out),
    };
  }
}
