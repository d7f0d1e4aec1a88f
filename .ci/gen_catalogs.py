#!/usr/bin/env python3
"""Generates the shipped catalog data files in app/data/catalogs/ from the
identifier index in ../shared/reference/iec62443-index.json.

Only identifiers, short public titles and structural facts are taken. The
one-line descriptions are Pactline's own, composed from those facts: they say
where an item sits and when it applies, never what the standard requires.
Re-run after the index changes and bump VERSION: the server adds a new catalog
version and profiles keep pointing at the old one.
"""
import json
import pathlib
import sys

VERSION = 1
ROOT = pathlib.Path(__file__).resolve().parent.parent
INDEX = ROOT.parent / "shared" / "reference" / "iec62443-index.json"
OUT = ROOT / "app" / "data" / "catalogs"

CATALOGS = {
    "2-1": ("iec-62443-2-1", "IEC 62443-2-1:2024", "Security program requirements for IACS asset owners", "asset_owner"),
    "3-2": ("iec-62443-3-2", "IEC 62443-3-2:2020", "Security risk assessment for system design (zones and conduits)", "asset_owner"),
    "2-4": ("iec-62443-2-4", "IEC 62443-2-4:2023", "Security program requirements for IACS service providers", "service_provider"),
    "3-3": ("iec-62443-3-3", "IEC 62443-3-3:2013", "System security requirements and security levels", "service_provider"),
    "4-1": ("iec-62443-4-1", "IEC 62443-4-1:2018", "Secure product development lifecycle requirements", "product_supplier"),
    "4-2": ("iec-62443-4-2", "IEC 62443-4-2:2019", "Technical security requirements for IACS components", "product_supplier"),
}


def levels(sl):
    if sl is None:
        return None
    if not sl:
        return "not required at any security level"
    return f"required from SL {min(sl)}"


def describe(r, by_id):
    part, kind = r["part"], r["kind"]
    area = f'{r["group"]} ({r["group_title"]})'
    if part == "2-1":
        if kind == "SPE":
            return "Security program element of the asset owner; its requirements are rated by maturity level (ML1 to ML4)."
        if kind == "SPE-group":
            return f"Group of program requirements in {area}."
        return f'Asset-owner program requirement in group {r["parent"]} of {area}; rated by maturity level.'
    if part == "3-2":
        if kind == "ZCR-group":
            return "Step of the zone and conduit design and risk assessment process."
        return f"Requirement of step {area} in the zone and conduit design and risk assessment process."
    if part == "2-4":
        base = "Base requirement" if kind == "BR" else f'Enhancement of {r["parent"]}'
        return f"{base} in functional area {area}. No public title exists: add your own wording from your copy of IEC 62443-2-4."
    if part == "4-1":
        return f"Development-process requirement of practice {area}; rated by maturity level."
    if kind == "CCSC":
        return "Common component security constraint that applies to every component type."
    types = ", ".join(r["component_types"] or []) or "no component type"
    when = levels(r["sl"])
    if kind == "RE":
        parent = by_id.get(r["parent"], {})
        text = f'Enhancement of {r["parent"]} ({parent.get("title", "")}); {when or "level not graded"}'
    elif part == "4-2" and r["sl"] is None and kind == "CR":
        text = f"Clause heading in {area}; the requirement is stated per component type ({types})"
    elif r["sl"] == []:
        text = f"Clause heading in {area}; the component types carry the requirement" if r["component_types"] else f"Clause heading in {area}; no component-level requirement"
    else:
        scope = "system requirement" if part == "3-3" else ("requirement for " + types)
        text = f"{scope[0].upper() + scope[1:]} in {area}; {when or 'level not graded'}"
    if part == "4-2" and kind == "RE":
        text += f"; applies to {types}"
    return text + "."


def main():
    index = json.loads(INDEX.read_text())
    OUT.mkdir(parents=True, exist_ok=True)
    for part, (key, name, title, party) in CATALOGS.items():
        rows = [r for r in index if r["part"] == part]
        by_id = {r["id"]: r for r in rows}
        reqs = []
        for r in rows:
            reqs.append({
                "ref_id": r["id"],
                "kind": r["kind"],
                "group": r["group"],
                "group_title": r["group_title"],
                "title": r["title"],
                "description": describe(r, by_id),
                "parent": r["parent"],
                "sl": r["sl"],
                "component_types": r["component_types"],
                "verified": r["verified"],
            })
        doc = {
            "key": key,
            "version": VERSION,
            "name": f"{name} {title}",
            "part": part,
            "applies_to": party,
            "source": "Identifiers, short titles and structure from Pactline's IEC 62443 identifier index (see shared/reference); descriptions are Pactline's own.",
            "requirements": reqs,
        }
        path = OUT / f"{key}.v{VERSION}.json"
        path.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
        print(f"{path.relative_to(ROOT)}: {len(reqs)} requirements", file=sys.stderr)


if __name__ == "__main__":
    main()
