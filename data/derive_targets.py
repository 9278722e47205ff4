#!/usr/bin/env python3
"""Derive the calibration targets of `esplab calibrate` from data/cases.csv and the observed shares.

Writes data/targets/acute.toml, chronic.toml, mcp.toml, iot.toml, web.toml, cards.toml and
all.toml, and for the
leave-one-technology-out check (docs/calibration.md) without-FAMILY.toml (every row but the
family's) and holdout-FAMILY.toml (the family's figures) for the families of the presets: mcp,
online-banking and iot. Each target is a statistic that esplab computes for a simulated run (see
docs/calibration.md), with the value read from the case table by the rule stated in its
`derivation` and the rows it used. A target needs at least two rows, except in a holdout file,
where one case is a figure to predict. Holdout files carry no literature target: it is not held
out. With --check, compares instead of writing and exits 1 if a file is stale.

The files of a technology whose preset has observed shares (mcp.toml and holdout-mcp.toml for
`mcp`, iot.toml and holdout-iot.toml for `iot-botnets`, web.toml for `web-https`, cards.toml for
`us-chip-cards`) also carry each of the preset's rows of
data/shares.csv as a `share` target: the share of the surveyed offering's deployments (or of the
whole market's) meeting the control on the survey's day, with the survey's sample size as its
uncertainty.

It also writes data/shares.csv: the points of data/security_series.csv that observe a preset's
control, each tied to the offering whose deployments it surveyed (or to the whole market), with
its sample size, its date as a day (a month's 15th, a year's 1 July) and how its control relates
to the preset's (SHARES below, with the reason for every choice). `esplab validate` reports
whether the shipped presets cover them. And data/revisions.csv: the dated revisions of the standard
a preset's standards body stands for (spec events of data/security_events.csv after the preset's
start), outcomes `esplab validate` compares with the simulated revisions.

Rules (the statistics measured from a salient incident use the group's acute rows only; the
chronic one uses its chronic rows):
- vendor_lag_months: median lag_months of the group's vendor_practice rows;
- standard_lag_months: median lag_months of its industry_standard rows;
- regulation_lag_months: median lag_months of its (acute) regulation rows;
- chronic_regulation_lag_months: median lag_months of its chronic regulation rows;
- no_response_share: share of the group's rows whose response_type is none;
- incident_log10_sd: sample standard deviation of log10 of the harmed count of each row whose
  incident_magnitude states one: a number (with an optional k or M) followed, within two words,
  by a unit of harmed entities (records, cards, profiles, customers, devices, adults, orgs);
  counts joined by '+' are summed. Exposure counts (servers, downloads, stars) do not count.
- victim_leave_share: not from the case table but from the literature (LITERATURE below, with
  its source), in every group.
"""
import csv
import io
import math
import re
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
UNITS = "records|cards|profiles|customers|devices|adults|orgs"
NUMBER = r"~?>?(\d[\d,]*(?:\.\d+)?)\s*([kM])?"
HARMED = re.compile(
    rf"((?:{NUMBER}\s+\w+\s*\+\s*)*{NUMBER}\s+(?:\w+\s+){{0,2}}?(?:{UNITS})\b)"
)
TERM = re.compile(NUMBER)
SCALE = {None: 1.0, "k": 1e3, "M": 1e6}

# The technology families of the presets: which rows describe the technology a preset models.
FAMILIES = {
    "mcp": ("the AI-agent tool protocol (MCP) rows C28-C37", lambda r: 28 <= int(r["case_id"][1:]) <= 37),
    "online-banking": ("the banking rows (C03, C04, C20)", lambda r: "banking" in r["technology"]),
    "iot": ("the consumer IoT rows (C10, C11)", lambda r: "IoT" in r["technology"]),
}


def without(family):
    member = FAMILIES[family][1]
    return lambda r: not member(r)


# The preset of each family whose observed shares (data/shares.csv) its files carry.
PRESETS = {"mcp": "mcp", "online-banking": "online-banking", "iot": "iot-botnets"}

