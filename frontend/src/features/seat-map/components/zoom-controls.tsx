import type { HallZoom } from '../hooks/use-hall-zoom';

/**
 * Zoom out to the whole hall, back in to seats big enough to tap, and a hint that the map scrolls.
 * Only when the hall is wider than the screen (or zoomed in): a hall that fits needs none of it.
 */
export function ZoomControls({ zoom }: { zoom: HallZoom }) {
  if (!zoom.overflows && zoom.level === 1) return null;
  const hint =
    zoom.level === 'fit'
      ? 'The whole hall is shown. Zoom in to pick seats more easily.'
      : 'The hall is wider than the screen: scroll sideways, or choose Fit to see all of it.';
  return (
    <div className="hall-zoom" data-testid="hall-zoom">
      <div className="hall-zoom__buttons" role="group" aria-label="Zoom the seat map">
        <button type="button" className="btn btn-small btn-ghost" onClick={zoom.zoomOut} disabled={!zoom.canZoomOut} aria-label="Zoom out" title="Zoom out">
          −
        </button>
        <button type="button" className="btn btn-small btn-ghost" onClick={zoom.fitWidth} aria-pressed={zoom.level === 'fit'} title="Show the whole hall">
          Fit
        </button>
        <button type="button" className="btn btn-small btn-ghost" onClick={zoom.zoomIn} disabled={!zoom.canZoomIn} aria-label="Zoom in" title="Zoom in">
          +
        </button>
      </div>
      <p className="hall-zoom__hint muted small" data-testid="hall-zoom-hint">
        <span aria-hidden="true">↔ </span>
        {hint}
      </p>
    </div>
  );
}
