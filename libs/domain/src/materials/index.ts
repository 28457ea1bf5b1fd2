export * from './material-types';
export * from './materials';
