import { IsPlainText, toBooleanQuery } from '@app/http';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';

/** What alerts are raised for: a review past its deadline, a timer the engine refused. */
export const ALERT_KINDS = ['overdue', 'timer_refused'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/**
 * `GET /api/alerts?kind=&acknowledged=`: the list holds the newest 500, and a
 * season's overdue alerts run into the thousands; an administrator looks for
 * the few refused timers among them by kind, and a reviewer works through the
 * ones nobody has acknowledged yet (`acknowledged=false`).
 */
export class AlertsQueryDto {
  @ApiProperty({ required: false, enum: ALERT_KINDS })
  @IsOptional()
  @IsIn(ALERT_KINDS)
  kind?: AlertKind;

  @ApiProperty({ required: false, type: Boolean })
  @IsOptional()
  @Transform(toBooleanQuery)
  @IsIn([true, false], { message: 'acknowledged must be true or false' })
  acknowledged?: boolean;
}

/**
 * `POST /api/alerts/:id/acknowledgement`: what was done about it. Required: an
 * acknowledgement is the office's record that someone acted on the alert (a
 * call to the late community, a year added to the calendar), not a click.
 */
export class AcknowledgeAlertDto {
  @ApiProperty({ example: '已电话督办甲一社区，次日完成审核。' })
  @IsString()
  @Length(1, 500)
  @IsPlainText({ multiline: true })
  note!: string;
}
