import { Foundation1764400000000 } from './1764400000000-Foundation';

/** Every migration, in order. Listed explicitly so that ts-jest and compiled code load the same set. */
export const MIGRATIONS = [Foundation1764400000000];
