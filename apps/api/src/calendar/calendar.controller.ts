import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles, ServiceWide } from '@app/access';
import { DayDescription, InvalidDateError, IsoDate, parseIsoDate } from '@app/calendar';
import { AuditedChange } from '@app/audit';
import { AppError } from '@app/http';
import { WorkingDaysService } from '@app/working-days';
import { OverrideDto, WorkdaysQueryDto } from './calendar.dto';

@ApiTags('calendar')
@ApiBearerAuth()
@Controller('calendar')
export class CalendarController {
  constructor(private readonly workingDays: WorkingDaysService) {}

  @Get('workdays')
  workdays(@Query() query: WorkdaysQueryDto): Promise<DayDescription[]> {
    return this.workingDays.describeRange(date(query.from, 'from'), date(query.to, 'to'));
  }

  @Put('overrides/:date')
  @Roles('admin')
  // One calendar for every county: a county's administrator would move the others' deadlines.
  @ServiceWide()
  @AuditedChange<DayDescription>({
    action: 'admin.working_days.changed',
    target: ({ params }) => ({ type: 'calendar_day', id: params.date }),
    // The note is free text: left out.
    detail: ({ result }) => ({ change: 'override_set', workday: result.workday }),
  })
  setOverride(
    @Param('date') day: string,
    @Body() dto: OverrideDto,
    @CurrentUser() user: AuthUser,
  ): Promise<DayDescription> {
    return this.workingDays.setOverride(date(day, 'date'), dto.workday, dto.note, user.id);
  }

  @Delete('overrides/:date')
  @Roles('admin')
  // One calendar for every county: a county's administrator would move the others' deadlines.
  @ServiceWide()
  @HttpCode(204)
  @AuditedChange<void>({
    action: 'admin.working_days.changed',
    target: ({ params }) => ({ type: 'calendar_day', id: params.date }),
    detail: () => ({ change: 'override_removed' }),
  })
  removeOverride(@Param('date') day: string): Promise<void> {
    return this.workingDays.removeOverride(date(day, 'date'));
  }
}

function date(value: string, field: string): IsoDate {
  try {
    return parseIsoDate(value);
  } catch (e) {
    if (!(e instanceof InvalidDateError)) throw e;
    throw AppError.badRequest('VALIDATION_FAILED', e.message, [
      { code: 'INVALID_FIELD', field, message: e.message },
    ]);
  }
}
