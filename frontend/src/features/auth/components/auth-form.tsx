import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { isApiError, errorMessage } from '@/lib/api-client';
import { useLogin, useRegister } from '../api/auth';

/** Only allow in-app redirects after sign-in. */
export function safeNext(next: string | null): string {
  if (next && next.startsWith('/') && !next.startsWith('//')) return next;
  return '/';
}

export function LoginForm() {
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const navigate = useNavigate();
  const loginMutation = useLogin();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (loginMutation.isPending) return;
    loginMutation.mutate(
      { username: username.trim(), password },
      { onSuccess: () => void navigate(next, { replace: true }) },
    );
  };

  const error = loginMutation.error;
  return (
    <form className="card auth-card" onSubmit={onSubmit} noValidate>
      <h1>Sign in</h1>
      <p className="hint" data-testid="demo-hint">
        Demo account: <code>demo</code> / <code>demo12345</code>
      </p>
      <label className="field">
        <span>Username</span>
        <input
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          required
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
      </label>
      <label className="field">
        <span>Password</span>
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      {error ? (
        <p className="alert alert-error" role="alert">
          {isApiError(error) && error.code === 'invalid_credentials'
            ? 'Wrong username or password.'
            : errorMessage(error)}
        </p>
      ) : null}
      <button type="submit" className="btn btn-primary btn-block" disabled={loginMutation.isPending}>
        {loginMutation.isPending ? 'Signing in…' : 'Sign in'}
      </button>
      <p className="muted">
        New here? <Link to={`/register${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`}>Create an account</Link>
      </p>
    </form>
  );
}

export function RegisterForm() {
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const navigate = useNavigate();
  const registerMutation = useRegister();
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (registerMutation.isPending) return;
    registerMutation.mutate(
      { username: username.trim(), password, email: email.trim() || undefined },
      { onSuccess: () => void navigate(next, { replace: true }) },
    );
  };

  const error = registerMutation.error;
  const fieldErrors = isApiError(error) ? (error.errors ?? {}) : {};
  const fieldError = (name: string) =>
    fieldErrors[name]?.length ? (
      <span className="field-error" id={`${name}-error`}>
        {fieldErrors[name]!.join(' ')}
      </span>
    ) : null;
  const otherErrors = Object.entries(fieldErrors)
    .filter(([k]) => !['username', 'password', 'email'].includes(k))
    .flatMap(([, v]) => v);

  return (
    <form className="card auth-card" onSubmit={onSubmit} noValidate>
      <h1>Create an account</h1>
      <label className="field">
        <span>Username</span>
        <input
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          required
          value={username}
          aria-invalid={fieldErrors.username ? true : undefined}
          aria-describedby={fieldErrors.username ? 'username-error' : undefined}
          onChange={(e) => setUsername(e.target.value)}
        />
        {fieldError('username')}
      </label>
      <label className="field">
        <span>Email (optional)</span>
        <input
          name="email"
          type="email"
          autoComplete="email"
          value={email}
          aria-invalid={fieldErrors.email ? true : undefined}
          aria-describedby={fieldErrors.email ? 'email-error' : undefined}
          onChange={(e) => setEmail(e.target.value)}
        />
        {fieldError('email')}
      </label>
      <label className="field">
        <span>Password</span>
        <input
          name="password"
          type="password"
          autoComplete="new-password"
          required
          value={password}
          aria-invalid={fieldErrors.password ? true : undefined}
          aria-describedby={fieldErrors.password ? 'password-error' : undefined}
          onChange={(e) => setPassword(e.target.value)}
        />
        {fieldError('password')}
      </label>
      {error && (!isApiError(error) || !error.errors || otherErrors.length) ? (
        <p className="alert alert-error" role="alert">
          {otherErrors.length ? otherErrors.join(' ') : errorMessage(error)}
        </p>
      ) : null}
      <button type="submit" className="btn btn-primary btn-block" disabled={registerMutation.isPending}>
        {registerMutation.isPending ? 'Creating account…' : 'Create account'}
      </button>
      <p className="muted">
        Already have an account? <Link to={`/login${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`}>Sign in</Link>
      </p>
    </form>
  );
}
