import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';

/** What every statistics query is of: a campaign and, optionally, a region (see StatisticsScopes). */
export class StatisticsScopeQueryDto {
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
}
