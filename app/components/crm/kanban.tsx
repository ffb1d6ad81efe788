import { Link, useFetcher, useFetchers, useSubmit } from '@remix-run/react';
import {
  type CSSProperties,
  createContext,
  type DragEvent,
  type MutableRefObject,
  useCallback,
  useContext,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react';
import { formatAmount, formatNumber } from '~/lib/crm-format';
import { useLocale } from '~/lib/i18n';
import { useCrmT } from '~/lib/i18n-crm';
import { useHydrated } from '~/lib/use-hydrated';
import { Pill } from './badges';

export interface KanbanCard {
  id: string;
  name: string;
  city: string | null;
  aum: { amount: string; currency: string } | null;
  version: number;
}

export interface KanbanStage {
  id: string;
  name: string;
  color: string;
  isWon: boolean;
  isLost: boolean;
  count: number;
  cards: KanbanCard[];
}

type MoveResult =
  | { ok: true; id: string; message: string }
  | { ok: false; formError: string | null; id?: string };

type FocusTarget = 'previous' | 'next' | 'select' | 'name';

interface BoardContext {
  stages: KanbanStage[];
  canMove: boolean;
  dragging: string | null;
  setDragging: (id: string | null) => void;
  /** After a move the card is drawn in another column: which of its controls gets the focus back. */
  focusRequest: MutableRefObject<{ id: string; target: FocusTarget } | null>;
  report: (result: MoveResult) => void;
}

const Board = createContext<BoardContext | null>(null);

function useBoard(): BoardContext {
  const board = useContext(Board);
  if (!board) throw new Error('outside KanbanBoard');
  return board;
}

const fetcherKey = (id: string) => `pipeline-move:${id}`;

function moveTarget(formData: FormData | undefined): { id: string; stageId: string } | null {
  if (formData?.get('intent') !== 'move') return null;
  const id = formData.get('id');
  const stageId = formData.get('to') ?? formData.get('stageId');
  return typeof id === 'string' && typeof stageId === 'string' ? { id, stageId } : null;
}

function Card({ card, stage, index }: { card: KanbanCard; stage: KanbanStage; index: number }) {
  const { stages, canMove, dragging, setDragging, focusRequest, report } = useBoard();
  const ct = useCrmT();
  const locale = useLocale();
  const hydrated = useHydrated();
  const fetcher = useFetcher<MoveResult>({ key: fetcherKey(card.id) });
  const selectId = useId();
  const [choice, setChoice] = useState(stage.id);
  const controls = useRef<HTMLLIElement>(null);
  const position = stages.findIndex((candidate) => candidate.id === stage.id);
  const previous = position > 0 ? stages[position - 1] : undefined;
  const next = position >= 0 && position < stages.length - 1 ? stages[position + 1] : undefined;
  const pending = fetcher.state !== 'idle';

  // Drawn anew in the target column after a keyboard move: give the focus back.
  useEffect(() => {
    const request = focusRequest.current;
    if (!request || request.id !== card.id) return;
    const root = controls.current;
    const wanted = root?.querySelector<HTMLElement>(`[data-focus="${request.target}"]`);
    const fallback = root?.querySelector<HTMLElement>('[data-focus="select"], [data-focus="name"]');
    (wanted ?? fallback)?.focus();
    focusRequest.current = null;
  });

  useEffect(() => {
    if (fetcher.state === 'idle' && fetcher.data) report(fetcher.data);
  }, [fetcher.state, fetcher.data, report]);

  const onDragStart = (event: DragEvent<HTMLLIElement>) => {
    event.dataTransfer.setData('text/plain', card.id);
    event.dataTransfer.effectAllowed = 'move';
    setDragging(card.id);
  };

  return (
    <li
      ref={controls}
      className="kanban-card"
      draggable={canMove && hydrated ? true : undefined}
      onDragStart={canMove ? onDragStart : undefined}
      onDragEnd={() => setDragging(null)}
      data-dragging={dragging === card.id || undefined}
      data-pending={pending || undefined}
      data-id={card.id}
      aria-posinset={index + 1}
      aria-setsize={stage.count}
    >
      <Link to={`/organisations/${card.id}`} className="kanban-card__name" data-focus="name">
        {card.name}
      </Link>
      <p className="kanban-card__meta">
        {card.city ? <span>{card.city}</span> : null}
        {card.aum ? (
          <span className="numeric">{formatAmount(locale, card.aum.amount, card.aum.currency)}</span>
        ) : null}
      </p>
      {canMove ? (
        <fetcher.Form method="post" className="kanban-card__move">
          <input type="hidden" name="intent" value="move" />
          <input type="hidden" name="id" value={card.id} />
          <input type="hidden" name="version" value={card.version} />
          <input type="hidden" name="name" value={card.name} />
          {previous ? (
            <button
              type="submit"
              name="to"
              value={previous.id}
              className="kanban-card__arrow"
              data-focus="previous"
              aria-label={ct('pipeline.moveLeft', { name: card.name, stage: previous.name })}
              title={previous.name}
              onClick={() => {
                focusRequest.current = { id: card.id, target: 'previous' };
              }}
            >
              ←
            </button>
          ) : (
            <span className="kanban-card__arrow-gap" />
          )}
          <label htmlFor={selectId} className="visually-hidden">
            {ct('pipeline.stageOf', { name: card.name })}
          </label>
          <select
            id={selectId}
            name="stageId"
            className="input input--compact kanban-card__select"
            value={choice}
            data-focus="select"
            onChange={(event) => setChoice(event.currentTarget.value)}
          >
            {stages.map((option) => (
              <option key={option.id} value={option.id}>
                {option.name}
              </option>
            ))}
          </select>
          {next ? (
            <button
              type="submit"
              name="to"
              value={next.id}
              className="kanban-card__arrow"
              data-focus="next"
              aria-label={ct('pipeline.moveRight', { name: card.name, stage: next.name })}
              title={next.name}
              onClick={() => {
                focusRequest.current = { id: card.id, target: 'next' };
              }}
            >
              →
            </button>
          ) : (
            <span className="kanban-card__arrow-gap" />
          )}
          {/* Without JavaScript the select needs its button; with it, the button appears once another stage is chosen. */}
          {!hydrated || choice !== stage.id ? (
            <button
              type="submit"
              className="button button--small button--secondary kanban-card__go"
              aria-label={ct('pipeline.moveLabel', { name: card.name })}
              onClick={() => {
                focusRequest.current = { id: card.id, target: 'select' };
              }}
            >
              {ct('pipeline.move')}
            </button>
          ) : null}
        </fetcher.Form>
      ) : null}
    </li>
  );
}

function Column({ stage, shown }: { stage: KanbanStage; shown: number }) {
  const { stages, canMove, dragging, setDragging } = useBoard();
  const ct = useCrmT();
  const locale = useLocale();
  const submit = useSubmit();
  const [over, setOver] = useState(false);
  const titleId = useId();
  const hidden = stage.count - shown;

  const findCard = (id: string) => {
    for (const candidate of stages) {
      const card = candidate.cards.find((item) => item.id === id);
      if (card) return { card, stageId: candidate.id };
    }
    return undefined;
  };

  const onDrop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setOver(false);
    setDragging(null);
    const id = event.dataTransfer.getData('text/plain') || dragging;
    const card = id ? findCard(id) : undefined;
    if (!card || card.stageId === stage.id) return;
    submit(
      {
        intent: 'move',
        id: card.card.id,
        version: String(card.card.version),
        name: card.card.name,
        to: stage.id,
      },
      { method: 'post', navigate: false, fetcherKey: fetcherKey(card.card.id), preventScrollReset: true },
    );
  };
  return (
    <section
      className="kanban-column"
      aria-labelledby={titleId}
      data-over={over || undefined}
      style={{ '--stage-color': stage.color } as CSSProperties}
      onDragOver={
        canMove
          ? (event) => {
              event.preventDefault();
              event.dataTransfer.dropEffect = 'move';
              if (!over) setOver(true);
            }
          : undefined
      }
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setOver(false);
      }}
      onDrop={canMove ? onDrop : undefined}
    >
      <header className="kanban-column__head">
        <h2 id={titleId} className="kanban-column__title">
          {stage.name}
        </h2>
        <span className="kanban-column__count">
          {ct('pipeline.count', { count: formatNumber(locale, stage.count) })}
        </span>
        {stage.isWon ? <Pill tone="success">{ct('pipeline.won')}</Pill> : null}
        {stage.isLost ? <Pill tone="danger">{ct('pipeline.lost')}</Pill> : null}
      </header>
      {stage.cards.length === 0 ? (
        <p className="kanban-column__empty">{ct('pipeline.columnEmpty')}</p>
      ) : (
        <ol className="kanban-column__cards" aria-labelledby={titleId}>
          {stage.cards.map((card, index) => (
            <Card key={card.id} card={card} stage={stage} index={index} />
          ))}
        </ol>
      )}
      {hidden > 0 ? (
        <Link to={`/organisations?stage=${stage.id}`} className="kanban-column__more">
          {ct('pipeline.more', { count: formatNumber(locale, hidden) })}
        </Link>
      ) : null}
    </section>
  );
}

