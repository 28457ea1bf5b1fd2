import type { HouseholdDeclaration } from '../household';
import { INCOME_SOURCES, type IncomeSource } from '../income';
import { PROPERTY_KINDS } from '../housing';
import {
  applicant,
  child,
  familyOfThree,
  HOME_COMMUNITY,
  OTHER_COUNTY_COMMUNITY,
  property,
  spouse,
} from '../testing/households';
import {
  INCOME_PROOF_BY_SOURCE,
  MATERIAL_LABELS,
  MATERIAL_TYPES,
  missingMaterials,
  requiredMaterials,
  type MaterialRequirement,
  type MaterialType,
} from '.';

const A = applicant().idNumber;
const S = spouse().idNumber;
const C = child().idNumber;
const typesOf = (declaration: HouseholdDeclaration) =>
  requiredMaterials(declaration).map((r) => r.type);

describe('the materials checklist', () => {
  it('a married couple with a child and a home, living where registered', () => {
    const declaration = familyOfThree({
      members: [
        applicant({ incomeSource: 'employed' }),
        spouse({ incomeSource: 'retired' }),
        child(),
      ],
      properties: [property({ id: 'home' })],
    });
    expect(requiredMaterials(declaration)).toEqual<MaterialRequirement[]>([
      { type: 'survey_form' },
      { type: 'hukou_identity_proof', memberIdNumber: A },
      { type: 'income_employer_certificate', memberIdNumber: A },
      { type: 'hukou_identity_proof', memberIdNumber: S },
      { type: 'income_pension_certificate', memberIdNumber: S },
      { type: 'hukou_identity_proof', memberIdNumber: C },
      { type: 'marriage_certificate' },
      { type: 'housing_proof', propertyId: 'home' },
    ]);
  });

  it.each<[IncomeSource, MaterialType | null]>([
    ['employed', 'income_employer_certificate'],
    ['unemployed', 'income_unemployment_certificate'],
    ['dibao', 'income_dibao_certificate'],
    ['freelance', 'income_self_statement'],
    ['employed_elsewhere', 'income_employer_certificate'],
    ['business', 'income_business_tax_certificate'],
    ['retired', 'income_pension_certificate'],
    ['none', null],
  ])('income source %s calls for %p', (source, type) => {
    expect(INCOME_PROOF_BY_SOURCE).toHaveProperty(source, type);
    const members = [
      applicant({ maritalStatus: 'divorced', incomeSource: source, annualIncomeFen: 0 }),
    ];
    const incomeProofs = requiredMaterials(familyOfThree({ members })).filter((r) =>
      r.type.startsWith('income_'),
    );
    expect(incomeProofs).toEqual(type === null ? [] : [{ type, memberIdNumber: A }]);
  });

  it('every income source has its entry', () => {
    expect(Object.keys(INCOME_PROOF_BY_SOURCE).sort()).toEqual([...INCOME_SOURCES].sort());
  });

  it.each(PROPERTY_KINDS)('a declared %s property needs its housing proof', (kind) => {
    const required = requiredMaterials(
      familyOfThree({ properties: [property({ id: 'x', kind })] }),
    );
    expect(required).toContainEqual({ type: 'housing_proof', propertyId: 'x' });
  });

  it('a property given up before the cut-off is still declared and proved', () => {
    const given = property({ id: 'old', transferredOn: '2020-01-01', transferReason: 'sale' });
    expect(requiredMaterials(familyOfThree({ properties: [given] }))).toContainEqual({
      type: 'housing_proof',
      propertyId: 'old',
    });
  });

  it('members registered in another community each need that community’s certificate of their housing there', () => {
    const declaration = familyOfThree({
      members: [
        applicant(),
        spouse({ hukouCommunityId: OTHER_COUNTY_COMMUNITY }),
        child({ hukouCommunityId: OTHER_COUNTY_COMMUNITY }),
      ],
    });
    expect(
      requiredMaterials(declaration).filter((r) => r.type === 'hukou_housing_certificate'),
    ).toEqual([
      { type: 'hukou_housing_certificate', memberIdNumber: S },
      { type: 'hukou_housing_certificate', memberIdNumber: C },
    ]);
  });

  it('a household living where it is registered needs no such certificate', () => {
    expect(typesOf(familyOfThree({ communityId: HOME_COMMUNITY }))).not.toContain(
      'hukou_housing_certificate',
    );
  });

  describe('marriage proof, by the applicant’s status', () => {
    it.each<[string, HouseholdDeclaration['members'], string[]]>([
      ['married, with the spouse', [applicant(), spouse()], ['marriage_certificate']],
      ['married, without the spouse (still asked for)', [applicant()], ['marriage_certificate']],
      ['divorced, alone', [applicant({ maritalStatus: 'divorced' })], ['divorce_certificate']],
      [
        'divorced, with a child',
        [applicant({ maritalStatus: 'divorced' }), child()],
        ['divorce_certificate', 'custody_document'],
      ],
      ['widowed', [applicant({ maritalStatus: 'widowed' }), child()], ['spouse_death_certificate']],
      ['unmarried', [applicant({ maritalStatus: 'unmarried' })], []],
    ])('%s', (_what, members, types) => {
      const marriageTypes = [
        'marriage_certificate',
        'divorce_certificate',
        'custody_document',
        'spouse_death_certificate',
      ];
      expect(typesOf(familyOfThree({ members })).filter((t) => marriageTypes.includes(t))).toEqual(
        types,
      );
    });
  });

  it('one survey form and one hukou and identity proof per member', () => {
    const types = typesOf(familyOfThree());
    expect(types.filter((t) => t === 'survey_form')).toHaveLength(1);
    expect(types.filter((t) => t === 'hukou_identity_proof')).toHaveLength(3);
  });

  it('every material type has a Chinese label', () => {
    expect(MATERIAL_TYPES.every((t) => MATERIAL_LABELS[t].length > 0)).toBe(true);
  });
});