# name: (description, row filter, least rows of a median target, with the literature targets,
# the preset whose observed shares it carries or None)
GROUPS = {
    "acute": ("acute rows of every technology in data/cases.csv", lambda r: r["chronic_or_acute"] == "acute", 2, True, None),
    "chronic": (
        "chronic rows of every technology in data/cases.csv",
        lambda r: r["chronic_or_acute"] == "chronic",
        2,
        True,
        None,
    ),
    "mcp": (
        "the AI-agent tool protocol (MCP) rows C28-C37 of data/cases.csv and the observed shares of mcp",
        FAMILIES["mcp"][1],
        2,
        True,
        "mcp",
    ),
    "iot": (
        "the consumer IoT rows (C10, C11) of data/cases.csv and the observed shares of iot-botnets",
        FAMILIES["iot"][1],
        2,
        True,
        "iot-botnets",
    ),
    "web": (
        "the observed shares of web-https (no row of data/cases.csv is about the web's move to HTTPS)",
        lambda r: False,
        2,
        False,
        "web-https",
    ),
    "cards": (
        "the observed shares of us-chip-cards (the case rows C07-C08 are about the response to the Target "
        "breach, not the merchants' share)",
        lambda r: False,
        2,
        False,
        "us-chip-cards",
    ),
    "all": (
        "every row of data/cases.csv (acute statistics from the acute rows, chronic from the chronic)",
        lambda r: True,
        2,
        True,
        None,
    ),
}
for family, (rows_text, member) in FAMILIES.items():
    GROUPS[f"without-{family}"] = (f"every row of data/cases.csv but {rows_text}", without(family), 2, True, None)
    GROUPS[f"holdout-{family}"] = (
        f"held-out figures: {rows_text} of data/cases.csv and the observed shares of {PRESETS[family]}",
        member,
        1,
        False,
        PRESETS[family],
    )


def harmed_count(magnitude):
    """The harmed count stated in an incident_magnitude, or None."""
    match = HARMED.search(magnitude)
    if not match:
        return None
    total = 0.0
    for number, scale in TERM.findall(match.group(1)):
        total += float(number.replace(",", "")) * SCALE[scale or None]
    return total


def lag(row):
    return float(row["lag_months"])


def median_target(rows, statistic, selector, derivation, least):
    chosen = [r for r in rows if selector(r) and r["lag_months"].strip()]
    if len(chosen) < least:
        return None
    return statistic, statistics.median(lag(r) for r in chosen), chosen, derivation


def targets(rows, least):
    chronic = [r for r in rows if r["chronic_or_acute"] == "chronic"]
    rows = [r for r in rows if r["chronic_or_acute"] == "acute"]
    out = [
        median_target(
            rows,
            "vendor_lag_months",
            lambda r: r["response_type"] == "vendor_practice",
            "median lag_months of the vendor_practice rows",
            least,
        ),
        median_target(
            rows,
            "standard_lag_months",
            lambda r: r["response_type"] == "industry_standard",
            "median lag_months of the industry_standard rows",
            least,
        ),
        median_target(
            rows,
            "regulation_lag_months",
            lambda r: r["response_type"] == "regulation",
            "median lag_months of the acute regulation rows",
            least,
        ),
        median_target(
            chronic,
            "chronic_regulation_lag_months",
            lambda r: r["response_type"] == "regulation",
            "median lag_months of the chronic regulation rows",
            least,
        ),
    ]
    if len(rows) >= 2:
        none = [r for r in rows if r["response_type"] == "none"]
        out.append(
            (
                "no_response_share",
                len(none) / len(rows),
                rows,
                f"share of rows with response_type none ({len(none)} of {len(rows)})",
            )
        )
    sized = [(r, harmed_count(r["incident_magnitude"])) for r in rows]
    sized = [(r, n) for r, n in sized if n]
    if len(sized) >= 3:
        logs = [math.log10(n) for _, n in sized]
        counts = ", ".join(f"{r['case_id']} {n:.4g}" for r, n in sized)
        out.append(
            (
                "incident_log10_sd",
                statistics.stdev(logs),
                [r for r, _ in sized],
                f"sample sd of log10 harmed counts ({counts})",
            )
        )
    return [t for t in out if t]


# Targets read from the literature rather than from the case table: statistic, value, source.
# They describe how users answer harm, in every technology, so every group carries them.
LITERATURE = [
    (
        "victim_leave_share",
        0.11,
        "RAND RR-1187 (Ablon, Heaton, Lavery and Romanosky 2016, rand.org/t/rr1187): 11% of a "
        "nationally representative sample of 2,038 US adults who recalled a breach notification "
        "stopped dealing with the affected company. The model counts victims who abandon the "
        "technology within 90 days; switching to a rival is not counted",
    ),
]


