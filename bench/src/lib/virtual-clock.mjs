// A discrete-event clock for the fleet simulation: a binary heap of timers, time jumps from one due time to the
// next, and every promise reaction is drained (one macrotask turn) after each batch of timers that fall due at the
// same instant. It implements core's Clock interface, so the REAL cached() runs on it unchanged.

export function createVirtualClock(start = 0) {
  let now = start;
  let seq = 0;
  let reads = 0;
  const heap = [];

  const less = (a, b) => a.due < b.due || (a.due === b.due && a.seq < b.seq);
  const push = (t) => {
    heap.push(t);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(heap[i], heap[p])) break;
      [heap[i], heap[p]] = [heap[p], heap[i]];
      i = p;
    }
  };
  const pop = () => {
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l], heap[m])) m = l;
        if (r < heap.length && less(heap[r], heap[m])) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
    return top;
  };
  const drain = () => new Promise((resolve) => setImmediate(resolve));

  return {
    get reads() {
      return reads;
    },
    get pending() {
      return heap.length;
    },
    now() {
      reads++;
      return now;
    },
    /** Current virtual time without counting a read (for the simulation's own bookkeeping). */
    peekTime: () => now,
    setTimer(callback, delayMs) {
      const timer = {
        due: now + Math.max(0, Number.isFinite(delayMs) ? delayMs : Number.MAX_SAFE_INTEGER),
        seq: seq++,
        callback,
        cancelled: false,
      };
      push(timer);
      return timer;
    },
    clearTimer(handle) {
      if (handle && typeof handle === "object") handle.cancelled = true;
    },
    /** Runs every timer due up to `until` (virtual ms), draining promise reactions after each instant. */
    async runUntil(until) {
      await drain();
      while (heap.length > 0 && heap[0].due <= until) {
        const due = heap[0].due;
        now = Math.max(now, due);
        while (heap.length > 0 && heap[0].due === due) {
          const t = pop();
          if (!t.cancelled) t.callback();
        }
        await drain();
      }
      now = Math.max(now, until);
      await drain();
    },
  };
}
