import type { IsoDate } from '../dates';
import type { Centi } from '../units';

export const PROPERTY_KINDS = [
  'private',
  'private_rural',
  'public_rental',
  'contracted',
  'other',
  'non_residential',
] as const;
export type PropertyKind = (typeof PROPERTY_KINDS)[number];

/** Homes counted in the housing area: everything but non-residential property. */
export const RESIDENTIAL_PROPERTY_KINDS: readonly PropertyKind[] = PROPERTY_KINDS.filter(
  (kind) => kind !== 'non_residential',
);

export const TRANSFER_REASONS = ['divorce', 'inheritance', 'sale', 'gift', 'debt'] as const;
export type TransferReason = (typeof TRANSFER_REASONS)[number];

export interface PropertyDeclaration {
  readonly id: string;
  readonly kind: PropertyKind;
  /** Must be the ID number of a member of the household. */
  readonly ownerIdNumber: string;
  readonly address: string;
  /** Construction area, > 0. */
  readonly areaCenti: Centi;
  /** Set together with transferReason, or neither. */
  readonly transferredOn?: IsoDate | null;
  readonly transferReason?: TransferReason | null;
}
