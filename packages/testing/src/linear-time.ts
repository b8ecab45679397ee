/**
 * Checks that `run` scales linearly: times it (fastest of 7, the least noisy estimate) on an input of `size` and
 * of `factor·size` characters (default 128 KiB and 1 MiB) and fails when the larger input takes more than
 * `maxRatio` times as long. Linear work gives about `factor` (8); quadratic work gives `factor²` (64); the default
 * bound, 3·factor (24), leaves room for garbage-collection noise on a busy machine and still catches quadratic
 * behaviour. A ratio, not a time budget: it holds on a slow machine. Runs `global.gc()` between samples when
 * Node was started with `--expose-gc`.
 */
export function expectLinearTime(
  run: (input: string) => unknown,
  makeInput: (size: number) => string,
  options: { size?: number; factor?: number; maxRatio?: number } = {},
): { small: number; large: number; ratio: number } {
  const size = options.size ?? 128 * 1024;
  const factor = options.factor ?? 8;
  const maxRatio = options.maxRatio ?? factor * 3;
  const smallInput = makeInput(size);
  const largeInput = makeInput(size * factor);
  const collect = (globalThis as { gc?: () => void }).gc;
  const time = (input: string) => {
    const samples: number[] = [];
    for (let i = 0; i < 7; i++) {
      collect?.();
      const started = performance.now();
      run(input);
      samples.push(performance.now() - started);
    }
    return Math.min(...samples);
  };
  time(smallInput);
  // Sub-millisecond timings are noise: floor them at 0.5 ms before taking the ratio.
  const small = Math.max(time(smallInput), 0.5);
  const large = Math.max(time(largeInput), 0.5);
  const ratio = large / small;
  if (ratio > maxRatio) {
    throw new Error(
      `not linear: ${size} chars took ${small.toFixed(2)} ms, ${size * factor} chars took ${large.toFixed(2)} ms (×${ratio.toFixed(1)} > ×${maxRatio})`,
    );
  }
  return { small, large, ratio };
}
