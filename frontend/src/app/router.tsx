import { Route, Routes } from 'react-router';
import { Layout } from '@/components/layout';
import { BookingsRoute } from './routes/bookings';
import { LoginRoute, RegisterRoute } from './routes/auth';
import { NotFoundRoute } from './routes/not-found';
import { ShowSeatsRoute } from './routes/show-seats';
import { ShowsRoute } from './routes/shows';

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<ShowsRoute />} />
        <Route path="shows/:showId" element={<ShowSeatsRoute />} />
        <Route path="login" element={<LoginRoute />} />
        <Route path="register" element={<RegisterRoute />} />
        <Route path="bookings" element={<BookingsRoute />} />
        <Route path="*" element={<NotFoundRoute />} />
      </Route>
    </Routes>
  );
}
