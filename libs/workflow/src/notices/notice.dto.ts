import { IsPlainText } from '@app/http';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { REVIEW_LEVELS, ReviewLevel } from '@app/domain';

/** The public board's page size is fixed: nobody pages the whole register out of it. */
export const PUBLIC_PAGE_SIZE = 20;

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : value;

export class NoticeQueryDto {
  @ApiProperty({ required: false })
  @IsOptional()
  @IsUUID()
  campaignId?: string;

  @ApiProperty({ required: false, enum: REVIEW_LEVELS })
  @IsOptional()
  @IsIn(REVIEW_LEVELS)
  level?: ReviewLevel;

  @ApiProperty({ required: false })
  @IsOptional()
  @IsUUID()
  regionId?: string;

  @ApiProperty({ required: false, default: 1 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  page?: number;
}

export class ObjectionDto {
  @ApiProperty({ example: '该户在城北另有住房一套。' })
  @IsString()
  @Length(1, 2000)
  @IsPlainText({ multiline: true })
  content!: string;

  @ApiProperty({ required: false })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  @IsPlainText()
  contactName?: string;

  @ApiProperty({ required: false })
  @IsOptional()
  @Matches(/^[0-9+\- ]{5,20}$/, { message: 'contactPhone must be a phone number' })
  contactPhone?: string;
}
