export * from './eligibility-reason';
export * from './input-error';
