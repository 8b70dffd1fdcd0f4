// Date/time formatting in the viewer's local time zone (server sends UTC).

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayFmt = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long' });
const dateTimeFmt = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
});

export function formatTime(iso: string): string {
  return timeFmt.format(new Date(iso));
}

export function formatDateTime(iso: string): string {
  return dateTimeFmt.format(new Date(iso));
}

/** Local calendar day key, e.g. "2025-03-07", for grouping. */
export function dayKey(iso: string): string {
  const d = new Date(iso);
  const m = String(d.getMonth() + 1).padStart(2, '0');
  const day = String(d.getDate()).padStart(2, '0');
  return `${d.getFullYear()}-${m}-${day}`;
}

export function formatDay(iso: string, now: Date = new Date()): string {
  const key = dayKey(iso);
  if (key === dayKey(now.toISOString())) return 'Today';
  const tomorrow = new Date(now);
  tomorrow.setDate(now.getDate() + 1);
  if (key === dayKey(tomorrow.toISOString())) return 'Tomorrow';
  return dayFmt.format(new Date(iso));
}

export function formatDuration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (!h) return `${m} min`;
  return m ? `${h} h ${m} min` : `${h} h`;
}

/** "mm:ss" for a number of milliseconds (never negative). */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const m = Math.floor(total / 60);
  const s = total % 60;
  return `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

export function seatLabel(seat: { row: string; number: number }): string {
  return `${seat.row}${seat.number}`;
}

/** "A1, A2 and B4" */
export function listSeats(labels: string[]): string {
  if (labels.length <= 1) return labels.join('');
  return `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`;
}

/** Natural order for row labels: A..Z, then AA, AB... */
export function compareRows(a: string, b: string): number {
  return a.length - b.length || a.localeCompare(b);
}

export interface SeatRef {
  id: number;
  row?: string;
  number?: number;
}

/** "Row C, seat 7" (or "Seat #12" when the row/number is unknown). */
export function formatSeatRef(seat: SeatRef): string {
  if (seat.row !== undefined && seat.number !== undefined) return `Row ${seat.row}, seat ${seat.number}`;
  return `Seat #${seat.id}`;
}
