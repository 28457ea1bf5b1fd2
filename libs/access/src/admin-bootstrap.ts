import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AuditLog } from '@app/audit';
import { AppConfig } from '@app/config';
import { UsersService } from './users.service';

/**
 * Creates the administrator named by ADMIN_USERNAME/ADMIN_PASSWORD on start-up,
 * once; that creation is an admin change like any other, made by no one.
 */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly audit: AuditLog,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { adminUsername, adminPassword } = this.config;
    if (!adminUsername || !adminPassword) return;
    const createdId = await this.users.ensureAdmin(adminUsername, adminPassword);
    if (createdId) {
      await this.audit.record({
        action: 'admin.user.created',
        outcome: 'succeeded',
        target: { type: 'user', id: createdId },
        detail: { role: 'admin', bootstrap: true },
      });
      new Logger('AdminBootstrap').log(`created administrator ${adminUsername}`);
    }
  }
}
