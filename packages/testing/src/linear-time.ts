/**
 * Checks that `run` scales linearly: times it (fastest of 7, the least noisy estimate) on an input of `size` and of `4·size` characters
 * and fails when the larger input takes more than `maxRatio` (default 10) times as long — linear work gives
 * about 4, quadratic work about 16. A ratio, not a time budget: it holds on a slow or a busy machine.
 */
export function expectLinearTime(
  run: (input: string) => unknown,
  makeInput: (size: number) => string,
  options: { size?: number; maxRatio?: number } = {},
): { small: number; large: number; ratio: number } {
  const size = options.size ?? 256 * 1024;
  const maxRatio = options.maxRatio ?? 10;
  const smallInput = makeInput(size);
  const largeInput = makeInput(size * 4);
  const time = (input: string) => {
    const samples: number[] = [];
    for (let i = 0; i < 7; i++) {
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
      `not linear: ${size} chars took ${small.toFixed(2)} ms, ${size * 4} chars took ${large.toFixed(2)} ms (×${ratio.toFixed(1)} > ×${maxRatio})`,
    );
  }
  return { small, large, ratio };
}
