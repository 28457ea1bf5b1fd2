import { autovacuumWarning } from './autovacuum-check';

describe('autovacuumWarning', () => {
  it('says nothing when autovacuum is on', () => {
    expect(autovacuumWarning('on')).toBeNull();
  });

  it('warns, naming the setting, when it is off', () => {
    expect(autovacuumWarning('off')).toMatch(
      /^PostgreSQL runs with autovacuum = off: .*turn it on/,
    );
  });
});
