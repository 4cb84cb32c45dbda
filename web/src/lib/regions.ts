/** The supplier's regions (`GET /regions`, public), asked once per visit. */

import { useEffect, useState } from "react";

import { api, messageOf } from "../api/client";
import type { Region } from "../api/types";

let cached: Promise<Region[]> | null = null;

export function loadRegions(): Promise<Region[]> {
  if (!cached) {
    cached = api.get<Region[]>("/regions", { refresh: false }).then(byPlace, (error) => {
      cached = null;
      throw error;
    });
  }
  return cached;
}

export function useRegions(): { regions: Region[]; error: string | null; loading: boolean } {
  const [regions, setRegions] = useState<Region[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    let live = true;
    loadRegions()
      .then((found) => live && setRegions(found))
      .catch((caught) => live && setError(messageOf(caught)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, []);
  return { regions, error, loading };
}

/** By the place's own name, so «Городской округ Симферополь» and «Симферопольский район» stand
 * together, as a person looking for either expects. */
export function byPlace(regions: Region[]): Region[] {
  const place = (name: string) => name.replace(/^Городской округ\s+/, "");
  return [...regions].sort((a, b) => place(a.name).localeCompare(place(b.name), "ru"));
}

export function regionName(regions: Region[], code: string): string {
  return regions.find((r) => r.code === code)?.name ?? code;
}
