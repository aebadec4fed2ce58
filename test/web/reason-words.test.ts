import { beforeAll, describe, expect, it } from 'vitest';
import { dealStageReason, worded, type Worded } from '../../src/domain/reason-codes';
import { stageWarnings } from '../../src/usecases/deal-commands';

/**
 * The workspace's wording of a deal's stage reasons, in both languages, from the real catalogues
 * and i18next. The browser globals the workspace's modules read at start are given plain values
 * (no stored choice, no browser languages); people's names are not loaded, so they show by email.
 */
const stored = new Map<string, string>();
Object.assign(globalThis, {
  localStorage: {
    getItem: (key: string) => stored.get(key) ?? null,
    setItem: (key: string, value: string) => void stored.set(key, value),
    removeItem: (key: string) => void stored.delete(key),
  },
  navigator: { languages: [] },
  document: { documentElement: {}, title: '' },
});

// The workspace's modules are DOM code, outside this project's types: imported by path, typed by use.
const WEB = '../../src/web/app/lib/';
const i18n = (await import(/* @vite-ignore */ `${WEB}i18n`)) as {
  startI18n(): Promise<void>;
  switchLanguage(code: 'en' | 'zh-CN'): Promise<void>;
};
type Wording = (reasons: Worded) => string;
const { reasonText, reasonsText, taskTitle, scoreWhyText, stageWarningText, noteText } = (await import(
  /* @vite-ignore */ `${WEB}reason-words`
)) as {
  noteText: (note: string) => string;
  scoreWhyText: (item: { detail: string; why?: unknown }) => string;
  stageWarningText: Wording;
  reasonText: Wording;
  reasonsText: (reasons: readonly Worded[]) => string;
  taskTitle: (task: { title: string; titleText?: Worded | null }) => string;
};

const ALICE = 'alice.chen@example.com';
const [ANA, BOB, CAL] = ['ana@example.com', 'bob@example.com', 'cal@example.com'];
// A loss as the workflow records it: the loss-reasons.yaml code, its label per language, the closer's words.
const lost = worded('deal-closed-lost', {
  actor: ALICE,
  stage: 'closed-lost',
  lossReason: 'price',
  'loss.en': 'Price too high',
  'loss.zh-CN': '价格过高',
});

// Hand-checked: each reason and its English and Chinese.
const CASES: [string, Worded, string, string][] = [
  ['a move by hand', dealStageReason('presentation', ALICE, undefined), `moved by ${ALICE}`, `由 ${ALICE} 推进`],
  [
    'a close won by hand',
    dealStageReason('closed-won', ALICE, undefined),
    `closed won by ${ALICE}`,
    `由 ${ALICE} 以赢单关闭`,
  ],
  [
    'a close lost with its code',
    lost,
    `closed lost by ${ALICE}; lost: Price too high`,
    `由 ${ALICE} 以输单关闭；输单原因：价格过高`,
  ],
  [
    'a close lost with a code whose label has no Chinese',
    worded('deal-closed-lost', { actor: ALICE, lossReason: 'fit', 'loss.en': 'Product did not fit' }),
    `closed lost by ${ALICE}; lost: Product did not fit`,
    `由 ${ALICE} 以输单关闭；输单原因：Product did not fit`,
  ],
  [
    'a close won by a signed quote',
    worded('quote-signed', { quote: 'Q-2026-0007', version: 2, provider: 'docusign' }),
    'quote Q-2026-0007 version 2 signed (docusign e-signature)',
    '报价 Q-2026-0007 第 2 版已签署（docusign 电子签名）',
  ],
  [
    'a pool that overflowed, with who was passed over and why',
    worded('routing-pool', {
      rule: 'emea-inbound',
      pool: 'emea',
      via: 'emea-spare',
      rep: BOB,
      passedOver: 2,
      excluded: null,
      skipped: `${ANA} at-capacity 5/5, ${CAL} inactive`,
      tried: 'emea,emea-spare',
    }),
    `rule “emea-inbound”: ${BOB}’s turn in pool emea-spare; pool emea overflowed to it; passed over: ${ANA} (at capacity: 5 of 5 open leads), ${CAL} (inactive); pools tried: emea → emea-spare`,
    `规则“emea-inbound”：资源池 emea-spare 轮到 ${BOB}；由资源池 emea 溢出；跳过：${ANA}（已达上限：5/5 条未结线索）、${CAL}（已停用）；依次尝试的资源池：emea → emea-spare`,
  ],
  [
    'a pool that overflowed to a queue',
    worded('routing-overflow-queue', {
      rule: 'r',
      pool: 'emea',
      queue: 'unassigned',
      excluded: null,
      skipped: `${ANA} inactive`,
      tried: 'emea',
    }),
    `rule “r”: nobody in pool emea could take the lead, so it goes to queue unassigned; passed over: ${ANA} (inactive)`,
    `规则“r”：资源池 emea 中无人可以接手，移入队列 unassigned；跳过：${ANA}（已停用）`,
  ],
  [
    'a pool assignment stored before the details (a count only)',
    worded('routing-pool', { rule: 'r', pool: 'emea', rep: BOB, passedOver: 1, excluded: null }),
    `rule “r”: ${BOB}’s turn in pool emea; 1 passed over`,
    `规则“r”：资源池 emea 轮到 ${BOB}；跳过了 1 人`,
  ],
];

