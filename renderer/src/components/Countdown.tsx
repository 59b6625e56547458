import { formatCountdown } from "../format.ts";
import { useNow } from "../hooks/use-now.ts";

/** Time left until `until`, ticking every second. */
export function Countdown({ until }: { until: number }) {
  const now = useNow(1000);
  const left = until - now;
  return (
    <span className="countdown" data-testid="cooldown-countdown" data-until={until} title={new Date(until).toLocaleString()}>
      {left > 0 ? formatCountdown(left) : "any moment now"}
    </span>
  );
}
