import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { StatisticsScopeQueryDto } from './scope-query.dto';
import { TIER_STAGES, TierStage } from './tier-labels';

/** The query of GET /api/statistics/tiers and of its .csv and .xlsx forms. */
export class TierQueryDto extends StatisticsScopeQueryDto {
  @ApiProperty({
    required: false,
    enum: TIER_STAGES,
    default: 'approved',
    description:
      'approved: households approved now; submitted: every application ever submitted, whatever became of it',
  })
  @IsOptional()
  @IsIn(TIER_STAGES)
  stage?: TierStage;
}
