import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  ValidateNested,
} from 'class-validator';
import {
  INCOME_SOURCES,
  IncomeSource,
  MARITAL_STATUSES,
  MaritalStatus,
  MAX_AREA_SQUARE_METRES,
  MAX_MONEY_YUAN,
  PROPERTY_KINDS,
  PropertyKind,
  RELATIONS,
  Relation,
  TRANSFER_REASONS,
  TransferReason,
} from '@app/domain';
import { IsTwoDecimalNumber, IsPlainText, IsCalendarDate } from '@app/http';

/** The most members and properties one household may declare: far above any real family. */
export const MAX_MEMBERS = 20;
export const MAX_PROPERTIES = 50;

export class MemberDto {
  @ApiProperty({ example: '张三' })
  @IsString()
  @Length(1, 50)
  @IsPlainText()
  name!: string;

  @ApiProperty({
    example: '360124198001010011',
    description: 'GB 11643 resident ID; checked by the rules (422)',
  })
  @IsString()
  @Length(1, 32)
  @IsPlainText()
  idNumber!: string;

  @ApiProperty({ enum: RELATIONS })
  @IsIn(RELATIONS)
  relation!: Relation;

  @ApiProperty({ enum: MARITAL_STATUSES })
  @IsIn(MARITAL_STATUSES)
  maritalStatus!: MaritalStatus;

  @ApiProperty({ description: 'The community where the member holds hukou' })
  @IsUUID()
  hukouCommunityId!: string;

  @ApiProperty({ example: '2010-05-01' })
  @IsCalendarDate()
  hukouSince!: string;

  @ApiProperty({ enum: INCOME_SOURCES })
  @IsIn(INCOME_SOURCES)
  incomeSource!: IncomeSource;

  @ApiProperty({
    example: 12000.5,
    description: 'Annual disposable income, yuan, at most two decimals',
  })
  @IsTwoDecimalNumber({ max: MAX_MONEY_YUAN })
  annualIncome!: number;
}

export class PropertyDto {
  @ApiProperty({
    required: false,
    description: 'On replace: the id of a property to keep (materials refer to it)',
  })
  @IsOptional()
  @IsUUID()
  id?: string;

  @ApiProperty({ enum: PROPERTY_KINDS })
  @IsIn(PROPERTY_KINDS)
  kind!: PropertyKind;

  @ApiProperty()
  @IsString()
  @Length(1, 32)
  @IsPlainText()
  ownerIdNumber!: string;

  @ApiProperty({ example: '民和镇城南路12号3栋201' })
  @IsString()
  @Length(1, 200)
  @IsPlainText()
  address!: string;

  @ApiProperty({ example: 30, description: 'Construction area, m², at most two decimals' })
  @IsTwoDecimalNumber({ min: 0.01, max: MAX_AREA_SQUARE_METRES })
  area!: number;

  @ApiProperty({ required: false, example: '2025-10-01' })
  @IsOptional()
  @IsCalendarDate()
  transferredOn?: string;

  @ApiProperty({ required: false, enum: TRANSFER_REASONS })
  @IsOptional()
  @IsIn(TRANSFER_REASONS)
  transferReason?: TransferReason;
}

/** The body of POST /api/applications and PUT /api/applications/:id. */
export class ApplicationBodyDto {
  @ApiProperty()
  @IsUUID()
  campaignId!: string;

  @ApiProperty({ description: 'The community where the household lives and applies' })
  @IsUUID()
  communityId!: string;

  @ApiProperty({ type: [MemberDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_MEMBERS)
  // Each element an object: ValidateNested lets an array through as one (a 500 further on).
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => MemberDto)
  members!: MemberDto[];

  @ApiProperty({ type: [PropertyDto] })
  @IsArray()
  @ArrayMaxSize(MAX_PROPERTIES)
  // Each element an object: ValidateNested lets an array through as one (a 500 further on).
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => PropertyDto)
  properties!: PropertyDto[];
}
