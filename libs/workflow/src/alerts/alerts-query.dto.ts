import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

/** What alerts are raised for: a review past its deadline, a timer the engine refused. */
export const ALERT_KINDS = ['overdue', 'timer_refused'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/**
 * `GET /api/alerts?kind=`: the list holds the newest 500, and a season's
 * overdue alerts run into the thousands; an administrator looks for the few
 * refused timers among them by kind.
 */
export class AlertsQueryDto {
  @ApiProperty({ required: false, enum: ALERT_KINDS })
  @IsOptional()
  @IsIn(ALERT_KINDS)
  kind?: AlertKind;
}
