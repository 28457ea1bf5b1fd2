export * from './compound-surnames';
export * from './mask-name';
export * from './personal-data';
