import { useCallback, type KeyboardEvent } from 'react';

function seatsIn(rowEl: Element | null): HTMLElement[] {
  return rowEl ? Array.from(rowEl.querySelectorAll<HTMLElement>('[data-seat-id]')) : [];
}

/** The seat of the row before or after `rowEl` that stands closest to `column` (rows may be offset). */
function nearestInNextRow(rowEl: Element | null, up: boolean, column: number): HTMLElement | undefined {
  let sibling = up ? rowEl?.previousElementSibling : rowEl?.nextElementSibling;
  while (sibling && !sibling.hasAttribute('data-seat-row')) sibling = up ? sibling.previousElementSibling : sibling.nextElementSibling;
  let best = Infinity;
  let next: HTMLElement | undefined;
  for (const candidate of seatsIn(sibling ?? null)) {
    const distance = Math.abs(Number(candidate.dataset.column) - column);
    if (distance < best) {
      best = distance;
      next = candidate;
    }
  }
  return next;
}

/**
 * Arrow keys between seats (across aisles; up and down to the seat standing closest in the next row),
 * Home/End to the row's ends. The seats carry data-seat-id and data-column, rows data-seat-row.
 */
export function useSeatKeys() {
  return useCallback((event: KeyboardEvent<HTMLElement>) => {
    const target = event.target as HTMLElement;
    if (!target.dataset.seatId) return;
    const rowEl = target.closest('[data-seat-row]');
    const inRow = seatsIn(rowEl);
    const index = inRow.indexOf(target);
    let next: HTMLElement | undefined;
    switch (event.key) {
      case 'ArrowLeft':
        next = inRow[index - 1];
        break;
      case 'ArrowRight':
        next = inRow[index + 1];
        break;
      case 'Home':
        next = inRow[0];
        break;
      case 'End':
        next = inRow[inRow.length - 1];
        break;
      case 'ArrowUp':
      case 'ArrowDown':
        next = nearestInNextRow(rowEl, event.key === 'ArrowUp', Number(target.dataset.column));
        break;
      default:
        return;
    }
    event.preventDefault();
    next?.focus();
  }, []);
}
