import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiError } from '../lib/api';
import { api, query, formText } from '../lib/api';
import { formatDate, formatMoney, label, language, t } from '../lib/i18n';
import { me } from '../lib/session';
import { nameOf } from '../lib/people';
import { stageWarningText, type Worded } from '../lib/reason-words';
import { Loading, Page, Problem } from '../components/common';
import { StallBadge, type StallReason } from '../components/Stalling';

export interface DealRow {
  id: string;
  name: string;
  owner: string;
  stage: string;
  amountMinor: string | number | null;
  currency: string;
  expectedCloseDate: string | null;
  forecastCategory: string | null;
  nextStep?: string | null;
  nextStepDueOn?: string | null;
  /** Why the deal is stalling, judged by the API on stored data (empty: it is not). */
  stalling?: { reasons: StallReason[] };
}

export const DEAL_STAGES = ['needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost'];

interface LossReason {
  code: string;
  label: Record<string, string>;
  requires: string[];
  retired: boolean;
}

/** Closing lost asks why: a loss code from loss-reasons.yaml, the competitor when the code needs one, and words. */
function LossDialog({
  deal,
  onDone,
  onCancel,
}: {
  deal: DealRow;
  onDone: (body: Record<string, string>) => void;
  onCancel: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [reasons, setReasons] = useState<LossReason[]>([]);
  const [code, setCode] = useState('');
  useEffect(() => {
    dialog.current?.showModal();
    void api<{ reasons: LossReason[] }>('/api/loss-reasons').then((answer) => {
      const open = answer.reasons.filter((r) => !r.retired);
      setReasons(open);
      setCode(open[0]?.code ?? '');
    });
  }, []);
  const needsCompetitor = reasons.find((r) => r.code === code)?.requires.includes('competitor');
  return (
    <dialog ref={dialog} aria-labelledby="loss-title" onCancel={onCancel} id="loss-dialog">
      <form
        method="dialog"
        onSubmit={(event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          const body: Record<string, string> = { lossReason: code };
          const competitor = formText(form, 'competitor').trim();
          const reason = formText(form, 'reason').trim();
          if (competitor) body.competitor = competitor;
          if (reason) body.reason = reason;
          onDone(body);
        }}
      >
        <h2 id="loss-title">{t('board.closeLost', { name: deal.name })}</h2>
        <label>
          {t('board.lossReason')}
          <select name="lossReason" value={code} onChange={(event) => setCode(event.currentTarget.value)}>
            {reasons.map((r) => (
              <option key={r.code} value={r.code}>
                {r.label[language.value] ?? r.label.en ?? r.code}
              </option>
            ))}
          </select>
        </label>
        {needsCompetitor && (
          <label>
            {t('board.competitor')}
            <input name="competitor" required maxLength={200} />
          </label>
        )}
        <label>
          {t('board.lossNote')}
          <textarea name="reason" maxLength={1000} rows={3} />
        </label>
        <div class="actions">
          <button type="submit">{t('board.closeLostConfirm')}</button>
          <button type="button" class="subtle" onClick={onCancel}>
            {t('app.cancel')}
          </button>
        </div>
      </form>
    </dialog>
  );
}

/** Moving without a mouse: the stages as buttons, in a dialog that keeps the focus. */
function MoveDialog({ deal, onMove, onCancel }: { deal: DealRow; onMove: (to: string) => void; onCancel: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => dialog.current?.showModal(), []);
  return (
    <dialog ref={dialog} aria-labelledby="move-title" onCancel={onCancel} id="move-dialog">
      <h2 id="move-title">{t('board.moveLabel', { name: deal.name })}</h2>
      <ul class="stage-choices">
        {DEAL_STAGES.map((stage) => (
          <li key={stage}>
            <button
              type="button"
              disabled={stage === deal.stage}
              aria-current={stage === deal.stage ? 'true' : undefined}
              onClick={() => onMove(stage)}
            >
              {label('stages', stage)}
            </button>
          </li>
        ))}
      </ul>
      <button type="button" class="subtle" onClick={onCancel}>
        {t('app.cancel')}
      </button>
    </dialog>
  );
}

/** How many cards a column shows before "Show all": enough to work, few enough to open a 2,000-deal board fast. */
const FIRST_CARDS = 50;

/** A move that went ahead with criteria still unmet (`severity: warn`): where it went and what is left. */
interface MoveWarnings {
  to: string;
  warnings: Worded[];
}

function Card({
  deal,
  refusal,
  warned,
  onAskMove,
  today,
}: {
  deal: DealRow;
  refusal: ApiError | undefined;
  warned: MoveWarnings | undefined;
  onAskMove: (deal: DealRow) => void;
  today: string;
}) {
  const overdue = deal.nextStepDueOn && deal.nextStepDueOn < today;
  return (
    <li
      class={`deal-card${refusal ? ' refused' : ''}`}
      draggable
      data-deal={deal.id}
      onDragStart={(event) => {
        event.dataTransfer?.setData('text/plain', deal.id);
        if (event.dataTransfer) event.dataTransfer.effectAllowed = 'move';
      }}
    >
      <a href={`/deals/${deal.id}`} class="deal-name">
        {deal.name}
      </a>{' '}
      <StallBadge reasons={deal.stalling?.reasons ?? []} />
      <div class="deal-meta">
        <span class="amount">{formatMoney(deal.amountMinor, deal.currency)}</span>
        {deal.expectedCloseDate && <span class="subtle"> · {formatDate(deal.expectedCloseDate)}</span>}
      </div>
      <div class="subtle">{nameOf(deal.owner)}</div>
      {deal.nextStep && (
        <div class={overdue ? 'next-step overdue' : 'next-step'}>
          {t('board.nextStep', { step: deal.nextStep, when: formatDate(deal.nextStepDueOn) })}
        </div>
      )}
      <button
        type="button"
        class="subtle move"
        onClick={() => onAskMove(deal)}
        aria-label={t('board.moveLabel', { name: deal.name })}
      >
        {t('board.move')}
      </button>
      {warned && (
        <div class="warning move-warnings" role="status">
          <p>{t('board.movedWithWarnings', { stage: label('stages', warned.to) })}</p>
          <ul>
            {warned.warnings.map((w, i) => (
              <li key={i}>{stageWarningText(w)}</li>
            ))}
          </ul>
        </div>
      )}
      {refusal && (
        <div class="error refusal" role="alert">
          <p>
            {t('board.refused', { stage: label('stages', String((refusal as ApiError & { to?: string }).to ?? '')) })}
          </p>
          <ul>
            {(refusal.fields.length > 0 ? refusal.fields.map((f) => f.message) : [refusal.message]).map((m, i) => (
              <li key={i}>{m}</li>
            ))}
          </ul>
        </div>
      )}
    </li>
  );
}

/** The pipeline board: a column per stage; drag a card (or use its "move to" list) to move the deal. */
export function Board() {
  const [deals, setDeals] = useState<DealRow[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [mine, setMine] = useState(me.value?.role === 'rep');
  const [refusals, setRefusals] = useState<Record<string, ApiError>>({});
  const [warned, setWarned] = useState<Record<string, MoveWarnings>>({});
  const [closing, setClosing] = useState<DealRow | null>(null);
  const [over, setOver] = useState<string | null>(null);
  const [moving, setMoving] = useState<DealRow | null>(null);
  const today = new Date().toISOString().slice(0, 10);
  const [expanded, setExpanded] = useState<Record<string, boolean>>({});

  useEffect(() => {
    setDeals(null);
    // Every open deal (in pages of 1,000) and the last 30 days of closed ones.
    const owner = mine ? me.value?.email : undefined;
    const closedSince = new Date(Date.now() - 30 * 864e5).toISOString().slice(0, 10);
    async function all(filters: Record<string, string | undefined>): Promise<DealRow[]> {
      const found: DealRow[] = [];
      let cursor: string | null | undefined;
      do {
        const page = await api<{ deals: DealRow[]; nextCursor: string | null }>(
          `/api/deals${query({ ...filters, owner, limit: 1000, cursor })}`,
        );
        found.push(...page.deals);
        cursor = page.nextCursor;
      } while (cursor);
      return found;
    }
    Promise.all([all({ status: 'open' }), all({ status: 'closed', closedSince })])
      .then(([open, closed]) => setDeals([...open, ...closed]))
      .catch((caught: ApiError) => setError(caught));
  }, [mine]);

  async function move(deal: DealRow, to: string, extra: Record<string, string> = {}) {
    if (deal.stage === to) return;
    if (to === 'closed-lost' && !extra.lossReason) return setClosing(deal);
    const from = deal.stage;
    const place = (stage: string) =>
      setDeals((all) => all?.map((d) => (d.id === deal.id ? { ...d, stage } : d)) ?? null);
    place(to);
    setRefusals(({ [deal.id]: _gone, ...rest }) => rest);
    setWarned(({ [deal.id]: _gone, ...rest }) => rest);
    try {
      const moved = await api<{ warningsText: Worded[] }>(`/api/deals/${deal.id}/stage`, {
        method: 'POST',
        body: { to, ...extra },
      });
      // It went ahead, with criteria still unmet: the card says which, in the reader's language.
      if (moved.warningsText.length > 0)
        setWarned((all) => ({ ...all, [deal.id]: { to, warnings: moved.warningsText } }));
    } catch (caught) {
      // The exit criteria said no: the card goes back, and says why where it stands.
      place(from);
      setRefusals((all) => ({ ...all, [deal.id]: Object.assign(caught as ApiError, { to }) }));
    }
  }

  return (
    <Page
      title={t('board.title')}
      actions={
        <label>
          <input type="checkbox" checked={mine} onChange={(event) => setMine(event.currentTarget.checked)} />{' '}
          {t('board.mine')}
        </label>
      }
    >
      <Problem error={error} />
      {!deals ? (
        <Loading />
      ) : (
        <div class="board" id="board" data-deals={deals.length}>
          {DEAL_STAGES.map((stage) => {
            const cards = deals.filter((d) => d.stage === stage);
            const totals = new Map<string, number>();
            for (const d of cards) totals.set(d.currency, (totals.get(d.currency) ?? 0) + Number(d.amountMinor ?? 0));
            return (
              <section
                key={stage}
                class={`column${over === stage ? ' drop-target' : ''}`}
                data-stage={stage}
                aria-labelledby={`col-${stage}`}
                onDragOver={(event) => {
                  event.preventDefault();
                  setOver(stage);
                }}
                onDragLeave={() => setOver((current) => (current === stage ? null : current))}
                onDrop={(event) => {
                  event.preventDefault();
                  setOver(null);
                  const id = event.dataTransfer?.getData('text/plain');
                  const deal = deals.find((d) => d.id === id);
                  if (deal) void move(deal, stage);
                }}
              >
                <h2 id={`col-${stage}`}>
                  {label('stages', stage)} <span class="count">{cards.length}</span>
                </h2>
                <p class="subtle total">
                  {[...totals].map(([currency, minor]) => formatMoney(minor, currency)).join(' + ') || '—'}
                </p>
                <ul>
                  {(expanded[stage] ? cards : cards.slice(0, FIRST_CARDS)).map((deal) => (
                    <Card
                      key={deal.id}
                      deal={deal}
                      refusal={refusals[deal.id]}
                      warned={warned[deal.id]}
                      onAskMove={setMoving}
                      today={today}
                    />
                  ))}
                </ul>
                {!expanded[stage] && cards.length > FIRST_CARDS && (
                  <button type="button" class="subtle" onClick={() => setExpanded({ ...expanded, [stage]: true })}>
                    {t('board.showAll', { count: cards.length })}
                  </button>
                )}
              </section>
            );
          })}
        </div>
      )}
      {moving && (
        <MoveDialog
          deal={moving}
          onCancel={() => setMoving(null)}
          onMove={(to) => {
            const deal = moving;
            setMoving(null);
            void move(deal, to);
          }}
        />
      )}
      {closing && (
        <LossDialog
          deal={closing}
          onCancel={() => setClosing(null)}
          onDone={(body) => {
            const deal = closing;
            setClosing(null);
            void move(deal, 'closed-lost', body);
          }}
        />
      )}
    </Page>
  );
}
