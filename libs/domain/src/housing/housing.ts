import type { IsoDate } from '../dates';
import { checkedSum, type Centi } from '../units';
import type { PropertyDeclaration } from './property';

export type PropertyTreatment =
  | 'counted'
  | 'counted_transferred_after_cutoff'
  | 'not_counted_non_residential'
  | 'not_counted_transferred_by_cutoff';

export interface PropertyAssessment {
  readonly propertyId: string;
  readonly treatment: PropertyTreatment;
  readonly counted: boolean;
  readonly areaCenti: Centi;
}

export interface HousingAssessment {
  readonly countedAreaCenti: Centi;
  /** False for a no-housing household (无房户). */
  readonly hasHousing: boolean;
  readonly properties: readonly PropertyAssessment[];
}

function treatmentOf(
  property: PropertyDeclaration,
  transferCutoffDate: IsoDate,
): PropertyTreatment {
  if (property.kind === 'non_residential') return 'not_counted_non_residential';
  if (property.transferredOn == null) return 'counted';
  return property.transferredOn > transferCutoffDate
    ? 'counted_transferred_after_cutoff'
    : 'not_counted_transferred_by_cutoff';
}

/**
 * Which declared properties count, and the household's counted area. A home
 * given up after the transfer cut-off still counts at its original area; one
 * given up on or before it no longer belongs to the household.
 */
export function assessHousing(
  properties: readonly PropertyDeclaration[],
  transferCutoffDate: IsoDate,
): HousingAssessment {
  const assessed = properties.map((property): PropertyAssessment => {
    const treatment = treatmentOf(property, transferCutoffDate);
    return {
      propertyId: property.id,
      treatment,
      counted: treatment === 'counted' || treatment === 'counted_transferred_after_cutoff',
      areaCenti: property.areaCenti,
    };
  });
  const counted = assessed.filter((p) => p.counted);
  return {
    countedAreaCenti: checkedSum(counted.map((p) => p.areaCenti)),
    hasHousing: counted.length > 0,
    properties: assessed,
  };
}
