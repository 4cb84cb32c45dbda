"""`GET /regions`: the supplier's 14 districts and 11 city districts of Crimea, public."""

from __future__ import annotations

import re

import httpx


async def test_regions_are_public_and_are_the_14_districts_and_11_city_districts(api: httpx.AsyncClient) -> None:
    response = await api.get("/regions")

    assert response.status_code == 200
    regions = response.json()
    assert len(regions) == 25
    assert all(set(region) == {"code", "name"} for region in regions)
    districts = [r["name"] for r in regions if r["name"].endswith(" район")]
    cities = [r["name"].removeprefix("Городской округ ") for r in regions if r["name"].startswith("Городской округ ")]
    assert len(districts) == 14
    assert {"Бахчисарайский район", "Черноморский район", "Симферопольский район"} <= set(districts)
    expected = "Алушта Армянск Джанкой Евпатория Керчь Красноперекопск Саки Симферополь Судак Феодосия Ялта"
    assert sorted(cities) == sorted(expected.split())


async def test_region_codes_are_stable_latin_snake_case(api: httpx.AsyncClient) -> None:
    codes = {r["code"]: r["name"] for r in (await api.get("/regions")).json()}

    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", code) for code in codes)
    assert codes["simferopol"] == "Городской округ Симферополь"
    assert codes["simferopolsky_district"] == "Симферопольский район"
    assert codes["yalta"] == "Городской округ Ялта"