def render(name, description, rows, least, literature, shares):
    lines = [
        "# Calibration targets for `esplab calibrate --targets`, derived from data/cases.csv and",
        "# data/shares.csv by data/derive_targets.py (run it to regenerate; do not edit by hand).",
        "schema = 1",
        f'name = "{name}"',
        f'description = "{description}"',
    ]
    for statistic, value, used, derivation in targets(rows, least):
        ids = ", ".join(f'"{r["case_id"]}"' for r in used)
        lines += [
            "",
            "[[targets]]",
            f'statistic = "{statistic}"',
            f"value = {round(value, 4)}",
            f"rows = [{ids}]",
            f'derivation = "{derivation}"',
        ]
    for statistic, value, source in LITERATURE if literature else []:
        lines += [
            "",
            "[[targets]]",
            f'statistic = "{statistic}"',
            f"value = {value}",
            f'derivation = "{source}"',
        ]
    for share in shares:
        lines += ["", "[[targets]]", 'statistic = "share"']
        if share["offering"]:
            lines.append(f'offering = "{share["offering"]}"')
        lines += [
            f'date = "{share["observed"]}"',
            f"value = {share['share']}",
            f"sample = {share['sample']}",
            f'relation = "{share["relation"]}"',
            f'series = "{share["series_id"]}"',
            f'derivation = "{toml_text(share["control"])}, {share["date"]} ({share["source_url"]}): {toml_text(share["note"])}"',
        ]
    return "\n".join(lines) + "\n"


