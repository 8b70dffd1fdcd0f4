import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { BestAvailable, type BestAvailableProps } from './best-available';

function renderControl(props: Partial<BestAvailableProps> = {}) {
  const onHold = vi.fn();
  render(<BestAvailable max={4} categories={[{ id: 1, name: 'Standard' }]} wheelchair={false} pending={false} onHold={onHold} {...props} />);
  return onHold;
}

const quantity = () => screen.getByRole('combobox', { name: 'Best available:' });

describe('BestAvailable', () => {
  it('asks for 1..max seats and holds the best block of that many', async () => {
    const user = userEvent.setup();
    const onHold = renderControl();
    expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['1 seat', '2 seats', '3 seats', '4 seats']);
    // One sold category, no wheelchair spaces: nothing more to choose.
    expect(screen.queryByRole('combobox', { name: 'Category' })).not.toBeInTheDocument();
    expect(screen.queryByRole('checkbox')).not.toBeInTheDocument();
    await user.selectOptions(quantity(), '4');
    await user.click(screen.getByRole('button', { name: 'Hold best seats' }));
    expect(onHold).toHaveBeenCalledWith({ quantity: 4, accessible: false });
  });

  it('offers a category when more than one is sold, and a wheelchair space when the hall has one', async () => {
    const user = userEvent.setup();
    const onHold = renderControl({
      categories: [
        { id: 1, name: 'Standard' },
        { id: 2, name: 'Premium' },
      ],
      wheelchair: true,
    });
    await user.selectOptions(screen.getByRole('combobox', { name: 'Category' }), 'Premium');
    await user.click(screen.getByRole('checkbox', { name: 'Wheelchair space' }));
    await user.selectOptions(quantity(), '2');
    await user.click(screen.getByRole('button', { name: 'Hold best seats' }));
    expect(onHold).toHaveBeenCalledWith({ quantity: 2, accessible: true, category: 2 });
  });

  it('never offers more than may still be held, and is off while a seat action runs', () => {
    renderControl({ max: 1, pending: true });
    expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['1 seat']);
    expect(quantity()).toHaveValue('1');
    expect(screen.getByRole('button', { name: 'Hold best seats' })).toBeDisabled();
  });
});
