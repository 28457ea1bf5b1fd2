import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { formatShanghaiInstant } from '@app/calendar';
import { Clock } from '@app/clock';
import { centiToSquareMetres, hundredthsToCoefficient } from '@app/domain';
import { NoticeQueryDto, PUBLIC_PAGE_SIZE } from './notice.dto';

interface NoticeRow {
  id: string;
  serial: string;
  level: string;
  community_name: string;
  masked_name: string;
  persons: number;
  per_capita_area_centi: number;
  income_tier: number | null;
  starts_at: Date;
  ends_at: Date;
}

/** Notices running at $1, filtered by campaign $2, level $3 and region $4. */
const RUNNING = `
  FROM notices n
 WHERE n.closed_at IS NULL AND n.starts_at <= $1 AND n.ends_at > $1
   AND ($2::uuid IS NULL OR n.campaign_id = $2)
   AND ($3::text IS NULL OR n.level = $3)
   AND ($4::uuid IS NULL OR n.region_path LIKE (SELECT path FROM regions WHERE id = $4) || '%')`;

/**
 * The public board (三榜公示): notices running now. It reads only the notices
 * table, whose rows were masked when posted, so no personal datum can leak here.
 */
@Injectable()
export class NoticeBoard {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  async list(query: NoticeQueryDto) {
    const page = query.page ?? 1;
    const filters = [
      this.clock.now(),
      query.campaignId ?? null,
      query.level ?? null,
      query.regionId ?? null,
    ];
    const [rows, [{ total }]] = await Promise.all([
      this.db.query<NoticeRow[]>(
        `SELECT n.id, n.serial, n.level, n.community_name, n.masked_name, n.persons,
                n.per_capita_area_centi, n.income_tier, n.starts_at, n.ends_at
         ${RUNNING} ORDER BY n.serial LIMIT $5 OFFSET $6`,
        [...filters, PUBLIC_PAGE_SIZE, (page - 1) * PUBLIC_PAGE_SIZE],
      ),
      this.db.query<{ total: string }[]>(`SELECT count(*) AS total ${RUNNING}`, filters),
    ]);
    return {
      items: rows.map((r) => ({
        noticeId: r.id,
        serial: Number(r.serial),
        level: r.level,
        communityName: r.community_name,
        applicantName: r.masked_name,
        persons: r.persons,
        perCapitaArea: centiToSquareMetres(r.per_capita_area_centi),
        incomeTier: r.income_tier === null ? null : hundredthsToCoefficient(r.income_tier),
        startsAt: formatShanghaiInstant(r.starts_at),
        endsAt: formatShanghaiInstant(r.ends_at),
      })),
      total: Number(total),
    };
  }
}
