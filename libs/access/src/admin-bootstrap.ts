import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { UsersService } from './users.service';

/** Creates the administrator named by ADMIN_USERNAME/ADMIN_PASSWORD on start-up, once. */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { adminUsername, adminPassword } = this.config;
    if (!adminUsername || !adminPassword) return;
    if (await this.users.ensureAdmin(adminUsername, adminPassword)) {
      new Logger('AdminBootstrap').log(`created administrator ${adminUsername}`);
    }
  }
}
