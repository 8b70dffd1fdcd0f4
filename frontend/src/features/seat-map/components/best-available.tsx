import { useId, useState, type FormEvent } from 'react';
import type { BestRequest } from '../hooks/use-seat-actions';

export interface BestAvailableProps {
  /** How many more seats this viewer may hold (the show's limit less the seats already held). */
  max: number;
  /** The categories the show sells; a choice only when there is more than one. */
  categories: { id: number; name: string }[];
  /** The hall has wheelchair spaces. */
  wheelchair: boolean;
  pending: boolean;
  onHold: (request: BestRequest) => void;
}

/** "Best available: [n] seats": the server finds the best block for the party and holds it. */
export function BestAvailable({ max, categories, wheelchair, pending, onHold }: BestAvailableProps) {
  const id = useId();
  const [wanted, setWanted] = useState(2);
  const [category, setCategory] = useState('');
  const [accessible, setAccessible] = useState(false);
  // Holding seats lowers the limit: never offer more than may still be held.
  const quantity = Math.max(1, Math.min(wanted, max));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onHold({ quantity, accessible, ...(category ? { category: Number(category) } : {}) });
  };

  return (
    <form className="best-available" aria-label="Best available" onSubmit={submit} data-testid="best-available">
      <label htmlFor={`${id}-n`} className="best-available__label">
        Best available:
      </label>
      <select
        id={`${id}-n`}
        value={quantity}
        onChange={(e) => setWanted(Number(e.target.value))}
        disabled={max < 1}
        data-testid="best-available-quantity"
      >
        {Array.from({ length: Math.max(1, max) }, (_, i) => i + 1).map((n) => (
          <option key={n} value={n}>
            {n} seat{n === 1 ? '' : 's'}
          </option>
        ))}
      </select>
      {categories.length > 1 ? (
        <select aria-label="Category" value={category} onChange={(e) => setCategory(e.target.value)} data-testid="best-available-category">
          <option value="">Any category</option>
          {categories.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      ) : null}
      {wheelchair ? (
        <label className="best-available__check">
          <input type="checkbox" checked={accessible} onChange={(e) => setAccessible(e.target.checked)} /> Wheelchair space
        </label>
      ) : null}
      <button type="submit" className="btn btn-small" disabled={pending || max < 1} data-testid="best-available-button">
        Hold best seats
      </button>
      {max < 1 ? <span className="muted small">You hold as many seats as you can for this show.</span> : null}
    </form>
  );
}
