import { useCallback } from 'react';

/**
 * A ref for the sticky dock: keeps its height in `--dock-space` on its parent, so a seat focused by
 * keyboard scrolls into view above the dock rather than under it (scroll-margin-bottom, index.css).
 */
export function useDockSpace() {
  return useCallback((dock: HTMLElement | null) => {
    const parent = dock?.parentElement;
    if (!dock || !parent || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => parent.style.setProperty('--dock-space', `${dock.offsetHeight}px`));
    observer.observe(dock);
    return () => {
      observer.disconnect();
      parent.style.removeProperty('--dock-space');
    };
  }, []);
}
