export * from './audit-actions';
export * from './audit-entry';
export * from './audit-log';
export * from './audit-query.dto';
export * from './audit-reader';
export * from './http/request-context';
export * from './http/audited-change';
export * from './audit.module';
