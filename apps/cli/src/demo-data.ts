/** The demo county: one town, three communities, a 2026 campaign and one account per role. */
export const DEMO_PASSWORD = 'demo-pass-2026';

export const DEMO_REGIONS = {
  county: { code: '360124', name: '进贤县' },
  town: { code: '360124100', name: '民和镇' },
  communities: [
    { code: '360124100001', name: '城南社区' },
    { code: '360124100002', name: '城北社区' },
    { code: '360124100003', name: '中山社区' },
  ],
};

export const DEMO_CAMPAIGN = {
  name: '2026年县城城镇低收入住房困难家庭摸底调查',
  referenceIncome: 45000,
  opensOn: '2026-09-01',
  closesOn: '2026-10-26',
  reportDueOn: '2026-10-28',
  ageCutoffDate: '2026-08-31',
  hukouCutoffDate: '2025-12-31',
  transferCutoffDate: '2026-08-31',
};

/** Where the manual clock of the demo starts: the morning the window opens. */
export const DEMO_CLOCK_START = '2026-09-01T09:00:00+08:00';

export const DEMO_APPLICANT = {
  username: 'applicant',
  name: '张三',
  idNumber: '360124198001010011',
  phone: '13800138000',
};