describe("a deal's stage reasons and a lead's routing details in the reader's language", () => {
  beforeAll(() => i18n.startI18n());

  it.each(CASES)('when %s is worded, then it reads in English and in Chinese', async (_name, why, en, zh) => {
    await i18n.switchLanguage('en');
    expect(reasonText(why)).toBe(en);
    await i18n.switchLanguage('zh-CN');
    expect(reasonText(why)).toBe(zh);
  });

  it('when the mover gave their own words, then the code keeps them as the note, shown as written', () => {
    expect(dealStageReason('proposal', ALICE, '客户要求加快进度').params).toEqual({
      actor: ALICE,
      stage: 'proposal',
      note: '客户要求加快进度',
    });
    expect(dealStageReason('proposal', ALICE, '  ').params).not.toHaveProperty('note');
  });

  it("when a member passed over is out of office until a time, then the time is in the reader's language", async () => {
    const away = worded('routing-overflow-queue', {
      rule: 'r',
      pool: 'emea',
      queue: 'unassigned',
      skipped: `${ANA} out-of-office 2026-12-24T12:00:00.000Z, ${CAL} out-of-office`,
    });
    await i18n.switchLanguage('zh-CN');
    expect(reasonText(away)).toMatch(new RegExp(`跳过：${ANA}（休假至 2026年12月2[45]日 .+）、${CAL}（休假中）$`));
    await i18n.switchLanguage('en');
    expect(reasonText(away)).toMatch(
      new RegExp(`passed over: ${ANA} \\(out of office until Dec 2[45], 2026, .+\\), ${CAL} \\(out of office\\)$`),
    );
  });

  it('when the next cadence step is an email, then it is named by the subject the lead will get and its template', async () => {
    const next = {
      title: 'email mql-intro',
      titleText: worded('cadence-email', {
        cadence: 'mql-standard',
        template: 'mql-intro',
        subject: '伟，想请教一个关于中科科技的问题',
      }),
    };
    const unknown = {
      title: 'email gone',
      titleText: worded('cadence-email', { cadence: 'c', template: 'gone', subject: null }),
    };
    await i18n.switchLanguage('zh-CN');
    expect(taskTitle(next)).toBe('邮件“伟，想请教一个关于中科科技的问题”（mql-intro）');
    expect(taskTitle(unknown)).toBe('邮件“gone”');
    await i18n.switchLanguage('en');
    expect(taskTitle(next)).toBe('email “伟，想请教一个关于中科科技的问题” (mql-intro)');
    expect(taskTitle(unknown)).toBe('email “gone”');
  });

  it('when several reasons are listed, then they are joined the way the language joins them', async () => {
    const both = [dealStageReason('proposal', ALICE, undefined), lost];
    await i18n.switchLanguage('zh-CN');
    expect(reasonsText(both)).toBe(`由 ${ALICE} 推进；由 ${ALICE} 以输单关闭；输单原因：价格过高`);
    await i18n.switchLanguage('en');
    expect(reasonsText(both)).toBe(`moved by ${ALICE}; closed lost by ${ALICE}; lost: Price too high`);
  });
});

