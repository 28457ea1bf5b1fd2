import type { IncomeSource } from '../income';

export const MATERIAL_TYPES = [
  'survey_form',
  'hukou_identity_proof',
  'income_employer_certificate',
  'income_unemployment_certificate',
  'income_dibao_certificate',
  'income_self_statement',
  'income_business_tax_certificate',
  'income_pension_certificate',
  'marriage_certificate',
  'divorce_certificate',
  'custody_document',
  'spouse_death_certificate',
  'housing_proof',
  'hukou_housing_certificate',
] as const;
export type MaterialType = (typeof MATERIAL_TYPES)[number];

export const MATERIAL_LABELS: Readonly<Record<MaterialType, string>> = Object.freeze({
  survey_form: '低收入住房困难家庭摸底调查表',
  hukou_identity_proof: '户籍证明和身份证明',
  income_employer_certificate: '工作单位出具的收入证明',
  income_unemployment_certificate: '劳动保障部门出具的享受失业保障证明',
  income_dibao_certificate: '民政部门出具的享受城镇最低生活保障证明',
  income_self_statement: '本人提供的收入情况说明',
  income_business_tax_certificate: '收入、纳税证明',
  income_pension_certificate: '养老金(退休金)证明',
  marriage_certificate: '结婚证',
  divorce_certificate: '离婚证',
  custody_document: '离婚协议书或法院调解书、判决书(子女随申请人生活)',
  spouse_death_certificate: '配偶死亡证明',
  housing_proof: '房屋情况证明',
  hukou_housing_certificate: '户籍所在地社区出具的在户籍地住房情况证明',
});

/** The income proof each source calls for; a member with no income source needs none. */
export const INCOME_PROOF_BY_SOURCE: Readonly<Record<IncomeSource, MaterialType | null>> =
  Object.freeze({
    employed: 'income_employer_certificate',
    unemployed: 'income_unemployment_certificate',
    dibao: 'income_dibao_certificate',
    freelance: 'income_self_statement',
    employed_elsewhere: 'income_employer_certificate',
    business: 'income_business_tax_certificate',
    retired: 'income_pension_certificate',
    none: null,
  });
