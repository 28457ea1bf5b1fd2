import {
  assertSafeInteger,
  checkedMul,
  divideRoundHalfUp,
  type Centi,
  type Fen,
  type Hundredths,
} from '../units';

function requirePersons(persons: number): number {
  assertSafeInteger(persons, 'persons');
  if (persons < 1) throw new RangeError('a household has at least one person');
  return persons;
}

/**
 * householdIncome / persons <= coefficient/100 * reference, decided without
 * division: householdIncome * 100 <= coefficient * reference * persons.
 */
export function perCapitaIncomeWithin(
  householdIncomeFen: Fen,
  persons: number,
  coefficientHundredths: Hundredths,
  referenceIncomeFen: Fen,
): boolean {
  return (
    checkedMul(householdIncomeFen, 100) <=
    checkedMul(coefficientHundredths, referenceIncomeFen, requirePersons(persons))
  );
}

/** countedArea / persons <= bound, decided as countedArea <= bound * persons. */
export function perCapitaAreaWithin(
  countedAreaCenti: Centi,
  persons: number,
  boundCenti: Centi,
): boolean {
  return assertSafeInteger(countedAreaCenti) <= checkedMul(boundCenti, requirePersons(persons));
}

/** A per-capita value for display only, rounded half up to the unit (fen, 0.01 m²). */
export function perCapitaForDisplay(total: number, persons: number): number {
  return divideRoundHalfUp(total, requirePersons(persons));
}
