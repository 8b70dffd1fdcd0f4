import type { SeatKind } from '@/types/api';

/** What a screen reader and a tooltip call a seat that is not a standard one. */
export const SEAT_KIND_TEXT: Record<SeatKind, string | null> = {
  standard: null,
  wheelchair: 'Wheelchair space',
  companion: 'Companion seat',
};

/** The International Symbol of Access for a wheelchair space; a person for the companion seat next to one. */
export function SeatKindIcon({ kind }: { kind: SeatKind }) {
  if (kind === 'standard') return null;
  return (
    <svg className="seat-kind-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false" data-kind={kind}>
      {kind === 'wheelchair' ? (
        <g fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round">
          <circle cx="11" cy="3.6" r="1.9" fill="currentColor" stroke="none" />
          <path d="M11 7.5v5.5h5.5l2.8 6" />
          <path d="M11 10h5" />
          <path d="M8 10.8a5.8 5.8 0 1 0 8.3 7.4" />
        </g>
      ) : (
        <g fill="currentColor">
          <circle cx="12" cy="7" r="3.4" />
          <path d="M5 21c0-4.1 3.1-7.2 7-7.2s7 3.1 7 7.2z" />
        </g>
      )}
    </svg>
  );
}
