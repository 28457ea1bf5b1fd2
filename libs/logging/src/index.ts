export * from './logging.module';
export * from './redacting-destination';
export * from './loggable-path';
