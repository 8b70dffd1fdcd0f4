import type { Seat } from '@/types/api';
import { totalText, type Pricing } from '../utils/pricing';

/**
 * What the seats cost at their listed prices, with how many they are. An <output> (a polite live
 * region), so a screen reader hears the new total as seats are picked.
 */
export function SelectionTotal({ seats, pricing, held = false }: { seats: readonly Seat[]; pricing: Pricing; held?: boolean }) {
  const total = totalText(seats, pricing);
  const count = `${seats.length} ${held ? 'held ' : ''}seat${seats.length === 1 ? '' : 's'}`;
  const label = total === null ? undefined : `Total for ${count}: ${total}`;
  return (
    <output className="selection-total" data-testid="selection-total" aria-label={label}>
      {total === null ? null : (
        <>
          Total <strong className="selection-total__amount">{total}</strong> <span className="muted">for {count}</span>
        </>
      )}
    </output>
  );
}
