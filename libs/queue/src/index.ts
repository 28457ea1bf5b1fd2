export * from './jobs';
export * from './queue-connection';
export * from './job-registry';
export * from './close-within';
export * from './guarded-worker';
export * from './within';
