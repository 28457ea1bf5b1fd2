import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsTwoDecimalNumber, IsPlainText, IsCalendarDate } from '@app/http';

export class ReviewDaysDto {
  @ApiProperty({ default: 5 })
  @IsInt()
  @Min(1)
  @Max(60)
  community!: number;

  @ApiProperty({ default: 10 })
  @IsInt()
  @Min(1)
  @Max(60)
  town!: number;

  @ApiProperty({ default: 15 })
  @IsInt()
  @Min(1)
  @Max(60)
  bureau!: number;
}

/**
 * A campaign as the client sends it. Omitted fields take the notice's values;
 * dates default to the current year's (Asia/Shanghai).
 */
export class CreateCampaignDto {
  @ApiProperty({ example: '2026年城镇低收入住房困难家庭摸底调查' })
  @IsString()
  @Length(1, 200)
  @IsPlainText()
  name!: string;

  @ApiProperty()
  @IsUUID()
  countyId!: string;

  @ApiProperty({ description: 'Urban per-capita annual disposable income, yuan', example: 41000 })
  @IsTwoDecimalNumber({ min: 0.01, max: 10_000_000 })
  referenceIncome!: number;

  @ApiProperty({ required: false, default: 10, description: 'Per-capita housing area limit, m²' })
  @IsOptional()
  @IsTwoDecimalNumber({ min: 0.01, max: 1000 })
  areaLimit?: number;

  @ApiProperty({ required: false, type: [Number], example: [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsTwoDecimalNumber({ min: 0.01, max: 1 }, { each: true })
  incomeCoefficients?: number[];

  @ApiProperty({ required: false, type: [Number], example: [5, 6, 7, 8, 9, 10] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsTwoDecimalNumber({ min: 0.01, max: 1000 }, { each: true })
  areaTierBounds?: number[];

  @ApiProperty({ required: false, example: '2026-08-31' })
  @IsOptional()
  @IsCalendarDate()
  ageCutoffDate?: string;

  @ApiProperty({ required: false, example: '2026-12-31' })
  @IsOptional()
  @IsCalendarDate()
  hukouCutoffDate?: string;

  @ApiProperty({ required: false, example: '2026-08-31' })
  @IsOptional()
  @IsCalendarDate()
  transferCutoffDate?: string;

  @ApiProperty({ required: false, example: '2026-09-01' })
  @IsOptional()
  @IsCalendarDate()
  opensOn?: string;

  @ApiProperty({ required: false, example: '2026-10-26' })
  @IsOptional()
  @IsCalendarDate()
  closesOn?: string;

  @ApiProperty({ required: false, example: '2026-10-28' })
  @IsOptional()
  @IsCalendarDate()
  reportDueOn?: string;

  @ApiProperty({ required: false, type: ReviewDaysDto })
  @IsOptional()
  // ValidateNested alone lets an array through (a 500 further on).
  @IsObject()
  @ValidateNested()
  @Type(() => ReviewDaysDto)
  reviewDays?: ReviewDaysDto;

  @ApiProperty({ required: false, default: 5 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(60)
  noticeDays?: number;
}

export interface CampaignView {
  id: string;
  name: string;
  countyId: string;
  referenceIncome: number;
  areaLimit: number;
  incomeCoefficients: number[];
  areaTierBounds: number[];
  ageCutoffDate: string;
  hukouCutoffDate: string;
  transferCutoffDate: string;
  opensOn: string;
  closesOn: string;
  reportDueOn: string;
  reviewDays: { community: number; town: number; bureau: number };
  noticeDays: number;
}
