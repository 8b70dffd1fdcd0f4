import { renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useAttemptKey } from './use-attempt-key';

describe('useAttemptKey', () => {
  it('reuses the key for the same seats until the attempt ends', () => {
    const { result, rerender } = renderHook(() => useAttemptKey());
    const first = result.current.keyFor([1, 2]);
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    rerender();
    expect(result.current.keyFor([1, 2])).toBe(first);
    const other = result.current.keyFor([1]);
    expect(other).not.toBe(first);
    result.current.end();
    expect(result.current.keyFor([1])).not.toBe(other);
  });
});
