import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuthUser, REVIEWER_SCOPE, isReviewer } from '@app/access';
import { formatShanghaiInstant } from '@app/calendar';
import { AlertsQueryDto } from './alerts-query.dto';

/**
 * Overdue alerts raised to the level above, and refused timers raised to the
 * administrators (`raiseRefusedTimerAlert`). A reviewer sees the alerts raised
 * to their level inside their region; an administrator sees every alert.
 */
@Injectable()
export class AlertsService {
  constructor(private readonly db: DataSource) {}

  async list(user: AuthUser, { kind }: AlertsQueryDto = {}) {
    const toLevel = isReviewer(user.role)
      ? REVIEWER_SCOPE[user.role].level
      : user.role === 'admin'
        ? null
        : 'none';
    const rows: {
      id: string;
      application_id: string;
      kind: string;
      level: string;
      to_level: string;
      message: string;
      created_at: Date;
    }[] = await this.db.query(
      `SELECT id, application_id, kind, level, to_level, message, created_at FROM alerts
          WHERE ($1::text IS NULL OR to_level = $1) AND ($2::text IS NULL OR region_path LIKE $2 || '%')
            AND ($3::text IS NULL OR kind = $3)
          ORDER BY created_at DESC LIMIT 500`,
      [toLevel, user.regionPath, kind ?? null],
    );
    return rows.map((r) => ({
      id: r.id,
      applicationId: r.application_id,
      kind: r.kind,
      level: r.level,
      toLevel: r.to_level,
      message: r.message,
      at: formatShanghaiInstant(r.created_at),
    }));
  }
}