describe('missing materials', () => {
  const required: MaterialRequirement[] = [
    { type: 'survey_form' },
    { type: 'hukou_identity_proof', memberIdNumber: A },
    { type: 'hukou_identity_proof', memberIdNumber: S },
    { type: 'housing_proof', propertyId: 'p1' },
  ];

  it('nothing provided: everything is missing', () => {
    expect(missingMaterials(required, [])).toEqual(required);
  });

  it('everything provided: nothing is missing', () => {
    const provided = [
      { type: 'survey_form', memberIdNumber: null, propertyId: null },
      { type: 'hukou_identity_proof', memberIdNumber: A },
      { type: 'hukou_identity_proof', memberIdNumber: S },
      { type: 'housing_proof', propertyId: 'p1' },
    ];
    expect(missingMaterials(required, provided)).toEqual([]);
  });

  it('a member’s material must name that member; a property’s, that property', () => {
    const provided = [
      { type: 'survey_form' },
      { type: 'hukou_identity_proof', memberIdNumber: A },
      { type: 'hukou_identity_proof' },
      { type: 'housing_proof', propertyId: 'p2' },
    ];
    expect(missingMaterials(required, provided)).toEqual([
      { type: 'hukou_identity_proof', memberIdNumber: S },
      { type: 'housing_proof', propertyId: 'p1' },
    ]);
  });

  it('a material of another type does not count', () => {
    expect(missingMaterials([{ type: 'survey_form' }], [{ type: 'marriage_certificate' }])).toEqual(
      [{ type: 'survey_form' }],
    );
  });

  it('a household-level material is met by one of its type whoever it names', () => {
    expect(
      missingMaterials([{ type: 'survey_form' }], [{ type: 'survey_form', memberIdNumber: A }]),
    ).toEqual([]);
  });
});
