import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { RegisterQueryDto } from '../register-query.dto';
import type { RegisterFormat } from '../register-writer';

/** The body of POST /api/statistics/register-exports. */
export class CreateRegisterExportDto extends RegisterQueryDto {
  @ApiProperty({ enum: ['csv', 'xlsx'] })
  @IsIn(['csv', 'xlsx'])
  format!: RegisterFormat;
}
