import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { IsPlainText } from '@app/http';
import { REGION_LEVELS, RegionLevel } from './region.entity';

export class CreateRegionDto {
  @ApiProperty({ example: '360124101001' })
  @Matches(/^[0-9A-Za-z-]{1,32}$/, { message: 'code must be 1-32 letters, digits or dashes' })
  code!: string;

  @ApiProperty({ example: '民和镇' })
  @IsString()
  @Length(1, 100)
  @IsPlainText()
  name!: string;

  @ApiProperty({ enum: REGION_LEVELS })
  @IsIn(REGION_LEVELS)
  level!: RegionLevel;

  @ApiProperty({ required: false, description: 'Required for towns and communities' })
  @IsOptional()
  @IsUUID()
  parentId?: string;
}

export interface RegionNode {
  id: string;
  code: string;
  name: string;
  level: RegionLevel;
  children: RegionNode[];
}
