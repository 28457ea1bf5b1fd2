import { ApiProperty } from '@nestjs/swagger';
import { toBooleanQuery } from '@app/http';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { APPLICATION_STATUSES, ApplicationStatus, REVIEW_LEVELS, ReviewLevel } from '@app/domain';

export const MAX_PAGE_SIZE = 100;

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;

export class ListApplicationsQueryDto {
  @ApiProperty({ required: false, enum: APPLICATION_STATUSES })
  @IsOptional()
  @IsIn(APPLICATION_STATUSES)
  status?: ApplicationStatus;

  @ApiProperty({ required: false, enum: REVIEW_LEVELS })
  @IsOptional()
  @IsIn(REVIEW_LEVELS)
  level?: ReviewLevel;

  @ApiProperty({ required: false, description: 'Only applications inside this region' })
  @IsOptional()
  @IsUUID()
  regionId?: string;

  @ApiProperty({ required: false, type: Boolean })
  @IsOptional()
  @Transform(toBooleanQuery)
  @IsIn([true, false], { message: 'overdue must be true or false' })
  overdue?: boolean;

  @ApiProperty({ required: false, default: 1 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  page?: number;

  @ApiProperty({ required: false, default: 20, maximum: MAX_PAGE_SIZE })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  pageSize?: number;
}
