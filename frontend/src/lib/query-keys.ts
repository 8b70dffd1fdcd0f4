// Query keys that more than one feature reads or invalidates (features never import each other).

export const meQueryKey = ['auth', 'me'] as const;

export const bookingsQueryKey = ['bookings'] as const;

/** Every show's hall layout (prefix of hallLayoutQueryKey). */
export const hallLayoutsQueryKey = ['hall-layout'] as const;

export const hallLayoutQueryKey = (showId: number) => [...hallLayoutsQueryKey, showId] as const;
