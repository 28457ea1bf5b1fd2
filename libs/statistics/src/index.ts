export * from './tier-table';
export * from './tier-labels';
export * from './tier-report';
export * from './tier-query.dto';
export * from './csv';
export * from './xlsx';
export * from './tier-statistics.service';
export * from './statistics.module';
