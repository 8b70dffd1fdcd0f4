// Showtimes in the venue's time zone (the API sends UTC plus the venue's IANA zone): a show at 20:00 in
// Berlin is at 20:00 for everyone, whichever zone the viewer's device is in, and says which zone it is.

type Options = Intl.DateTimeFormatOptions;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** A cached formatter; an unknown zone (never sent by the API, but a bad one must not break the page) is UTC. */
function formatter(locale: string | undefined, timeZone: string, options: Options): Intl.DateTimeFormat {
  const key = `${locale ?? ''}|${timeZone}|${JSON.stringify(options)}`;
  let fmt = formatters.get(key);
  if (!fmt) {
    try {
      fmt = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    } catch {
      fmt = new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' });
    }
    formatters.set(key, fmt);
  }
  return fmt;
}

const DATE_TIME: Options = { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' };
const TIME: Options = { hour: '2-digit', minute: '2-digit' };
const DAY: Options = { weekday: 'long', day: 'numeric', month: 'long' };
const ZONE: Options = { timeZoneName: 'short' };
const DAY_KEY: Options = { year: 'numeric', month: '2-digit', day: '2-digit' };

/** The zone's short name at that moment ("CET", "EDT", or "GMT+1" where the locale has no name for it). */
export function zoneLabel(iso: string, timeZone: string, locale?: string): string {
  const parts = formatter(locale, timeZone, ZONE).formatToParts(new Date(iso));
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
}

/** "Sat 14 Dec, 14:00 (CET)": the date and time in the venue's zone, labelled with it. */
export function formatShowDateTime(iso: string, timeZone: string, locale?: string): string {
  return `${formatter(locale, timeZone, DATE_TIME).format(new Date(iso))} (${zoneLabel(iso, timeZone, locale)})`;
}

/** "14:00": the time of day in the venue's zone (label it with zoneLabel). */
export function formatShowTime(iso: string, timeZone: string, locale?: string): string {
  return formatter(locale, timeZone, TIME).format(new Date(iso));
}

/** The venue's calendar day, e.g. "2030-12-14", for grouping showtimes by day. */
export function zonedDayKey(iso: string | Date, timeZone: string): string {
  const parts = formatter('en-US', timeZone, DAY_KEY).formatToParts(typeof iso === 'string' ? new Date(iso) : iso);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** "Today", "Tomorrow" or "Saturday 14 December", counted in the venue's days. */
export function formatShowDay(iso: string, timeZone: string, now: Date = new Date(), locale?: string): string {
  const key = zonedDayKey(iso, timeZone);
  if (key === zonedDayKey(now, timeZone)) return 'Today';
  // The day after today's date, by the calendar (not now + 24 h, which a 25-hour DST day would miss).
  const today = new Date(`${zonedDayKey(now, timeZone)}T00:00:00Z`);
  today.setUTCDate(today.getUTCDate() + 1);
  if (key === today.toISOString().slice(0, 10)) return 'Tomorrow';
  return formatter(locale, timeZone, DAY).format(new Date(iso));
}
