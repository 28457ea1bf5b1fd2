import { JobRegistry, JobRegistryError } from './job-registry';
import { TRANSITION_JOB_NAMES } from './jobs';

const ok = () => Promise.resolve({ statusCode: 200, body: {} });

describe('JobRegistry', () => {
  it('completes when every job name has exactly one handler', () => {
    const registry = new JobRegistry();
    for (const name of TRANSITION_JOB_NAMES) registry.register(name, ok);
    expect(Object.keys(registry.complete()).sort()).toEqual([...TRANSITION_JOB_NAMES].sort());
  });

  it('refuses to complete with a job name that has no handler, naming it', () => {
    const registry = new JobRegistry();
    for (const name of TRANSITION_JOB_NAMES.filter((n) => n !== 'noticeEnd'))
      registry.register(name, ok);
    expect(() => registry.complete()).toThrow(
      new JobRegistryError('No handler for job(s): noticeEnd'),
    );
  });

  it('refuses a second handler for the same job name', () => {
    const registry = new JobRegistry();
    registry.register('decide', ok);
    expect(() => registry.register('decide', ok)).toThrow(JobRegistryError);
  });
});
