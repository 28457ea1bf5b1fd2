import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  ValidateNested,
} from 'class-validator';
import { MAX_AREA_SQUARE_METRES, MAX_MONEY_YUAN } from '@app/domain';
import { IsTwoDecimalNumber, IsPlainText } from '@app/http';

/** The signed part of every reviewer's act (署名并签署意见). */
export class SignedOpinionDto {
  @ApiProperty({ example: '经入户调查，申报情况属实。' })
  @IsString()
  @Length(1, 2000)
  @IsPlainText({ multiline: true })
  opinion!: string;

  @ApiProperty({ description: "The reviewer's registered name", example: '赵社区' })
  @IsString()
  @Length(1, 50)
  @IsPlainText()
  signature!: string;
}

export class MemberCorrectionDto {
  @ApiProperty()
  @IsString()
  @Length(1, 32)
  @IsPlainText()
  idNumber!: string;

  @ApiProperty({ required: false })
  @IsOptional()
  @IsTwoDecimalNumber({ max: MAX_MONEY_YUAN })
  annualIncome?: number;
}

export class PropertyCorrectionDto {
  @ApiProperty()
  @IsUUID()
  id!: string;

  @ApiProperty({ required: false })
  @IsOptional()
  @IsTwoDecimalNumber({ min: 0.01, max: MAX_AREA_SQUARE_METRES })
  area?: number;
}

export class CorrectionsDto {
  @ApiProperty({ required: false, type: [MemberCorrectionDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => MemberCorrectionDto)
  members?: MemberCorrectionDto[];

  @ApiProperty({ required: false, type: [PropertyCorrectionDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => PropertyCorrectionDto)
  properties?: PropertyCorrectionDto[];
}

export class DecisionDto extends SignedOpinionDto {
  @ApiProperty({ enum: ['approve', 'reject', 'return'] })
  @IsIn(['approve', 'reject', 'return'])
  decision!: 'approve' | 'reject' | 'return';

  @ApiProperty({ required: false, type: CorrectionsDto })
  @IsOptional()
  // ValidateNested alone takes an array for an object: `[]` would pass as "no corrections",
  // and an array inside the lists would reach the engine. Objects only, at every level.
  @IsObject()
  @ValidateNested()
  @Type(() => CorrectionsDto)
  corrections?: CorrectionsDto;
}

export class ResolutionDto extends SignedOpinionDto {
  @ApiProperty()
  @IsBoolean()
  upheld!: boolean;
}
