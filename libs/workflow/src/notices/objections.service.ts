import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '@app/clock';
import { AppConfig } from '@app/config';
import { AppError, clientKey } from '@app/http';
import { RateLimiter, RedisKeys } from '@app/redis';
import { ObjectionDto } from './notice.dto';

@Injectable()
export class ObjectionsService {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly limiter: RateLimiter,
    private readonly keys: RedisKeys,
    private readonly config: AppConfig,
  ) {}

  /**
   * Anyone may object while a notice runs. The application's row is locked as
   * the notice-end timer locks it, so an objection and the notice's end cannot
   * cross: either the objection is in before the end (and holds the application)
   * or it is refused with 409.
   */
  async file(
    noticeId: string,
    dto: ObjectionDto,
    client: string,
  ): Promise<{ objectionId: string }> {
    await this.rateLimit(client);
    return this.db.transaction(async (tx) => {
      const [notice]: { application_id: string }[] = await tx.query(
        `SELECT application_id FROM notices WHERE id = $1`,
        [noticeId],
      );
      if (!notice) throw AppError.notFound('Notice');
      await tx.query(`SELECT id FROM applications WHERE id = $1 FOR UPDATE`, [
        notice.application_id,
      ]);
      const now = this.clock.now();
      const [open]: { id: string }[] = await tx.query(
        `SELECT n.id FROM notices n JOIN applications a ON a.id = n.application_id
          WHERE n.id = $1 AND n.closed_at IS NULL AND n.ends_at > $2 AND NOT a.notice_waiting`,
        [noticeId, now],
      );
      if (!open)
        throw AppError.conflict('NOTICE_ENDED', 'This notice has ended; objections are closed');
      const [row]: { id: string }[] = await tx.query(
        `INSERT INTO objections (notice_id, application_id, content, contact_name, contact_phone, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [
          noticeId,
          notice.application_id,
          dto.content,
          dto.contactName ?? null,
          dto.contactPhone ?? null,
          now,
        ],
      );
      return { objectionId: row.id };
    });
  }

  /**
   * Counted in Redis, so the limit holds across every API process; by client
   * address (OBJECTION_RATE_LIMIT per OBJECTION_RATE_WINDOW_SECONDS).
   */
  private async rateLimit(client: string): Promise<void> {
    await this.limiter.admit(
      [
        {
          key: this.keys.key('rate', 'objection', clientKey(client)),
          limit: this.config.objectionRateLimit,
          windowSeconds: this.config.objectionRateWindowSeconds,
        },
      ],
      'Too many objections from this client; try again later',
    );
  }
}
