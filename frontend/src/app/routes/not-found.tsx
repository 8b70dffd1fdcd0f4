import { Link } from 'react-router';

export function NotFoundRoute() {
  return (
    <div className="card empty-state">
      <h1>Page not found</h1>
      <p>
        <Link to="/" className="btn btn-primary">
          Back to shows
        </Link>
      </p>
    </div>
  );
}
