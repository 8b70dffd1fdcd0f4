import { useCallback, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { fitSeatSize, GAP_RATIO, nextZoom, ZOOM_STEPS, type ZoomLevel } from '../utils/zoom';

/** Before the first measurement (and in tests without layout): the desktop seat size. */
const DEFAULT_SEAT_PX = 30;

/**
 * Zoom for the hall: the stylesheet's seat size (level 1, as it always was), larger steps, and "fit",
 * which shrinks the seats until the widest row fits the screen. Zooming keeps the middle of what was
 * in view in view. The seat size is set as a CSS variable, so seats really grow (and stay tappable)
 * rather than being scaled.
 */
export function useHallZoom(scrollRef: RefObject<HTMLDivElement | null>, columns: number) {
  const [level, setLevel] = useState<ZoomLevel>(1);
  const [box, setBox] = useState({ width: 0, base: DEFAULT_SEAT_PX });

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = () => {
      const base = parseFloat(getComputedStyle(el).getPropertyValue('--seat-size')) || DEFAULT_SEAT_PX;
      setBox((old) => (old.width === el.clientWidth && old.base === base ? old : { width: el.clientWidth, base }));
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [scrollRef]);

  // The base is read from the stylesheet at level 1 only: the inline size set below would hide it.
  const fit = box.width ? fitSeatSize(box.width, columns) : box.base;
  const overflows = fit < box.base;
  const size = level === 'fit' ? Math.min(fit, box.base) : Math.round(box.base * level);

  // Keep the centre of the view where it was (as a share of the hall's width) across a zoom.
  const centre = useRef<number | null>(null);
  const zoomTo = useCallback(
    (next: ZoomLevel) => {
      const el = scrollRef.current;
      if (el && el.scrollWidth) centre.current = (el.scrollLeft + el.clientWidth / 2) / el.scrollWidth;
      setLevel(next);
    },
    [scrollRef],
  );
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el || centre.current === null) return;
    el.scrollLeft = centre.current * el.scrollWidth - el.clientWidth / 2;
    centre.current = null;
  }, [size, scrollRef]);

  const max = ZOOM_STEPS[ZOOM_STEPS.length - 1];
  return {
    level,
    /** Seat size in px, or null at level 1: the stylesheet's size stands (desktop as it always was). */
    seatPx: level === 1 ? null : size,
    gapPx: Math.max(2, Math.round(size * GAP_RATIO)),
    /** The hall is wider than the screen at the normal size: offer the overview and say it scrolls. */
    overflows,
    /** Seats too small for their numbers (the overview of a wide hall). */
    compact: size < 20,
    canZoomIn: level !== max,
    canZoomOut: nextZoom(level, -1, overflows) !== level,
    zoomIn: () => zoomTo(nextZoom(level, 1, overflows)),
    zoomOut: () => zoomTo(nextZoom(level, -1, overflows)),
    fitWidth: () => zoomTo(overflows ? 'fit' : 1),
  };
}

export type HallZoom = ReturnType<typeof useHallZoom>;
