import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { TIER_STAGES, TierStage } from './tier-labels';

/** The query of GET /api/statistics/tiers and of its .csv and .xlsx forms. */
export class TierQueryDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  campaignId!: string;

  @ApiProperty({
    required: false,
    format: 'uuid',
    description:
      "Defaults to the caller's own region (the campaign's county for the bootstrap admin)",
  })
  @IsOptional()
  @IsUUID()
  regionId?: string;

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
