import { Link, useNavigate } from '@remix-run/react';
import { type KeyboardEvent, type MouseEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import { useT } from '~/lib/i18n';
import { type SearchTranslate, useSearchT } from '~/lib/i18n-search';
import {
  clearRecentSearches,
  readRecentSearches,
  recordHref,
  rememberSearch,
  resultsHref,
  type SuggestionType,
} from '~/lib/search-client';
import { useHydrated } from '~/lib/use-hydrated';
import type { AutocompleteResponse } from '../../../worker/modules/search/search.service';
import { Highlighted } from './highlight';
import '~/styles/search.css';

/** Wait this long after the last keystroke before asking for suggestions. */
const DEBOUNCE_MS = 150;
/** The API's minimum for autocomplete. */
const MIN_CHARS = 2;
const GROUPS: readonly SuggestionType[] = ['organisations', 'people', 'mandates'];

type Status = 'idle' | 'loading' | 'ready' | 'error';

/** One choice of the listbox: a record, a recent search, or "all results". */
interface Option {
  key: string;
  group: SuggestionType | 'recent' | 'all';
  href: string;
  label: string;
  html?: string;
  detail?: string | null;
  fuzzy?: boolean;
  /** the query to remember when this option is chosen */
  remember?: string;
}

function buildOptions(query: string, data: AutocompleteResponse | null, recent: string[]): Option[] {
  const q = query.trim();
  if (q.length < MIN_CHARS) {
    return recent.map((item) => ({
      key: `recent:${item}`,
      group: 'recent',
      href: resultsHref(item),
      label: item,
      remember: item,
    }));
  }
  const options: Option[] = [];
  if (data && data.query === q) {
    for (const group of GROUPS) {
      for (const hit of data.results[group]) {
        options.push({
          key: `${group}:${hit.id}`,
          group,
          href: recordHref(group, hit.id),
          label: hit.label,
          html: hit.highlight,
          detail: hit.detail,
          fuzzy: hit.match === 'fuzzy',
          remember: q,
        });
      }
    }
  }
  options.push({ key: 'all', group: 'all', href: resultsHref(q), label: q, remember: q });
  return options;
}

function groupLabel(t: SearchTranslate, group: Option['group']): string | null {
  if (group === 'recent') return t('search.recent');
  if (group === 'all') return null;
  return t(`search.type.${group}`);
}

function isMac(): boolean {
  return (
    typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent)
  );
}

/**
 * The global search of the header: a link to the results page that, once the
 * app is interactive, opens a dialog (also on Cmd/Ctrl-K) with a combobox.
 * Suggestions come from `GET /api/v1/search/autocomplete` (debounced, older
 * requests aborted), grouped by type; ↑/↓ move through them, Enter opens the
 * active one (or the full results page), Esc closes. With an empty field the
 * listbox offers this device's recent searches.
 */
