import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { isApiError, errorMessage } from '@/lib/api-client';
import { Field } from '@/components/field';
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
      <Field
        label="Username"
        name="username"
        autoComplete="username"
        autoCapitalize="none"
        required
        value={username}
        onChange={(e) => setUsername(e.target.value)}
      />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
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
  const otherErrors = Object.entries(fieldErrors)
    .filter(([k]) => !['username', 'password', 'email'].includes(k))
    .flatMap(([, v]) => v);

  return (
    <form className="card auth-card" onSubmit={onSubmit} noValidate>
      <h1>Create an account</h1>
      <Field
        label="Username"
        name="username"
        autoComplete="username"
        autoCapitalize="none"
        required
        value={username}
        errors={fieldErrors.username}
        onChange={(e) => setUsername(e.target.value)}
      />
      <Field
        label="Email (optional)"
        name="email"
        type="email"
        autoComplete="email"
        value={email}
        errors={fieldErrors.email}
        onChange={(e) => setEmail(e.target.value)}
      />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        value={password}
        errors={fieldErrors.password}
        onChange={(e) => setPassword(e.target.value)}
      />
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
