/**
 * A/B winner selection: a two-proportion z-test on unique human opens (or
 * clicks) over recipients sent. The best variant wins only when its lead over
 * the runner-up is significant at the campaign's confidence; otherwise the
 * stated default wins. (Mautic picks the highest rate however small the gap.)
 */

export interface VariantOutcome {
  variantId: string;
  label: string;
  sent: number;
  successes: number;
}

export interface WinnerDecision {
  variantId: string;
  label: string;
  significant: boolean;
  z: number | null;
  pValue: number | null;
  reason: string;
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 for erf; |error| < 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Two-sided two-proportion z-test with a pooled standard error; null when undefined (no data, no variance). */
export function twoProportionZTest(
  a: { successes: number; trials: number },
  b: { successes: number; trials: number },
): { z: number; pValue: number } | null {
  if (a.trials === 0 || b.trials === 0) return null;
  const pooled = (a.successes + b.successes) / (a.trials + b.trials);
  const standardError = Math.sqrt(pooled * (1 - pooled) * (1 / a.trials + 1 / b.trials));
  if (standardError === 0) return null;
  const z = (a.successes / a.trials - b.successes / b.trials) / standardError;
  return { z, pValue: 2 * (1 - normalCdf(Math.abs(z))) };
}

export function chooseWinner(
  outcomes: VariantOutcome[],
  options: { defaultLabel: string; confidence: number; metric: 'opens' | 'clicks' },
): WinnerDecision {
  const fallback = outcomes.find((outcome) => outcome.label === options.defaultLabel) ?? outcomes[0];
  if (!fallback) throw new Error('no variants');
  const rate = (outcome: VariantOutcome) => (outcome.sent === 0 ? 0 : outcome.successes / outcome.sent);
  const ranked = [...outcomes].sort((left, right) => rate(right) - rate(left));
  const [best, runnerUp] = ranked;
  const test =
    best && runnerUp
      ? twoProportionZTest(
          { successes: best.successes, trials: best.sent },
          { successes: runnerUp.successes, trials: runnerUp.sent },
        )
      : null;
  const alpha = 1 - options.confidence;
  const describe = (outcome: VariantOutcome) => `${outcome.label} ${outcome.successes}/${outcome.sent}`;
  if (best && runnerUp && test && test.pValue < alpha && rate(best) > rate(runnerUp)) {
    return {
      variantId: best.variantId,
      label: best.label,
      significant: true,
      z: test.z,
      pValue: test.pValue,
      reason: `${best.label} wins on unique ${options.metric}: ${describe(best)} vs ${describe(runnerUp)}, z=${test.z.toFixed(2)}, p=${test.pValue.toFixed(4)} < ${alpha.toFixed(3)}`,
    };
  }
  return {
    variantId: fallback.variantId,
    label: fallback.label,
    significant: false,
    z: test?.z ?? null,
    pValue: test?.pValue ?? null,
    reason: `No significant difference on unique ${options.metric} (${outcomes.map(describe).join(', ')}${
      test ? `, p=${test.pValue.toFixed(4)}` : ''
    }): default variant ${fallback.label}`,
  };
}
