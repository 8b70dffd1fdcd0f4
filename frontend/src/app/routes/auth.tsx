import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { LoginForm, RegisterForm, safeNext } from '@/features/auth/components/auth-form';
import { useUser } from '@/lib/auth';
import { useDocumentTitle } from '@/components/use-document-title';

export function LoginRoute() {
  useDocumentTitle('Sign in');
  return (
    <div className="auth-page">
      <LoginForm />
    </div>
  );
}

export function RegisterRoute() {
  useDocumentTitle('Create an account');
  return (
    <div className="auth-page">
      <RegisterForm />
    </div>
  );
}

/** Renders children for signed-in users, otherwise sends them to sign in. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { data: user, isPending } = useUser();
  const location = useLocation();
  if (isPending) {
    return (
      <p className="loading" role="status">
        Loading…
      </p>
    );
  }
  if (!user) {
    const next = safeNext(location.pathname + location.search);
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <>{children}</>;
}
