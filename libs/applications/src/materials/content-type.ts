/** The file types a material may be, judged by their first bytes, never by name or header. */
export const ALLOWED_CONTENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type MaterialContentType = (typeof ALLOWED_CONTENT_TYPES)[number];

const SIGNATURES: { type: MaterialContentType; bytes: number[] }[] = [
  { type: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { type: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
  { type: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
];

/** Enough leading bytes to recognise every allowed type. */
export const SNIFF_LENGTH = Math.max(...SIGNATURES.map((s) => s.bytes.length));

export function sniffContentType(head: Buffer): MaterialContentType | null {
  const match = SIGNATURES.find((s) => s.bytes.every((byte, i) => head[i] === byte));
  return match?.type ?? null;
}
