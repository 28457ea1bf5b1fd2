import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';

/** The query of GET /api/statistics/register.csv and register.xlsx. */
export class RegisterQueryDto {
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
