import { sniffContentType } from './content-type';

describe('sniffContentType', () => {
  it.each([
    ['a PDF', Buffer.from('%PDF-1.7\n...'), 'application/pdf'],
    ['a JPEG', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), 'image/jpeg'],
    ['a PNG', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]), 'image/png'],
  ])('recognises %s by its first bytes', (_what, head, type) => {
    expect(sniffContentType(head)).toBe(type);
  });

  it.each([
    ['an HTML page named .pdf', Buffer.from('<html><script>')],
    ['a GIF', Buffer.from('GIF89a')],
    ['a ZIP', Buffer.from([0x50, 0x4b, 0x03, 0x04])],
    ['a truncated PNG signature', Buffer.from([0x89, 0x50, 0x4e])],
    ['an empty file', Buffer.alloc(0)],
    ['text that mentions %PDF- later', Buffer.from(' %PDF-1.4')],
  ])('refuses %s', (_what, head) => {
    expect(sniffContentType(head)).toBeNull();
  });
});
