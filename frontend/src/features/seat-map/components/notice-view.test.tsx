import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Notice } from '../utils/notice';
import { NoticeView } from './notice-view';

function show(notice: Notice | null, pending = false) {
  const props = { signIn: vi.fn(), onDismiss: vi.fn(), pending };
  render(<NoticeView notice={notice} {...props} />);
  return props;
}

describe('NoticeView', () => {
  it('renders nothing without a notice', () => {
    const { container } = render(<NoticeView notice={null} signIn={vi.fn()} onDismiss={vi.fn()} pending={false} />);
    expect(container).toBeEmptyDOMElement();
  });

  it('announces the limit and info notices politely', () => {
    show({ kind: 'limit', max: 4 });
    expect(screen.getByRole('status')).toHaveTextContent('You can select up to 4 seats for this show.');
    expect(screen.getByTestId('limit-message')).toHaveClass('alert', 'alert-info');
    cleanup();
    show({ kind: 'info', text: 'Your hold was cancelled.' });
    expect(screen.getByRole('status')).toHaveTextContent('Your hold was cancelled.');
  });

  it('offers Try again on a retryable conflict (disabled while busy), otherwise Dismiss', async () => {
    const user = userEvent.setup();
    const retry = vi.fn();
    show({ kind: 'conflict', text: 'Busy.', retry }, true);
    expect(screen.getByRole('button', { name: 'Try again' })).toBeDisabled();
    const { onDismiss } = show({ kind: 'conflict', text: 'Taken.' });
    await user.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(onDismiss).toHaveBeenCalled();
  });

  it('errors offer Retry only when there is something to retry', async () => {
    const user = userEvent.setup();
    const retry = vi.fn();
    show({ kind: 'error', text: 'Down.', retry });
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(retry).toHaveBeenCalled();
  });

  it('sends signed-out users to sign in and says when a hold expired', async () => {
    const user = userEvent.setup();
    const { signIn } = show({ kind: 'auth' });
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(signIn).toHaveBeenCalled();
    show({ kind: 'expired' });
    expect(screen.getByTestId('hold-expired')).toHaveTextContent('Your hold expired');
  });
});
