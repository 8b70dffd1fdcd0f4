/** Zoom levels as multiples of the stylesheet's seat size; "fit" shows the whole hall's width. */
export const ZOOM_STEPS = [1, 1.4, 1.8] as const;
export type ZoomLevel = 'fit' | (typeof ZOOM_STEPS)[number];

/** The row labels at each end of a row (1.6rem each, styles/index.css). */
const LABELS_PX = 2 * 25.6;
/** Gaps between seats scale with them: 6px at 30px, as the stylesheet has it. */
export const GAP_RATIO = 0.2;

/** The seat size (px) at which `columns` seats, their gaps and the row labels fill `width`. */
export function fitSeatSize(width: number, columns: number): number {
  const size = (width - LABELS_PX) / (columns + GAP_RATIO * (columns + 1));
  return Math.max(6, Math.floor(size));
}

/** The next level in (or out); fit only below the stylesheet's size, when the hall does not fit at it. */
export function nextZoom(level: ZoomLevel, direction: 1 | -1, overflows: boolean): ZoomLevel {
  const levels: ZoomLevel[] = overflows ? ['fit', ...ZOOM_STEPS] : [...ZOOM_STEPS];
  const index = Math.max(0, levels.indexOf(level));
  return levels[Math.min(levels.length - 1, Math.max(0, index + direction))]!;
}
