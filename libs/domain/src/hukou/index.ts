export * from './hukou';
