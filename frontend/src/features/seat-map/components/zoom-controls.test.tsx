import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { HallZoom } from '../hooks/use-hall-zoom';
import { ZoomControls } from './zoom-controls';

function zoom(overrides: Partial<HallZoom> = {}): HallZoom {
  return {
    level: 1,
    seatPx: null,
    gapPx: 6,
    overflows: true,
    compact: false,
    canZoomIn: true,
    canZoomOut: true,
    zoomIn: vi.fn(),
    zoomOut: vi.fn(),
    fitWidth: vi.fn(),
    ...overrides,
  };
}

describe('ZoomControls', () => {
  it('offers zoom out, fit and zoom in with a hint, when the hall is wider than the screen', async () => {
    const user = userEvent.setup();
    const z = zoom();
    render(<ZoomControls zoom={z} />);
    expect(screen.getByTestId('hall-zoom-hint')).toHaveTextContent('scroll sideways');
    await user.click(screen.getByRole('button', { name: 'Zoom in' }));
    await user.click(screen.getByRole('button', { name: 'Fit' }));
    await user.click(screen.getByRole('button', { name: 'Zoom out' }));
    expect(z.zoomIn).toHaveBeenCalledOnce();
    expect(z.fitWidth).toHaveBeenCalledOnce();
    expect(z.zoomOut).toHaveBeenCalledOnce();
  });

  it('says the whole hall is shown at fit, and cannot zoom out further', () => {
    render(<ZoomControls zoom={zoom({ level: 'fit', canZoomOut: false })} />);
    expect(screen.getByTestId('hall-zoom-hint')).toHaveTextContent('The whole hall is shown');
    expect(screen.getByRole('button', { name: 'Fit' })).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByRole('button', { name: 'Zoom out' })).toBeDisabled();
  });

  it('is not there when the hall fits at the normal size', () => {
    const { container } = render(<ZoomControls zoom={zoom({ overflows: false })} />);
    expect(container).toBeEmptyDOMElement();
  });
});
