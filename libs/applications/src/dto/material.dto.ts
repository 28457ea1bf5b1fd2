import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { IsPlainText } from '@app/http';
import { MATERIAL_TYPES, MaterialType } from '@app/domain';

/** The text fields of a material upload (multipart); the file is the `file` part. */
export class UploadMaterialDto {
  @ApiProperty({ enum: MATERIAL_TYPES })
  @IsIn(MATERIAL_TYPES)
  type!: MaterialType;

  @ApiProperty({ required: false })
  @IsOptional()
  @IsString()
  @Length(1, 32)
  @IsPlainText()
  memberIdNumber?: string;

  @ApiProperty({ required: false })
  @IsOptional()
  @IsUUID()
  propertyId?: string;
}
