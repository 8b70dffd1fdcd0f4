import { describe, expect, it } from 'vitest';
import { formatShowDateTime, formatShowDay, formatShowTime, zonedDayKey, zoneLabel } from './zoned-time';

// 13:00 UTC on Sat 14 Dec 2030: 14:00 in Berlin (CET), 08:00 in New York (EST).
const AT = '2030-12-14T13:00:00Z';

describe('zoned time', () => {
  it("formats a showtime in the venue's zone, labelled, whatever the device's zone", () => {
    expect(formatShowDateTime(AT, 'Europe/Berlin', 'en-GB')).toBe('Sat 14 Dec, 14:00 (CET)');
    expect(formatShowDateTime(AT, 'America/New_York', 'en-GB')).toBe('Sat 14 Dec, 08:00 (GMT-5)');
    expect(formatShowDateTime(AT, 'America/New_York', 'en-US')).toMatch(/^Sat, Dec 14, 08:00 AM \(EST\)$/);
    expect(formatShowTime(AT, 'Asia/Tokyo', 'en-GB')).toBe('22:00');
  });

  it('names the zone as it is on that date (summer time)', () => {
    expect(zoneLabel('2030-07-01T12:00:00Z', 'Europe/Berlin', 'en-GB')).toBe('CEST');
    expect(zoneLabel(AT, 'Europe/Berlin', 'en-GB')).toBe('CET');
    expect(zoneLabel(AT, 'UTC', 'en-GB')).toBe('UTC');
  });

  it("counts days in the venue's calendar", () => {
    // 23:30 UTC is already the next day in Berlin, still the same day in New York.
    expect(zonedDayKey('2030-12-14T23:30:00Z', 'Europe/Berlin')).toBe('2030-12-15');
    expect(zonedDayKey('2030-12-14T23:30:00Z', 'America/New_York')).toBe('2030-12-14');
    const now = new Date('2030-12-14T10:00:00Z');
    expect(formatShowDay('2030-12-14T20:00:00Z', 'Europe/Berlin', now)).toBe('Today');
    expect(formatShowDay('2030-12-14T23:30:00Z', 'Europe/Berlin', now)).toBe('Tomorrow');
    expect(formatShowDay('2030-12-16T12:00:00Z', 'Europe/Berlin', now, 'en-GB')).toBe('Monday 16 December');
  });

  it('says Tomorrow across a 25-hour day (the end of summer time)', () => {
    // 00:30 on Sun 27 Oct 2030 in Berlin (CEST): that day has 25 hours.
    const now = new Date('2030-10-26T22:30:00Z');
    expect(formatShowDay('2030-10-28T20:00:00Z', 'Europe/Berlin', now)).toBe('Tomorrow');
  });

  it('falls back to UTC for an unknown zone rather than failing', () => {
    expect(formatShowDateTime(AT, 'Not/AZone', 'en-GB')).toBe('Sat 14 Dec, 13:00 (UTC)');
  });
});
