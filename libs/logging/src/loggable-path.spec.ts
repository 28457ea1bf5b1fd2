import { loggablePath } from './loggable-path';
import { routeWordsOf } from './route-words';

// Route paths as Express holds them once Nest has registered them.
const ROUTES = routeWordsOf([
  '/api/applications',
  '/api/applications/:id',
  '/api/applications/:id/history/verify',
  '/api/applications/:id/materials',
  '/api/statistics/tiers.csv',
  '/api/calendar/overrides/:date',
  '/api/auth/login',
  '/api/users/:id',
  '/api/public/notices',
  '/api/{*path}',
]);

describe('loggablePath', () => {
  it.each([
    ['/api/applications', '/api/applications'],
    ['/api/applications?status=draft&regionId=x', '/api/applications'],
    [
      '/api/applications/0b7c1f7e-5a7d-4c53-9a8e-3f1d2c4b5a69/history/verify',
      '/api/applications/0b7c1f7e-5a7d-4c53-9a8e-3f1d2c4b5a69/history/verify',
    ],
    ['/api/statistics/tiers.csv?campaignId=1', '/api/statistics/tiers.csv'],
    ['/api/calendar/overrides/2025-10-01', '/api/calendar/overrides/2025-10-01'],
    ['/api/auth/login', '/api/auth/login'],
  ])('keeps the route words, ids and dates of %s', (url, logged) => {
    expect(loggablePath(url, ROUTES)).toBe(logged);
  });

  it.each([
    ['/api/applications/36012419800315081X', '/api/applications/:masked'],
    ['/api/applications/360124198003150819/materials', '/api/applications/:masked/materials'],
    ['/api/users/%E5%BC%A0%E4%B8%89', '/api/users/:masked'],
    ['/api/users/Zhang.San', '/api/users/:masked'],
    ['/api/public/notices/12345', '/api/public/notices/:masked'],
    ['/api/users/zhangsan', '/api/users/:masked'],
    ['/api/applications/lisi/history', '/api/applications/:masked/history'],
  ])('masks what a person may have typed in %s', (url, logged) => {
    expect(loggablePath(url, ROUTES)).toBe(logged);
  });

  it('takes no parameter or pattern of a route for a word', () => {
    expect([...ROUTES].sort()).toEqual(
      [
        'api',
        'applications',
        'auth',
        'calendar',
        'history',
        'login',
        'materials',
        'notices',
        'overrides',
        'public',
        'statistics',
        'tiers.csv',
        'users',
        'verify',
      ].sort(),
    );
  });
});
