// Tokens per minute over the last hour as 60 bars, oldest on the left. Hand-made SVG.
import { exactNumber, formatTokens } from "../format.ts";

const W = 240;
const H = 48;
const BAR = W / 60;

export function TokenChart({ perMinute }: { perMinute: number[] }) {
  const values = perMinute.slice(-60);
  while (values.length < 60) values.unshift(0);
  const max = Math.max(0, ...values);
  const total = values.reduce((a, b) => a + b, 0);
  const label =
    total === 0
      ? "No tokens in the last hour"
      : `Tokens per minute over the last hour: ${exactNumber(total)} in all, at most ${exactNumber(max)} in one minute`;
  return (
    <figure className="chart" data-testid="token-chart" data-total={total}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} preserveAspectRatio="none">
        <line x1="0" y1={H - 0.5} x2={W} y2={H - 0.5} className="chart-axis" />
        {max > 0 &&
          values.map((v, i) => {
            if (v <= 0) return null;
            const h = Math.max(1.5, (v / max) * (H - 4));
            return (
              <rect key={i} x={i * BAR + 0.4} y={H - h} width={BAR - 0.8} height={h} rx="0.8" className="chart-bar">
                <title>{`${60 - i} min ago: ${exactNumber(v)} tokens`}</title>
              </rect>
            );
          })}
      </svg>
      {total === 0 && (
        <p className="chart-empty" aria-hidden="true">
          No tokens in the last hour
        </p>
      )}
      <figcaption>
        <span>last hour</span>
        <span>{total === 0 ? "idle" : `peak ${formatTokens(max)}/min`}</span>
      </figcaption>
    </figure>
  );
}
