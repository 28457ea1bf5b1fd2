// @ts-check
/**
 * The compiled service in dist/, the code production runs. TypeScript does not
 * follow these paths: the types come from the sources.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** @param {string} path @returns {unknown} */
const fromDist = (path) => require(`../../dist/${path}`);

export const config = /** @type {typeof import('../../libs/config/src')} */ (
  fromDist('libs/config/src')
);
export const database = /** @type {typeof import('../../libs/database/src')} */ (
  fromDist('libs/database/src')
);
export const domain = /** @type {typeof import('../../libs/domain/src')} */ (
  fromDist('libs/domain/src')
);
export const queue = /** @type {typeof import('../../libs/queue/src')} */ (
  fromDist('libs/queue/src')
);
export const clock = /** @type {typeof import('../../libs/clock/src/clock')} */ (
  fromDist('libs/clock/src/clock')
);
export const passwords = /** @type {typeof import('../../libs/access/src/password-hasher')} */ (
  fromDist('libs/access/src/password-hasher')
);
export const transitionQueue =
  /** @type {typeof import('../../libs/workflow/src/queue/transition-queue')} */ (
    fromDist('libs/workflow/src/queue/transition-queue')
  );
export const timerScheduler =
  /** @type {typeof import('../../libs/workflow/src/timers/timer-scheduler')} */ (
    fromDist('libs/workflow/src/timers/timer-scheduler')
  );
export const transitionWorker =
  /** @type {typeof import('../../libs/workflow/src/worker/transition-worker')} */ (
    fromDist('libs/workflow/src/worker/transition-worker')
  );

/** Where the service's entry points are, for child processes. */
export const ENTRY = {
  api: require.resolve('../../dist/apps/api/src/main.js'),
  worker: require.resolve('../../dist/apps/worker/src/main.js'),
};

/** Nest's static Logger (the timer scheduler logs through it outside any app). */
const common = /** @type {unknown} */ (require('@nestjs/common'));
export const nestCommon = /** @type {typeof import('@nestjs/common')} */ (common);
export const calendar = /** @type {typeof import('../../libs/calendar/src')} */ (
  fromDist('libs/calendar/src')
);
export const residentIds =
  /** @type {typeof import('../../libs/domain/src/testing/resident-ids')} */ (
    fromDist('libs/domain/src/testing/resident-ids')
  );
export const applications =
  /** @type {typeof import('../../libs/applications/src/application-view')} */ (
    fromDist('libs/applications/src/application-view')
  );
export const timerStore =
  /** @type {typeof import('../../libs/workflow/src/timers/timer-store')} */ (
    fromDist('libs/workflow/src/timers/timer-store')
  );
