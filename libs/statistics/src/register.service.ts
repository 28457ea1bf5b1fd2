import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuthUser } from '@app/access';
import { RegisterQueryDto } from './register-query.dto';
import type { RegisterRecord } from './register-row';
import { registerBatches } from './register-source';
import { StatisticsScopes } from './statistics-scope';

/** An export ready to stream: what it is called, and its households in batches when read. */
export interface RegisterExport {
  fileName: (extension: 'csv' | 'xlsx') => string;
  batches: () => AsyncGenerator<RegisterRecord[]>;
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
    return {
      fileName: (extension) => `${campaign.name}-${region.name}-困难家庭名册.${extension}`,
      batches: () => registerBatches(this.db, { campaignId: campaign.id, regionPath: region.path }),
    };
  }
}
