export * from './logging.module';
export * from './redacting-destination';
