import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { AuthUser } from '@app/access';
import { Application, requireReadable } from '@app/applications';
import { formatShanghaiInstant } from '@app/calendar';
import { verifyChainAgainstHead } from '@app/domain';
import { HistoryStore, recordedHead } from './history-store';

/** GET …/history and …/history/verify: for whoever may read the application. */
@Injectable()
export class HistoryService {
  constructor(
    private readonly db: DataSource,
    @InjectRepository(Application) private readonly applications: Repository<Application>,
    private readonly store: HistoryStore,
  ) {}

  async list(user: AuthUser, applicationId: string) {
    requireReadable(user, await this.applications.findOneBy({ id: applicationId }));
    return (await this.store.list(this.db, applicationId)).map((e) => ({
      seq: e.seq,
      type: e.type,
      from: e.from,
      to: e.to,
      actor: { id: e.actorId, name: e.actorName, role: e.actorRole },
      opinion: e.opinion,
      signature: e.signature,
      corrections: e.corrections,
      at: formatShanghaiInstant(new Date(e.at)),
      hash: e.hash,
      prevHash: e.prevHash,
    }));
  }

  async verify(user: AuthUser, applicationId: string) {
    requireReadable(user, await this.applications.findOneBy({ id: applicationId }));
    // One snapshot for both reads: an entry appended between them is no mismatch.
    const result = await this.db.transaction('REPEATABLE READ', async (tx) =>
      verifyChainAgainstHead(
        await this.store.list(tx, applicationId),
        await recordedHead(tx, applicationId),
      ),
    );
    return result.valid
      ? { valid: true, length: result.length }
      : {
          valid: false,
          length: result.length,
          firstBrokenSeq: result.firstBrokenSeq,
          reason: result.reason,
        };
  }
}