/**
 * The pipeline board. Three ways to move a card, all posting the same form to
 * the page's action (stage change with If-Match): drag and drop (HTML5), the
 * ← / → buttons, and the stage select with its "Déplacer" button — the last
 * two are keyboard and screen-reader friendly and work without JavaScript.
 * Moves show at once (optimistic) and the board reconciles with the server.
 */
export function KanbanBoard({ stages, canMove }: { stages: KanbanStage[]; canMove: boolean }) {
  const ct = useCrmT();
  const fetchers = useFetchers();
  const [dragging, setDragging] = useState<string | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const focusRequest = useRef<{ id: string; target: FocusTarget } | null>(null);
  const seen = useRef(new WeakSet<object>());

  const report = useCallback((result: MoveResult) => {
    if (seen.current.has(result)) return;
    seen.current.add(result);
    setMessage(result.ok ? { ok: true, text: result.message } : { ok: false, text: result.formError ?? '' });
  }, []);

  // Optimistic placement: a card being moved shows in its target column at once.
  const moves = new Map<string, string>();
  for (const fetcher of fetchers) {
    const target = moveTarget(fetcher.formData);
    if (target) moves.set(target.id, target.stageId);
  }
  const columns = stages.map((stage) => {
    const incoming = stages
      .filter((other) => other.id !== stage.id)
      .flatMap((other) => other.cards.filter((card) => moves.get(card.id) === stage.id));
    const staying = stage.cards.filter((card) => {
      const target = moves.get(card.id);
      return target === undefined || target === stage.id || !stages.some((other) => other.id === target);
    });
    const cards = [...incoming, ...staying];
    return {
      stage: {
        ...stage,
        cards,
        count: stage.count + incoming.length - (stage.cards.length - staying.length),
      },
      shown: cards.length,
    };
  });

  return (
    <Board.Provider
      value={{
        stages: columns.map((column) => column.stage),
        canMove,
        dragging,
        setDragging,
        focusRequest,
        report,
      }}
    >
      <div className="kanban__status" role="status" aria-live="polite">
        {message?.ok ? <p className="alert alert--success">{message.text}</p> : null}
      </div>
      {message && !message.ok ? (
        <p className="alert alert--error" role="alert">
          {message.text}
        </p>
      ) : null}
      <section
        className="kanban"
        aria-label={ct('pipeline.board')}
        data-dragging={dragging ? true : undefined}
      >
        {columns.map(({ stage, shown }) => (
          <Column key={stage.id} stage={stage} shown={shown} />
        ))}
      </section>
    </Board.Provider>
  );
}
