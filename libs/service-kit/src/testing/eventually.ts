/**
 * Polls `read` (no fixed sleep: 10 ms doubling to 200 ms) until `check` stops throwing, for what
 * becomes true in the background (projections, dispatchers, relays); past `timeoutMs` the last
 * failure of `check` is thrown.
 */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => void, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    const value = await read();
    try {
      check(value);
      return value;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
