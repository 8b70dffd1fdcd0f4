import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { json, mockFetch, renderWithProviders } from '@/testing/test-utils';
import { LoginForm, RegisterForm, safeNext } from './auth-form';

describe('auth forms', () => {
  beforeEach(() => {
    document.cookie = 'csrftoken=tok; path=/';
  });

  it('signs in with labelled inputs and shows the demo hint', async () => {
    const user = userEvent.setup();
    const { requests } = mockFetch(() => json(200, { id: 1, username: 'demo', token: 't' }));
    const { client } = renderWithProviders(<LoginForm />, { route: '/signin', path: '/signin' });
    expect(screen.getByTestId('demo-hint')).toHaveTextContent('demo / demo12345');
    await user.type(screen.getByLabelText('Username'), 'demo');
    await user.type(screen.getByLabelText('Password'), 'demo12345');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(requests[0]).toMatchObject({ url: '/api/auth/login/', method: 'POST', body: { username: 'demo', password: 'demo12345' } });
    expect(client.getQueryData(['auth', 'me'])).toEqual({ id: 1, username: 'demo' });
  });

  it('explains invalid credentials', async () => {
    const user = userEvent.setup();
    mockFetch(() => json(401, { detail: 'Invalid username or password.', code: 'invalid_credentials' }));
    renderWithProviders(<LoginForm />, { route: '/signin', path: '/signin' });
    await user.type(screen.getByLabelText('Username'), 'demo');
    await user.type(screen.getByLabelText('Password'), 'nope');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong username or password.');
  });

  it('shows per-field registration errors', async () => {
    const user = userEvent.setup();
    mockFetch(() => json(409, { detail: 'That username is taken.', code: 'username_taken', errors: { username: ['Username taken.'] } }));
    renderWithProviders(<RegisterForm />, { route: '/signup', path: '/signup' });
    await user.type(screen.getByLabelText('Username'), 'demo');
    await user.type(screen.getByLabelText('Password'), 'longpassword1');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByText('Username taken.')).toBeInTheDocument();
    expect(screen.getByLabelText('Username')).toHaveAttribute('aria-invalid', 'true');
  });

  it('only redirects within the app', () => {
    expect(safeNext('/shows/3')).toBe('/shows/3');
    expect(safeNext('//evil.example')).toBe('/');
    expect(safeNext('https://evil.example')).toBe('/');
    expect(safeNext(null)).toBe('/');
  });
});
