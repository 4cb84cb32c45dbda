import { describe, expect, it } from "vitest";

import { byPlace } from "./regions";

describe("the region list", () => {
  it("stands a city district beside the district named after it, by the place's own name", () => {
    const names = byPlace(
      ["Городской округ Ялта", "Симферопольский район", "Бахчисарайский район", "Городской округ Симферополь", "Городской округ Алушта"].map(
        (name, i) => ({ code: String(i), name }),
      ),
    ).map((r) => r.name);
    expect(names).toEqual(["Городской округ Алушта", "Бахчисарайский район", "Городской округ Симферополь", "Симферопольский район", "Городской округ Ялта"]);
  });
});
