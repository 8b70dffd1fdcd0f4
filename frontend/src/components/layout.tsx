import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { useLogout, useUser } from '@/lib/auth';

export function Layout() {
  const { data: user } = useUser();
  const logoutMutation = useLogout();
  const navigate = useNavigate();
  const { pathname } = useLocation();

  return (
    <div className="app">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar__inner">
          <Link to="/" className="brand" aria-label="Boxoffice home">
            <svg className="brand__mark" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true">
              <rect width="32" height="32" rx="8" fill="currentColor" />
              <path d="M9 12h14v8a2 2 0 0 1-2 2H11a2 2 0 0 1-2-2z" fill="#fff" />
              <rect x="8" y="9" width="16" height="4" rx="1.5" fill="#fde68a" />
            </svg>
            Boxoffice
          </Link>
          <nav className="nav" aria-label="Main">
            <NavLink to="/" end>
              Shows
            </NavLink>
            {user ? <NavLink to="/bookings">My bookings</NavLink> : null}
          </nav>
          <div className="account">
            {user ? (
              <>
                <span className="account__name" data-testid="current-user">
                  {user.username}
                </span>
                <button
                  type="button"
                  className="btn btn-small btn-ghost"
                  disabled={logoutMutation.isPending}
                  onClick={() => logoutMutation.mutate(undefined, { onSettled: () => void navigate('/') })}
                >
                  Sign out
                </button>
              </>
            ) : user === null && pathname !== '/login' ? (
              <Link to="/login" className="btn btn-small btn-primary">
                Sign in
              </Link>
            ) : null}
          </div>
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
