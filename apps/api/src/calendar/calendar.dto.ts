import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsString, Length, Matches } from 'class-validator';
import { IsPlainText } from '@app/http';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export class WorkdaysQueryDto {
  @ApiProperty({ example: '2025-09-26' })
  @Matches(ISO_DATE, { message: 'from must be a date YYYY-MM-DD' })
  from!: string;

  @ApiProperty({ example: '2025-10-12' })
  @Matches(ISO_DATE, { message: 'to must be a date YYYY-MM-DD' })
  to!: string;
}

export class OverrideDto {
  @ApiProperty()
  @IsBoolean()
  workday!: boolean;

  @ApiProperty({ example: '县城防汛放假' })
  @IsString()
  @Length(1, 200)
  @IsPlainText()
  note!: string;
}
