// The doctor's usage line from one reading: what each kind of answer reads as.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { QuotaFigures } from "../../../app/base/quota.ts";
import { usageLine } from "../../../app/doctor/check-usage.ts";
import { quotaFigures } from "../../support/quota-figures.ts";

const READ = Date.UTC(2031, 1, 20, 8, 0);
const RESETS = Date.UTC(2031, 2, 14, 9, 30);
const figures = (over: Partial<QuotaFigures> = {}): QuotaFigures => quotaFigures({ autoPercentUsed: 40, apiPercentUsed: 100, cycleEnd: RESETS, ...over });

test("a used-up pool names its reset; on-demand room means it is not used up", () => {
  assert.equal(usageLine(figures(), READ), "Pro plan; Auto 40% used; API 100% used; resets 2031-03-14; API pool used up until 2031-03-14; read 2031-02-20T08:00:00.000Z");
  assert.equal(
    usageLine(figures({ onDemand: { limitCents: 2000, remainingCents: 750 } }), READ),
    "Pro plan; Auto 40% used; API 100% used; on-demand $12.50 of $20.00; resets 2031-03-14; read 2031-02-20T08:00:00.000Z",
  );
});

test("unknown figures and an untracked account say so", () => {
  assert.equal(
    usageLine(figures({ plan: null, apiPercentUsed: null, cycleEnd: null }), READ),
    "unknown plan; Auto 40% used; API use unknown; reset date unknown; read 2031-02-20T08:00:00.000Z",
  );
  assert.equal(usageLine(figures({ enabled: false, plan: "Free" }), READ), "Cursor does not track usage for this account (Free plan); read 2031-02-20T08:00:00.000Z");
});
