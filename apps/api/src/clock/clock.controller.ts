import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsISO8601 } from 'class-validator';
import { Roles, ServiceWide } from '@app/access';
import { formatShanghaiInstant } from '@app/calendar';
import { Clock, ClockBackwardsError, ManualClock } from '@app/clock';
import { AuditedChange } from '@app/audit';
import { AppError } from '@app/http';

export class SetClockDto {
  @ApiProperty({ example: '2025-09-26T09:00:00+08:00' })
  @IsISO8601({ strict: true }, { message: 'now must be an ISO 8601 instant' })
  now!: string;
}

/**
 * The manual clock (CLOCK=manual). Mounted only in that mode, so that under the
 * system clock the path does not exist (404).
 */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin/clock')
export class ClockController {
  constructor(private readonly clock: Clock) {}

  @Get()
  get(): { now: string; mode: string } {
    return { now: formatShanghaiInstant(this.clock.now()), mode: this.clock.mode };
  }

  // One clock for every county: moving it fires every county's timers. Reading it is any admin's.
  @Post()
  @ServiceWide()
  @HttpCode(200)
  @AuditedChange<{ now: string }>({
    action: 'admin.clock.advanced',
    target: () => ({ type: 'clock', id: 'manual' }),
    detail: ({ result }) => ({ now: result.now }),
  })
  async set(@Body() dto: SetClockDto): Promise<{ now: string }> {
    if (!(this.clock instanceof ManualClock)) throw AppError.notFound('Route');
    const instant = new Date(dto.now);
    if (!/(Z|[+-]\d{2}:?\d{2})$/.test(dto.now)) {
      throw AppError.badRequest('VALIDATION_FAILED', 'now must carry a time-zone offset');
    }
    try {
      return { now: formatShanghaiInstant(await this.clock.set(instant)) };
    } catch (e) {
      if (e instanceof ClockBackwardsError) throw AppError.conflict(e.code, e.message);
      throw e;
    }
  }
}