export function CommandBar() {
  const t = useSearchT();
  const tt = useT();
  const hydrated = useHydrated();
  const navigate = useNavigate();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const baseId = useId();
  const listboxId = `${baseId}-listbox`;
  const titleId = `${baseId}-title`;
  const hintId = `${baseId}-hint`;
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [data, setData] = useState<AutocompleteResponse | null>(null);
  const [status, setStatus] = useState<Status>('idle');
  const [active, setActive] = useState(-1);
  const [recent, setRecent] = useState<string[]>([]);
  const [mac, setMac] = useState(false);

  const show = useCallback(() => {
    const dialog = dialogRef.current;
    if (!dialog || dialog.open) return;
    setRecent(readRecentSearches());
    setActive(-1);
    dialog.showModal();
    setOpen(true);
    inputRef.current?.focus();
    inputRef.current?.select();
  }, []);

  const hide = useCallback(() => dialogRef.current?.close(), []);

  useEffect(() => setMac(isMac()), []);

  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      if ((event.metaKey || event.ctrlKey) && !event.altKey && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        if (dialogRef.current?.open) inputRef.current?.select();
        else show();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [show]);

  // Debounced suggestions; a newer keystroke aborts the request in flight.
  useEffect(() => {
    const q = query.trim();
    if (!open || q.length < MIN_CHARS) {
      setStatus('idle');
      return;
    }
    const controller = new AbortController();
    const timer = window.setTimeout(async () => {
      setStatus('loading');
      try {
        const response = await fetch(`/api/v1/search/autocomplete?${new URLSearchParams({ q })}`, {
          headers: { accept: 'application/json' },
          credentials: 'same-origin',
          signal: controller.signal,
        });
        if (!response.ok) throw new Error(`autocomplete answered ${response.status}`);
        const body = (await response.json()) as AutocompleteResponse;
        setData(body);
        setActive(-1);
        setStatus('ready');
      } catch (error) {
        if (controller.signal.aborted) return;
        console.warn('search suggestions failed', error);
        setStatus('error');
      }
    }, DEBOUNCE_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [query, open]);

  const options = buildOptions(query, data, recent);
  const activeOption = active >= 0 ? options[active] : undefined;

  const choose = (option: Option) => {
    if (option.remember) rememberSearch(option.remember);
    hide();
    navigate(option.href);
  };

  const onInputKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (options.length === 0) return;
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((current) => {
        if (current < 0) return step === 1 ? 0 : options.length - 1;
        return (current + step + options.length) % options.length;
      });
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (activeOption) choose(activeOption);
      else if (query.trim())
        choose({ key: 'all', group: 'all', href: resultsHref(query.trim()), label: query, remember: query });
    }
  };

  // The active option stays in view while arrowing through a long list.
  useEffect(() => {
    if (!activeOption) return;
    document.getElementById(`${baseId}-${activeOption.key}`)?.scrollIntoView({ block: 'nearest' });
  }, [activeOption, baseId]);

  const onDialogClick = (event: MouseEvent<HTMLDialogElement>) => {
    // A click on the backdrop (the dialog element itself, outside its panel) closes.
    if (event.target === event.currentTarget) hide();
  };

  const q = query.trim();
  const suggestionCount = options.filter((o) => o.group !== 'all' && o.group !== 'recent').length;
  const statusText =
    q.length > 0 && q.length < MIN_CHARS
      ? t('search.tooShort')
      : status === 'loading'
        ? t('search.loading')
        : status === 'error'
          ? t('search.failed')
          : status === 'ready' && suggestionCount === 0
            ? t('search.noSuggestion', { q })
            : status === 'ready'
              ? t('search.suggestions', { count: suggestionCount })
              : '';

  // Options grouped in display order (they are built grouped).
  const groups: { group: Option['group']; items: { option: Option; index: number }[] }[] = [];
  options.forEach((option, index) => {
    const last = groups[groups.length - 1];
    if (last && last.group === option.group) last.items.push({ option, index });
    else groups.push({ group: option.group, items: [{ option, index }] });
  });

  return (
    <>
      <Link
        to="/recherche"
        className="header-link search-trigger"
        aria-keyshortcuts="Control+K Meta+K"
        onClick={(event) => {
          if (!hydrated) return;
          event.preventDefault();
          show();
        }}
      >
        <svg aria-hidden="true" viewBox="0 0 24 24" width="16" height="16">
          <circle cx="11" cy="11" r="6.5" fill="none" stroke="currentColor" strokeWidth="2" />
          <path d="m16 16 4.5 4.5" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
        </svg>
        <span className="header-link__label">{t('search.open')}</span>
        {hydrated ? (
          <kbd className="search-trigger__kbd">{mac ? t('search.shortcutMac') : t('search.shortcut')}</kbd>
        ) : null}
      </Link>
      <dialog
        ref={dialogRef}
        className="command-bar"
        aria-labelledby={titleId}
        onClose={() => {
          setOpen(false);
          setQuery('');
          setData(null);
          setActive(-1);
        }}
        onClick={onDialogClick}
        onKeyDown={(event) => {
          // Esc is the dialog's own cancel; keep it from reaching page shortcuts.
          if (event.key === 'Escape') event.stopPropagation();
        }}
      >
        <div className="command-bar__panel">
          <h2 id={titleId} className="visually-hidden">
            {t('search.dialog')}
          </h2>
          <form
            method="get"
            action="/recherche"
            className="command-bar__form"
            onSubmit={(event) => event.preventDefault()}
          >
            <svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20" className="command-bar__icon">
              <circle cx="11" cy="11" r="6.5" fill="none" stroke="currentColor" strokeWidth="2" />
              <path d="m16 16 4.5 4.5" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
            </svg>
            <input
              ref={inputRef}
              name="q"
              type="text"
              role="combobox"
              className="command-bar__input"
              aria-label={t('search.input')}
              aria-expanded={open && options.length > 0}
              aria-controls={listboxId}
              aria-autocomplete="list"
              aria-activedescendant={activeOption ? `${baseId}-${activeOption.key}` : undefined}
              aria-describedby={hintId}
              placeholder={t('search.placeholder')}
              autoComplete="off"
              autoCorrect="off"
              spellCheck={false}
              maxLength={200}
              value={query}
              onChange={(event) => {
                setQuery(event.target.value);
                setActive(-1);
              }}
              onKeyDown={onInputKeyDown}
            />
            {status === 'loading' ? <span className="spinner" aria-hidden="true" /> : null}
            <button type="button" className="command-bar__close" onClick={hide}>
              <span aria-hidden="true">Esc</span>
              <span className="visually-hidden">{tt('common.close')}</span>
            </button>
          </form>
          <div id={listboxId} role="listbox" aria-label={t('search.dialog')} className="command-bar__list">
            {groups.map(({ group, items }) => {
              const label = groupLabel(t, group);
              const labelId = `${baseId}-group-${group}`;
              return (
                // biome-ignore lint/a11y/useSemanticElements: inside a listbox, options are grouped by role=group (a fieldset is not allowed there)
                <div
                  key={group}
                  role="group"
                  aria-labelledby={label ? labelId : undefined}
                  aria-label={label ? undefined : t('search.allResults', { q })}
                  className="command-bar__group"
                >
                  {label ? (
                    <div id={labelId} role="presentation" className="command-bar__group-label">
                      {label}
                    </div>
                  ) : null}
                  {items.map(({ option, index }) => (
                    <div
                      key={option.key}
                      id={`${baseId}-${option.key}`}
                      role="option"
                      tabIndex={-1}
                      aria-selected={index === active}
                      className="command-bar__option"
                      data-group={option.group}
                      onMouseDown={(event) => event.preventDefault()}
                      onMouseMove={() => setActive(index)}
                      onClick={() => choose(option)}
                      onKeyDown={() => undefined}
                    >
                      {option.group === 'all' ? (
                        <span className="command-bar__label">
                          {t('search.allResults', { q: option.label })}
                        </span>
                      ) : (
                        <span className="command-bar__label">
                          {option.html ? <Highlighted html={option.html} /> : option.label}
                        </span>
                      )}
                      {option.detail ? <span className="command-bar__detail">{option.detail}</span> : null}
                      {option.fuzzy ? <span className="command-bar__badge">{t('search.fuzzy')}</span> : null}
                    </div>
                  ))}
                </div>
              );
            })}
          </div>
          {q.length < MIN_CHARS && recent.length > 0 ? (
            <button
              type="button"
              className="button button--ghost button--small command-bar__clear"
              onClick={() => {
                clearRecentSearches();
                setRecent([]);
                setActive(-1);
                inputRef.current?.focus();
              }}
            >
              {t('search.clearRecent')}
            </button>
          ) : null}
          {data?.didYouMean && data.query === q ? (
            <p className="command-bar__did-you-mean">
              {t('search.didYouMean')}{' '}
              <button
                type="button"
                className="link-button"
                onClick={() => {
                  setQuery(data.didYouMean ?? '');
                  inputRef.current?.focus();
                }}
              >
                {data.didYouMean}
              </button>{' '}
              ?
            </p>
          ) : null}
          <p className="command-bar__footer">
            <span id={hintId}>{t('search.hint')}</span>
            <span role="status" className="command-bar__status">
              {statusText}
            </span>
          </p>
        </div>
      </dialog>
    </>
  );
}
