import { useState, type FormEvent, type ReactNode } from 'react';
import { Link } from 'react-router';
import { isApiError, errorMessage } from '@/lib/api-client';
import { Field } from '@/components/field';
import { useLogin, useRegister } from '../api/auth';
import { useAuthSubmit } from '../hooks/use-auth-submit';

export { safeNext } from '../hooks/use-auth-submit';

interface AuthCardProps {
  title: string;
  onSubmit: (event: FormEvent) => void;
  /** The form-level error, or null for none. */
  alert: string | null;
  pending: boolean;
  submitLabel: string;
  pendingLabel: string;
  /** Where the other auth form lives, and how to offer it. */
  switchTo: { path: string; prompt: string; label: string; next: string };
  children: ReactNode;
}

/** The card both auth forms share: title, fields, error alert, submit and the link to the other form. */
function AuthCard({ title, onSubmit, alert, pending, submitLabel, pendingLabel, switchTo, children }: AuthCardProps) {
  const { path, prompt, label, next } = switchTo;
  return (
    <form className="card auth-card" onSubmit={onSubmit} noValidate>
      <h1>{title}</h1>
      {children}
      {alert !== null ? (
        <p className="alert alert-error" role="alert">
          {alert}
        </p>
      ) : null}
      <button type="submit" className="btn btn-primary btn-block" disabled={pending}>
        {pending ? pendingLabel : submitLabel}
      </button>
      <p className="muted">
        {prompt} <Link to={`${path}${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`}>{label}</Link>
      </p>
    </form>
  );
}

export function LoginForm() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { next, onSubmit, error, pending } = useAuthSubmit(useLogin(), () => ({ username: username.trim(), password }));

  return (
    <AuthCard
      title="Sign in"
      onSubmit={onSubmit}
      alert={
        error
          ? isApiError(error) && error.code === 'invalid_credentials'
            ? 'Wrong username or password.'
            : errorMessage(error)
          : null
      }
      pending={pending}
      submitLabel="Sign in"
      pendingLabel="Signing in…"
      switchTo={{ path: '/register', prompt: 'New here?', label: 'Create an account', next }}
    >
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
    </AuthCard>
  );
}

export function RegisterForm() {
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { next, onSubmit, error, pending } = useAuthSubmit(useRegister(), () => ({
    username: username.trim(),
    password,
    email: email.trim() || undefined,
  }));

  const fieldErrors = isApiError(error) ? (error.errors ?? {}) : {};
  const otherErrors = Object.entries(fieldErrors)
    .filter(([k]) => !['username', 'password', 'email'].includes(k))
    .flatMap(([, v]) => v);

  return (
    <AuthCard
      title="Create an account"
      onSubmit={onSubmit}
      alert={
        error && (!isApiError(error) || !error.errors || otherErrors.length)
          ? otherErrors.length
            ? otherErrors.join(' ')
            : errorMessage(error)
          : null
      }
      pending={pending}
      submitLabel="Create account"
      pendingLabel="Creating account…"
      switchTo={{ path: '/login', prompt: 'Already have an account?', label: 'Sign in', next }}
    >
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
    </AuthCard>
  );
}
