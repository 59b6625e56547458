import type { TokenCounts } from "../../../app/base/control-api.ts";
import { exactNumber, formatTokens } from "../format.ts";

const KINDS = [
  ["input", "In"],
  ["output", "Out"],
  ["cacheRead", "Cache read"],
] as const;
const TESTID: Record<(typeof KINDS)[number][0], string> = { input: "input", output: "output", cacheRead: "cache" };

export function TokenCounters({ today, total }: { today: TokenCounts; total: TokenCounts }) {
  return (
    <table className="tokens">
      <caption className="sr-only">Tokens</caption>
      <thead>
        <tr>
          <th scope="col">
            <span className="sr-only">Period</span>
          </th>
          {KINDS.map(([, label]) => (
            <th scope="col" key={label}>
              {label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {(
          [
            ["today", "Today", today],
            ["total", "Total", total],
          ] as const
        ).map(([period, label, counts]) => (
          <tr key={period}>
            <th scope="row">{label}</th>
            {KINDS.map(([kind]) => (
              <td key={kind} data-testid={`tokens-${period}-${TESTID[kind]}`} data-value={counts[kind]} title={`${exactNumber(counts[kind])} tokens`}>
                {formatTokens(counts[kind])}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