describe("a score item's hover text in the reader's language", () => {
  beforeAll(() => i18n.startI18n());

  // Hand-checked: the `why` of a score item (src/rules/score-items.ts), in English and Chinese.
  it.each([
    [
      'a tier condition',
      { kind: 'condition', fact: 'company.employees', op: '>=', value: '1,000' },
      'Rule: company.employees is at least 1,000',
      '规则条件：company.employees 不少于 1,000',
    ],
    [
      'visits with decay and a cap',
      { kind: 'behaviour', count: 3, each: 15, lost: 7, cap: 30 },
      '3 × 15 points, −7 decay, capped at 30',
      '3 次 × 每次 15 分，衰减扣减 7 分，上限 30 分',
    ],
    ['one visit', { kind: 'behaviour', count: 1, each: 15, lost: 0, cap: null }, '1 × 15 points', '1 次 × 每次 15 分'],
    [
      'a source',
      { kind: 'source', channel: 'events' },
      'Points for leads that came from Events',
      '来自活动的线索所得分数',
    ],
  ])('when the item is %s, then it reads in English and in Chinese', async (_name, why, en, zh) => {
    const item = { detail: 'the rules’ own words', why };
    await i18n.switchLanguage('en');
    expect(scoreWhyText(item)).toBe(en);
    await i18n.switchLanguage('zh-CN');
    expect(scoreWhyText(item)).toBe(zh);
  });

  it('when an item has no why (a tier of several conditions), then the rules’ own detail shows', async () => {
    await i18n.switchLanguage('zh-CN');
    expect(scoreWhyText({ detail: 'Enterprise (a and b)', why: null })).toBe('Enterprise (a and b)');
  });
});

describe("a stage move's warnings in the reader's language", () => {
  beforeAll(() => i18n.startI18n());

  it('when a move went ahead with a criterion unmet, then the warning reads in either language, from the rule file’s texts', async () => {
    const texts = {
      'engage the decision maker (a meeting or a reply)': {
        en: 'engage the decision maker (a meeting or a reply)',
        'zh-CN': '与决策者互动（一次会议或一封回复）',
      },
    };
    const moved = {
      stage: 'closed-won' as const,
      warnings: ['engage the decision maker (a meeting or a reply)', 'gone'],
    };
    const [known, unknown] = stageWarnings(moved, texts);
    expect(known).toEqual({
      code: 'stage-exit-unmet',
      params: {
        stage: 'closed-won',
        en: 'engage the decision maker (a meeting or a reply)',
        'zh-CN': '与决策者互动（一次会议或一封回复）',
      },
    });
    await i18n.switchLanguage('zh-CN');
    expect(stageWarningText(known!)).toBe('与决策者互动（一次会议或一封回复）（进入赢单阶段前应完成）');
    // A criterion the rules no longer word keeps its English text.
    expect(stageWarningText(unknown!)).toBe('gone（进入赢单阶段前应完成）');
    await i18n.switchLanguage('en');
    expect(stageWarningText(known!)).toBe('engage the decision maker (a meeting or a reply) (asked before Closed won)');
  });
});

describe("a queue taken from, in a note, by the queue's label", () => {
  beforeAll(() => i18n.startI18n());

  it('when a lead was taken from a queue (its note names the queue by id), then the note reads in the reader’s language with the queue’s label', async () => {
    // The rules' labels, as GET /api/rules/labels answers them.
    const answer = { queues: { 'emea-inbound': { en: 'EMEA inbound', 'zh-CN': '欧洲入站' } } };
    const real = globalThis.fetch;
    globalThis.fetch = () => Promise.resolve(new Response(JSON.stringify(answer), { status: 200 }));
    try {
      await i18n.switchLanguage('en');
      const taken = 'Taken from the emea-inbound queue in the workspace';
      noteText(taken);
      await expect.poll(() => noteText(taken)).toBe('Taken from the EMEA inbound queue in the workspace');
      await i18n.switchLanguage('zh-CN');
      expect(noteText(taken)).toBe('在工作台从队列 欧洲入站 领取');
      expect(noteText('在工作台从队列 emea-inbound 领取')).toBe('在工作台从队列 欧洲入站 领取');
      // A reason from before reason codes: the queue by its label inside the English text.
      expect(noteText(`Reassigned by hand by ${ALICE} from queue emea-inbound to ${ALICE}: ${taken}`)).toBe(
        `Reassigned by hand by ${ALICE} from queue emea-inbound to ${ALICE}: Taken from the 欧洲入站 queue in the workspace`,
      );
      expect(noteText('call her back on Monday')).toBe('call her back on Monday');
    } finally {
      globalThis.fetch = real;
      await i18n.switchLanguage('en');
    }
  });
});