def toml_text(text):
    """Text safe inside a TOML basic string."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


# The series points that observe a preset's control: (preset, offering or "" for the whole market,
# series_id, the row's control must contain this text, sample size, relation, note). relation
# "same": the survey measured the preset's control on that offering's deployments; "lower bound":
# it measured a stricter control, so the preset's share is at least the point's. Points not listed
# are left out for the reason given in SKIPPED.
SHARES = [
    (
        "mcp",
        "open-servers",
        "mcp-internet-exposed-auth",
        "require authentication before listing tools",
        119,
        "same",
        "internet-exposed servers found by Shodan are servers their users deployed; the sample is biased toward "
        "servers that answer an unauthenticated handshake",
    ),
    (
        "mcp",
        "hosted-agents",
        "mcp-remote-auth-kai",
        "authentication present at any layer",
        518,
        "same",
        "every server of the Official MCP Registry with a hosted endpoint (a census of remote servers)",
    ),
    (
        "mcp",
        "hosted-agents",
        "mcp-remote-auth-kai",
        "refuse tools/call without credentials",
        525,
        "same",
        "the registry's remote servers two weeks later, counting MCP-layer authentication only",
    ),
    (
        "iot-botnets",
        "",
        "iot-routers-not-weak",
        "without weak credentials",
        11_000_000,
        "lower bound",
        "home routers of every brand; 'no weak credentials and no known vulnerability' is stricter than the "
        "preset's control",
    ),
]

# Whole series that observe a preset's control: (preset, offering or "" for the whole market,
# series_id, relation, sample or None, note). Every row of the series is a point; its sample is the
# given one, or else the first number of its `sample` column (the page loads of the month).
SERIES = [
    (
        "web-https",
        "",
        "https-firefox-pageloads",
        "same",
        None,
        "Firefox release users' page loads stand for the web's; the sample is the month's page loads, so its "
        "interval is far narrower than the gap between browsers (Chrome on Windows 0.53 when Firefox read 0.49, "
        "October 2016)",
    ),
    (
        "us-chip-cards",
        "small-merchants",
        "emv-us-merchants-visa",
        "same",
        4_600_000,
        "a census of US storefronts (Visa's count of chip-accepting locations over the ~4.6 million storefronts "
        "that 1.7 million = 37% implies), most of them small merchants'; the September 2015 share is derived "
        "with that denominator, not read in the source",
    ),
    (
        "us-chip-cards",
        "",
        "emv-us-chipready-volume-visa",
        "same",
        4_600_000,
        "the share of Visa's in-store payment volume at chip-ready merchants: the market's share weighted by "
        "what shoppers buy, as the baseline weights offerings by users; no sample size is given, so the "
        "storefronts' count stands for it",
    ),
]

SKIPPED = """Not used: the remote-server scans of 90 and 112 URLs (subsamples of the 518-server census, chosen
toward enterprise servers); the OAuth share of open-source implementations (OAuth for downstream
services, not authentication of the server); the other mcp-* series (other controls: injection,
secrets, poisoning); IDE agents' servers run over stdio, which no survey measures for
authentication; online accounts' MFA series (other populations than a preset's banks); the EEA SCA
share (European credit transfers, where online-banking models US banks after the FFIEC guidance);
Firefox's quoted HTTPS milestones (the same telemetry as the monthly series) and Chrome's
per-platform points (other browsers' users, two or three points each: kept for comparison, not
fitted); the Federal Reserve's chip-authenticated share of in-person payments (chip cards used at
chip terminals: the cards' issuance as much as the merchants' terminals); the UK chip-and-PIN
series (no UK preset)."""


# The revisions of a standard that a preset's standards body stands for: (preset, technology in
# data/security_events.csv, the preset's start date). Spec events after the start are revisions; the
# one at the start is the launch.
REVISIONS = [("mcp", "AI agent tool protocol (MCP)", "2024-11-25")]


def revisions_csv(events):
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["preset", "date", "description", "source_url"])
    for preset, technology, start in REVISIONS:
        for e in events:
            if e["technology"] == technology and e["kind"] == "spec" and observed_day(e["date"]) > start:
                writer.writerow([preset, e["date"], e["description"], e["source_url"]])
    return out.getvalue()


def observed_day(date):
    """A series date as a day: YYYY-MM-DD as is, YYYY-MM its 15th, YYYY its 1 July."""
    parts = date.split("-")
    if len(parts) == 3:
        return date
    if len(parts) == 2:
        return f"{date}-15"
    return f"{date}-07-01"


def source_link(url):
    """A source as a link: `github.com/OWNER/REPO@COMMIT:PATH` (a file at a commit) as its URL."""
    match = re.fullmatch(r"github\.com/([^/@]+/[^/@]+)@([0-9a-f]{7,40}):(.+)", url)
    if match:
        return f"https://github.com/{match.group(1)}/blob/{match.group(2)}/{match.group(3)}"
    return url


def share_row(preset, offering, series_id, r, sample, relation, note):
    """A row of shares.csv for series row `r`."""
    return [
        preset,
        offering,
        series_id,
        observed_day(r["date"]),
        r["date"],
        r["share"],
        sample,
        relation,
        r["control"],
        note,
        source_link(r["source_url"]),
    ]


def shares_csv(series):
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["preset", "offering", "series_id", "observed", "date", "share", "sample", "relation", "control", "note", "source_url"]
    )
    for preset, offering, series_id, control, sample, relation, note in SHARES:
        rows = [r for r in series if r["series_id"] == series_id and control in r["control"]]
        if len(rows) != 1:
            raise SystemExit(f"SHARES: {series_id} with control '{control}' matches {len(rows)} rows, not 1")
        writer.writerow(share_row(preset, offering, series_id, rows[0], sample, relation, note))
    for preset, offering, series_id, relation, given, note in SERIES:
        rows = [r for r in series if r["series_id"] == series_id]
        if not rows:
            raise SystemExit(f"SERIES: no row of {series_id}")
        for r in sorted(rows, key=lambda r: observed_day(r["date"])):
            read = TERM.search(r["sample"])
            if given is None and not read:
                raise SystemExit(f"SERIES: {series_id} {r['date']}: no sample size in '{r['sample']}'")
            sample = given if given is not None else int(float(read.group(1).replace(",", "")))
            writer.writerow(share_row(preset, offering, series_id, r, sample, relation, note))
    return out.getvalue()


def main():
    check = "--check" in sys.argv[1:]
    with open(HERE / "cases.csv", newline="", encoding="utf-8") as f:
        cases = list(csv.DictReader(f))
    with open(HERE / "security_series.csv", newline="", encoding="utf-8") as f:
        series = list(csv.DictReader(f))
    with open(HERE / "security_events.csv", newline="", encoding="utf-8") as f:
        events = list(csv.DictReader(f))
    stale = []
    outputs = [(HERE / "shares.csv", shares_csv(series)), (HERE / "revisions.csv", revisions_csv(events))]
    shares = list(csv.DictReader(io.StringIO(outputs[0][1])))
    for name, (description, member, least, literature, preset) in GROUPS.items():
        chosen = [s for s in shares if s["preset"] == preset]
        text = render(name, description, [r for r in cases if member(r)], least, literature, chosen)
        outputs.append((HERE / "targets" / f"{name}.toml", text))
    for path, text in outputs:
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path))
        else:
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    if stale:
        print("stale (run python3 data/derive_targets.py): " + ", ".join(stale), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
