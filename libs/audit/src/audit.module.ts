import { Global, Module } from '@nestjs/common';
import { DenialListener } from '@app/http';
import { AuditLog } from './audit-log';
import { AuditReader } from './audit-reader';
import { AuditDenials } from './http/audit-denials';
import { AuditedChangeInterceptor } from './http/audited-change';

/**
 * The audit trail, in every process: the API records logins, denials and admin
 * changes; the worker records state changes inside each transition.
 */
@Global()
@Module({
  providers: [
    AuditLog,
    AuditReader,
    AuditedChangeInterceptor,
    { provide: DenialListener, useClass: AuditDenials },
  ],
  exports: [AuditLog, AuditReader, AuditedChangeInterceptor, DenialListener],
})
export class AuditModule {}
