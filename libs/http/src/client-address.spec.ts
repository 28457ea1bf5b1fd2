import { clientKey, normaliseAddress } from './client-address';

describe('client address', () => {
  it.each([
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['203.0.113.9', '203.0.113.9'],
    ['2001:DB8::1', '2001:db8::1'],
    [undefined, null],
  ])('normalises %p to %p', (address, expected) => {
    expect(normaliseAddress(address)).toBe(expected);
  });

  it.each([
    ['::ffff:203.0.113.9', '203.0.113.9'],
    ['2001:db8:1:2:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002::ffff', '2001:db8:1:2::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1', 'fe80:0:0:0::/64'],
  ])('counts %p as the client %p', (address, expected) => {
    expect(clientKey(address)).toBe(expected);
  });

  it('counts two addresses of one IPv6 /64 as one client, and of two /64s as two', () => {
    expect(clientKey('2001:db8:1:2::1')).toBe(clientKey('2001:db8:1:2:ffff::9'));
    expect(clientKey('2001:db8:1:2::1')).not.toBe(clientKey('2001:db8:1:3::1'));
  });
});
