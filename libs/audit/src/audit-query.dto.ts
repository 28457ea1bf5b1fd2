import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { AUDIT_ACTIONS } from './audit-actions';
import type { AuditAction } from './audit-actions';

export const DEFAULT_AUDIT_PAGE = 50;
export const MAX_AUDIT_PAGE = 200;

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;
const WITH_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/;

/** `GET /api/admin/audit`: newest first, keyset-paged by `cursor` (the previous page's `nextCursor`). */
export class AuditQueryDto {
  @ApiProperty({ required: false, enum: AUDIT_ACTIONS })
  @IsOptional()
  @IsIn(AUDIT_ACTIONS)
  action?: AuditAction;

  @ApiProperty({ required: false, description: 'Only records of this user as the actor' })
  @IsOptional()
  @IsUUID()
  actorId?: string;

  @ApiProperty({ required: false, example: '2025-09-01T00:00:00+08:00', description: 'inclusive' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 instant' })
  @Matches(WITH_OFFSET, { message: 'from must carry a time-zone offset' })
  from?: string;

  @ApiProperty({ required: false, example: '2025-10-01T00:00:00+08:00', description: 'exclusive' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 instant' })
  @Matches(WITH_OFFSET, { message: 'to must carry a time-zone offset' })
  to?: string;

  @ApiProperty({ required: false, default: DEFAULT_AUDIT_PAGE, maximum: MAX_AUDIT_PAGE })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(MAX_AUDIT_PAGE)
  limit?: number;

  @ApiProperty({ required: false, description: 'nextCursor of the previous page' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,32}$/, { message: 'cursor is not one this service gave' })
  cursor?: string;
}
