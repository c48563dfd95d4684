"""Claims sizing in the browser: upload two files, size them in a job, see and use the figures.

The extract is the hand-computed one of tests/claims/conftest.py (TCOC PMPM 159.03, cohort
multiplier 1.7904, see tests/claims/test_figures.py), uploaded as a person would.
"""

import hashlib
import io
import os
import re
import time
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import func, select

from tests.claims.conftest import (
    BH_MEMBERS,
    CLAIM_HEADER,
    MEMBER_HEADER,
    OTHER_MEMBERS,
    hand_claim_rows,
    member_rows,
    write_csv,
)
from tests.web.test_scenarios import WORKED, form_fields, import_file
from workbench import create_app
from workbench.claims import size_claims
from workbench.models import AuditEvent, ClaimsSizing, Job, Organization, Scenario
from workbench.models.enums import JobStatus, OrganizationKind

MEMBER_ROWS = 73  # 24 members x 3 months, and A01's January twice
CLAIM_LINES = len(hand_claim_rows())
BASELINE = Decimal("159.03")
MULTIPLIER = Decimal("1.7904")


@pytest.fixture
def extract(tmp_path) -> tuple[bytes, bytes]:
    """The hand extract's two files, as bytes."""
    rows = [*member_rows(BH_MEMBERS + OTHER_MEMBERS), ["A01", "Acme", "2024-01"]]
    members = write_csv(tmp_path / "members.csv", MEMBER_HEADER, rows)
    claims = write_csv(tmp_path / "claims.csv", CLAIM_HEADER, hand_claim_rows())
    return members.read_bytes(), claims.read_bytes()


@pytest.fixture
def payer_id(web) -> int:
    with web.db() as session:
        payer = Organization(name="Acme", kind=OrganizationKind.PAYER)
        session.add(payer)
        session.commit()
        return payer.id


@pytest.fixture
def upload_dir(app) -> Path:
    return Path(app.config["WORKBENCH_UPLOAD_DIR"])


def upload(web, organization_id: int, members: bytes, claims: bytes, suffix="csv", **fields):
    page = f"/organizations/{organization_id}"
    data = {
        "members": (io.BytesIO(members), f"members.{suffix}"),
        "claims": (io.BytesIO(claims), f"claims.{suffix}"),
        **fields,
    }
    return web.post(f"{page}/claims", data, page=page, content_type="multipart/form-data")


def job_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)
    match = re.fullmatch(r"/jobs/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def finished(web, job: int, seconds: float = 120) -> Job:
    """Wait for a job to end, reading its record as another request would."""
    deadline = time.monotonic() + seconds
    while True:
        with web.db() as session:
            record = session.get(Job, job)
            if record.status in (JobStatus.SUCCEEDED, JobStatus.FAILED):
                session.expunge(record)
                return record
        assert time.monotonic() < deadline, "the sizing did not finish"
        time.sleep(0.1)


def count(web, model) -> int:
    with web.db() as session:
        return session.scalar(select(func.count()).select_from(model))


def files_in(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def test_an_uploaded_extract_is_sized_stored_and_shown(web, payer_id, extract, upload_dir):
    web.sign_in("lead")
    members, claims = extract

    job = job_id(upload(web, payer_id, members, claims))
    record = finished(web, job)

    assert record.status == JobStatus.SUCCEEDED, record.error
    assert record.progress == 100
    polled = web.get(f"/jobs/{job}", headers={"HX-Request": "true"})
    assert polled.headers["HX-Redirect"] == f"/organizations/{payer_id}#claims"
    with web.db() as session:
        sizing = session.scalars(select(ClaimsSizing)).one()
        assert (sizing.id, sizing.organization_id) == (record.result_id, payer_id)
        assert sizing.baseline_tcoc_pmpm == BASELINE
        assert sizing.cohort_cost_multiplier == MULTIPLIER
        assert sizing.figures["overall"]["tcoc_pmpm"] == "159.03"
        files = {item["role"]: item for item in sizing.provenance["files"]}
        assert files["members"] == {
            "role": "members",
            "name": "members.csv",
            "sha256": hashlib.sha256(members).hexdigest(),
            "bytes": len(members),
            "rows_read": MEMBER_ROWS,
        }
        assert files["claims"]["sha256"] == hashlib.sha256(claims).hexdigest()
        assert files["claims"]["rows_read"] == CLAIM_LINES
        assert sizing.provenance["payer"] is None
        assert sizing.created_by_id == web.accounts["lead"].id
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "claims.sized")).one()
        assert event.target_id == sizing.id
    assert files_in(upload_dir) == []

    page = web.get(f"/organizations/{payer_id}").get_data(as_text=True)
    assert 'data-figure="claims-baseline">$159.03<' in page
    assert 'data-figure="claims-multiplier">1.7904<' in page
    assert "50.0%" in page  # prevalence, 12 of 24
    assert "500.00" in page and "166.67" in page  # ED visits and admissions per 1,000
    assert "suppressed (fewer than 11 members)" in page  # top 5%: 2 members
    digest = hashlib.sha256(claims).hexdigest()
    assert f'<code title="{digest}">{digest[:12]}…</code>' in page
    assert "Test lead" in page and "No claims extract sized yet" not in page


def test_a_second_sizing_lists_the_first_as_earlier(web, payer_id, extract):
    web.sign_in("lead")
    members, claims = extract
    first = finished(web, job_id(upload(web, payer_id, members, claims)))
    second = finished(web, job_id(upload(web, payer_id, members, claims, payer="Acme")))

    assert (first.status, second.status) == (JobStatus.SUCCEEDED, JobStatus.SUCCEEDED)
    with web.db() as session:
        latest = session.get(ClaimsSizing, second.result_id)
        assert latest.payer_name == "Acme" and latest.provenance["payer"] == "Acme"
        assert latest.baseline_tcoc_pmpm == BASELINE
    page = web.get(f"/organizations/{payer_id}").get_data(as_text=True)
    assert "Earlier sizings (1)" in page
    assert "payer filter Acme" in page


@pytest.mark.parametrize(
    ("header", "rows", "message"),
    [
        pytest.param(
            CLAIM_HEADER[:-1],
            [row[:-1] for row in hand_claim_rows()],
            "claims.csv row 1, column dx_codes: missing from the header",
            id="missing-column",
        ),
        pytest.param(
            CLAIM_HEADER,
            [["C1", "A01", "Acme", "2024-01-10", "urgent care", "10.00", ""]],
            "claims.csv row 2, column setting: not one of the settings",
            id="bad-value",
        ),
    ],
)
def test_a_bad_file_fails_the_job_naming_file_row_and_column(
    web, payer_id, extract, upload_dir, tmp_path, header, rows, message
):
    web.sign_in("lead")
    members, _ = extract
    claims = write_csv(tmp_path / "bad.csv", header, rows).read_bytes()

    job = job_id(upload(web, payer_id, members, claims))
    record = finished(web, job)

    assert record.status == JobStatus.FAILED
    assert message in record.error
    page = web.get(f"/jobs/{job}").get_data(as_text=True)
    assert "It failed" in page and message.replace("'", "&#39;") in page
    assert count(web, ClaimsSizing) == 0
    assert files_in(upload_dir) == []
    assert "No claims extract sized yet" in web.get(f"/organizations/{payer_id}").get_data(
        as_text=True
    )


def test_a_claims_file_over_the_limit_is_refused_before_it_is_read(
    app, web, payer_id, extract, upload_dir
):
    app.config["WORKBENCH_CLAIMS_MAX_BYTES"] = 500
    web.sign_in("lead")
    members, claims = extract
    assert len(claims) > 500

    response = upload(web, payer_id, members[:400], claims)

    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "claims.csv is" in page and "over the 500 bytes limit" in page
    assert count(web, Job) == 0 and count(web, ClaimsSizing) == 0
    assert files_in(upload_dir) == []


def test_a_members_file_over_the_limit_is_refused_too(app, web, payer_id, extract, upload_dir):
    app.config["WORKBENCH_CLAIMS_MAX_BYTES"] = 500
    web.sign_in("lead")
    members, claims = extract
    assert len(members) > 500

    response = upload(web, payer_id, members, claims[:400])

    assert response.status_code == 413
    assert "members.csv is" in response.get_data(as_text=True)
    assert count(web, Job) == 0 and files_in(upload_dir) == []


def test_an_empty_file_is_a_form_error_on_its_field(web, payer_id, extract, upload_dir):
    web.sign_in("lead")
    _, claims = extract

    response = upload(web, payer_id, b"", claims)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "members.csv is empty." in page
    assert count(web, Job) == 0 and files_in(upload_dir) == []


def test_a_request_over_the_upload_limit_gets_a_page_naming_the_limit(app, web, payer_id, extract):
    app.config["WORKBENCH_UPLOAD_MAX_REQUEST_BYTES"] = 2000
    web.sign_in("lead")
    members, claims = extract

    response = upload(web, payer_id, members, claims)

    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "File too large" in page and "larger than the 2 kB" in page
    assert "Traceback" not in page
    assert count(web, Job) == 0


def test_the_upload_limit_follows_the_claims_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_CLAIMS_MAX_BYTES", "1000000")
    monkeypatch.setenv("WORKBENCH_CLAIMS_THREADS", "2")
    monkeypatch.delenv("WORKBENCH_UPLOAD_DIR", raising=False)

    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})

    assert app.config["WORKBENCH_CLAIMS_MAX_BYTES"] == 1_000_000
    assert app.config["WORKBENCH_UPLOAD_MAX_REQUEST_BYTES"] == 2 * 1_000_000 + 1024 * 1024
    assert app.config["MAX_CONTENT_LENGTH"] == 2 * 1000**2  # every other route
    assert app.config["WORKBENCH_CLAIMS_THREADS"] == 2
    assert app.config["WORKBENCH_UPLOAD_DIR"] == tmp_path / "uploads"


def test_the_default_claims_limit_is_20_gb(tmp_path, monkeypatch):
    monkeypatch.delenv("WORKBENCH_CLAIMS_MAX_BYTES", raising=False)

    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})

    assert app.config["WORKBENCH_CLAIMS_MAX_BYTES"] == 20 * 1000**3


def test_a_viewer_may_not_size_claims(web, payer_id, extract):
    web.sign_in("viewer")
    members, claims = extract

    response = upload(web, payer_id, members, claims)

    assert response.status_code == 403
    assert count(web, Job) == 0
    page = web.get(f"/organizations/{payer_id}").get_data(as_text=True)
    assert "Upload and size" not in page and "Size these files" not in page


@pytest.fixture
def server_dir(app, tmp_path, extract) -> Path:
    """The configured folder of extracts on the server, holding the hand extract."""
    folder = tmp_path / "server"
    (folder / "2024").mkdir(parents=True)
    members, claims = extract
    (folder / "2024" / "members.csv").write_bytes(members)
    (folder / "2024" / "claims.csv").write_bytes(claims)
    app.config["WORKBENCH_CLAIMS_SERVER_DIR"] = folder
    return folder


def test_server_paths_are_for_administrators_only(web, payer_id, extract, server_dir):
    members, claims = extract
    paths = {"server-members_path": "2024/members.csv", "server-claims_path": "2024/claims.csv"}
    page = f"/organizations/{payer_id}"

    web.sign_in("lead")
    by_lead = web.post(f"{page}/claims/server-files", paths, page=page)
    slipped_in = upload(web, payer_id, members, claims, **paths)
    lead_page = web.get(page).get_data(as_text=True)
    web.client.post("/logout", data={"csrf_token": web.token()})
    web.sign_in("admin")
    admin_page = web.get(page).get_data(as_text=True)
    by_admin = web.post(f"{page}/claims/server-files", paths, page=page)

    assert (by_lead.status_code, slipped_in.status_code) == (403, 403)
    assert "Size these files" not in lead_page and "Size these files" in admin_page
    record = finished(web, job_id(by_admin))
    assert record.status == JobStatus.SUCCEEDED, record.error
    claims_path = server_dir / "2024" / "claims.csv"
    assert claims_path.exists()  # a server file is never deleted
    with web.db() as session:
        sizing = session.get(ClaimsSizing, record.result_id)
        assert sizing.baseline_tcoc_pmpm == BASELINE
        assert sizing.provenance["delivery"] == "server path"
        files = {item["role"]: item for item in sizing.provenance["files"]}
        assert files["claims"]["path"] == str(claims_path.resolve())
        assert files["claims"]["sha256"] == hashlib.sha256(claims).hexdigest()
        assert sizing.created_by_id == web.accounts["admin"].id
    assert str(claims_path.resolve()) in web.get(page).get_data(as_text=True)
    web.client.post("/logout", data={"csrf_token": web.token()})
    web.sign_in("viewer")
    viewer_page = web.get(page).get_data(as_text=True)
    assert "claims.csv" in viewer_page and str(server_dir) not in viewer_page


@pytest.mark.parametrize(
    "given",
    [
        "2024/nope.csv",  # missing
        "/etc/passwd",  # outside, absolute
        "../outside.csv",  # outside, climbing up
        "2024/link.csv",  # a link leading outside
    ],
)
def test_a_path_missing_or_outside_the_server_folder_gets_one_answer(
    web, payer_id, server_dir, given
):
    outside = server_dir.parent / "outside.csv"
    outside.write_text("member_id,payer,month\nA01,Acme,2024-01\n")
    (server_dir / "2024" / "link.csv").symlink_to(outside)
    web.sign_in("admin")
    page = f"/organizations/{payer_id}"
    paths = {"server-members_path": given, "server-claims_path": "2024/claims.csv"}

    response = web.post(f"{page}/claims/server-files", paths, page=page)

    assert response.status_code == 422
    assert f"{given}: no such file in the server&#39;s claims folder." in response.get_data(
        as_text=True
    )
    assert count(web, Job) == 0


def test_without_a_configured_server_folder_no_path_is_read(app, web, payer_id, extract, tmp_path):
    members, _ = extract
    (tmp_path / "members.csv").write_bytes(members)
    app.config["WORKBENCH_CLAIMS_SERVER_DIR"] = None
    web.sign_in("admin")
    page = f"/organizations/{payer_id}"
    path = str(tmp_path / "members.csv")
    paths = {"server-members_path": path, "server-claims_path": path}

    response = web.post(f"{page}/claims/server-files", paths, page=page)

    assert response.status_code == 422
    assert "WORKBENCH_CLAIMS_SERVER_DIR" in response.get_data(as_text=True)
    assert count(web, Job) == 0


def add_sizing(web, organization_id: int, extract: tuple[bytes, bytes], folder: Path) -> int:
    """A stored sizing of the hand extract, as the job leaves it."""
    members, claims = extract
    (folder / "m.csv").write_bytes(members)
    (folder / "c.csv").write_bytes(claims)
    figures = size_claims(folder / "m.csv", folder / "c.csv").to_json()
    with web.db() as session:
        sizing = ClaimsSizing(
            organization_id=organization_id,
            baseline_tcoc_pmpm=BASELINE,
            cohort_cost_multiplier=MULTIPLIER,
            figures=figures,
            provenance={
                "files": [
                    {
                        "role": "claims",
                        "name": "claims.csv",
                        "sha256": hashlib.sha256(claims).hexdigest(),
                        "bytes": len(claims),
                        "rows_read": CLAIM_LINES,
                    }
                ]
            },
        )
        session.add(sizing)
        session.commit()
        return sizing.id


def test_the_scenario_editor_offers_the_payer_s_claims_and_fills_them_in(web, extract, tmp_path):
    web.sign_in("lead")
    _, claims = extract
    response = import_file(web, WORKED.read_bytes(), "worked-example.yaml")
    scenario_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with web.db() as session:
        payer = Organization(name="Commercial Plan A", kind=OrganizationKind.PAYER)
        session.add(payer)
        session.commit()
        payer_id = payer.id
    page = f"/scenarios/{scenario_id}"
    fields = form_fields(web.get(page).get_data(as_text=True))
    assert "Use this payer" not in web.get(page).get_data(as_text=True)
    linked = web.post(page, {**fields, "organization": str(payer_id)}, page=page)
    assert linked.status_code == 302
    sizing_id = add_sizing(web, payer_id, extract, tmp_path)
    digest = hashlib.sha256(claims).hexdigest()

    offered = web.get(page).get_data(as_text=True)
    fields = form_fields(offered)
    filled = web.post(page, {**fields, "action": f"use_claims-{sizing_id}"}, page=page)

    assert "Use this payer's claims: baseline $159.03 PMPM, cohort multiplier 1.7904" in offered
    assert f"(from claims.csv, sha256 {digest[:12]}…, {CLAIM_LINES} rows, " in offered
    assert fields["payers-1-name"] == "Commercial Plan A"
    assert fields["payers-1-baseline_tcoc_pmpm"] == "480"
    assert filled.status_code == 200
    after = form_fields(filled.get_data(as_text=True))
    assert after["payers-1-baseline_tcoc_pmpm"] == "159.03"
    assert after["savings-cohort_cost_multiplier"] == "1.7904"
    assert after["payers-0-baseline_tcoc_pmpm"] == "1050"  # other payers untouched
    assert after["claims_sizing"] == str(sizing_id)

    saved = web.post(page, {**after, "action": "save"}, page=page)

    assert saved.status_code == 302
    with web.db() as session:
        record = session.get(Scenario, scenario_id)
        assert Decimal(record.inputs["payers"][1]["baseline_tcoc_pmpm"]) == BASELINE
        assert Decimal(record.inputs["savings"]["cohort_cost_multiplier"]) == MULTIPLIER
        assert record.claims_sizing_id == sizing_id
        assert "Claims:" not in (record.description or "")
    shown = web.get(page).get_data(as_text=True)
    assert digest in shown and "claims.csv" in shown and f"{CLAIM_LINES:,} rows" in shown


def test_a_new_scenario_can_start_from_an_organization_s_claims(web, payer_id, extract, tmp_path):
    web.sign_in("lead")
    with web.db() as session:
        session.get(Organization, payer_id).attributed_members = 12000
        session.commit()
    sizing_id = add_sizing(web, payer_id, extract, tmp_path)

    organization_page = web.get(f"/organizations/{payer_id}").get_data(as_text=True)
    new = web.get(f"/scenarios/new?claims={sizing_id}")

    assert f"/scenarios/new?claims={sizing_id}" in organization_page
    assert new.status_code == 200
    fields = form_fields(new.get_data(as_text=True))
    assert fields["organization"] == str(payer_id)
    assert fields["payers-0-name"] == "Acme"
    assert fields["payers-0-baseline_tcoc_pmpm"] == "159.03"
    assert fields["savings-cohort_cost_multiplier"] == "1.7904"
    assert fields["claims_sizing"] == str(sizing_id)
    # The organization's own members fill the row too, as its focus payer.
    assert fields["payers-0-attributed_members"] == "12000"
    assert fields["focus_payer"] == "0" and "payers-1-name" not in fields
    # A new scenario proposes FFS plus incentives, which reads neither figure: the page says so.
    assert "The figures do not change yet" in new.get_data(as_text=True)


def as_parquet(csv_bytes: bytes, folder: Path, name: str) -> bytes:
    """The same table as a Parquet file, written by DuckDB."""
    source, target = folder / f"{name}.csv", folder / f"{name}.parquet"
    source.write_bytes(csv_bytes)
    duckdb.sql(f"COPY (SELECT * FROM read_csv('{source}', all_varchar=true)) TO '{target}'")
    return target.read_bytes()


def test_a_parquet_extract_gives_the_same_figures(web, payer_id, extract, upload_dir, tmp_path):
    web.sign_in("lead")
    members = as_parquet(extract[0], tmp_path, "members")
    claims = as_parquet(extract[1], tmp_path, "claims")

    record = finished(web, job_id(upload(web, payer_id, members, claims, suffix="parquet")))

    assert record.status == JobStatus.SUCCEEDED, record.error
    with web.db() as session:
        sizing = session.scalars(select(ClaimsSizing)).one()
        assert (sizing.baseline_tcoc_pmpm, sizing.cohort_cost_multiplier) == (BASELINE, MULTIPLIER)
        assert [f["name"] for f in sizing.provenance["files"]] == [
            "members.parquet",
            "claims.parquet",
        ]
    assert files_in(upload_dir) == []


def test_uploads_abandoned_for_a_day_are_swept_at_the_next_upload(
    web, payer_id, extract, upload_dir
):
    stale, recent = upload_dir / ("0" * 32), upload_dir / ("1" * 32)
    for folder, age_hours in ((stale, 25), (recent, 1)):
        folder.mkdir(parents=True)
        (folder / "claims.csv").write_text("left behind")
        when = time.time() - age_hours * 3600
        os.utime(folder, (when, when))
    web.sign_in("lead")

    finished(web, job_id(upload(web, payer_id, *extract)))

    assert not stale.exists()
    assert (recent / "claims.csv").exists()


HEALTH_DATA = "John Q Patient SSN 123-45-6789"


def test_a_bad_cell_is_named_never_echoed_on_the_page_in_the_job_or_in_the_log(
    web, payer_id, extract, tmp_path, caplog
):
    caplog.set_level("DEBUG")
    web.sign_in("lead")
    members, _ = extract
    bad = ["C1", "A01", "Acme", HEALTH_DATA, HEALTH_DATA, HEALTH_DATA, ""]
    claims = write_csv(tmp_path / "claims.csv", CLAIM_HEADER, [bad, bad]).read_bytes()

    job = job_id(upload(web, payer_id, members, claims))
    record = finished(web, job)
    page = web.get(f"/jobs/{job}").get_data(as_text=True)

    assert record.status == JobStatus.FAILED
    assert record.error.splitlines() == [
        f"claims.csv row {row}, column {column}: {problem}"
        for row in (2, 3)
        for column, problem in (
            ("service_date", "not a date in YYYY-MM-DD form (2024-01-31)"),
            (
                "setting",
                "not one of the settings inpatient, ed, outpatient, professional, "
                "pharmacy or other",
            ),
            ("allowed_amount", "not an amount (a decimal number such as 1234.56 or -80.00)"),
        )
    ]
    assert page.count("<li>claims.csv row ") == 6
    assert f'href="/organizations/{payer_id}#claims-upload"' in page
    assert f"Job {job} failed" in caplog.text  # the log was captured, traceback and all
    for shown in (record.error, page, caplog.text):
        assert "123-45-6789" not in shown and "Patient" not in shown


def test_the_upload_form_describes_the_files_format(web, payer_id):
    web.sign_in("lead")

    page = web.get(f"/organizations/{payer_id}").get_data(as_text=True)

    assert 'id="claims-upload"' in page
    for setting in ("inpatient", "ed", "outpatient", "professional", "pharmacy", "other"):
        assert f"<code>{setting}</code>" in page
    assert "a month enrolled, <code>YYYY-MM</code>" in page
    assert "ICD-10 codes separated by <code>;</code>" in page


def test_the_sized_payer_is_not_listed_among_the_other_payers(web, tmp_path):
    with web.db() as session:
        payer = Organization(name="ACME, Inc.", kind=OrganizationKind.PAYER)
        session.add(payer)
        session.commit()
        organization_id = payer.id
    rows = [*member_rows(BH_MEMBERS + OTHER_MEMBERS), *member_rows(["Z01"], payer="Blue Valley")]
    members = write_csv(tmp_path / "members.csv", MEMBER_HEADER, rows).read_bytes()
    claims = write_csv(tmp_path / "claims.csv", CLAIM_HEADER, hand_claim_rows()).read_bytes()
    web.sign_in("lead")

    record = finished(web, job_id(upload(web, organization_id, members, claims)))
    page = web.get(f"/organizations/{organization_id}").get_data(as_text=True)

    assert record.status == JobStatus.SUCCEEDED, record.error
    assert "(other payers in the extract: Blue Valley)" in page


def test_the_two_multipliers_say_which_one_a_scenario_uses(web, payer_id, extract):
    web.sign_in("lead")
    members, claims = extract
    finished(web, job_id(upload(web, payer_id, members, claims)))

    page = web.get(f"/organizations/{payer_id}").get_data(as_text=True)

    uses = page.index("the multiplier a scenario made from these claims uses")
    other = page.index("shown for comparison, not used by scenarios")
    assert page.index("cohort cost multiplier (μ), with BH vs everyone") < uses
    assert page.index("cost multiplier, with vs without behavioral health") < other


@pytest.mark.parametrize(
    ("in_extract", "same"),
    [
        ("BLUE VALLEY HEALTH PLAN, INC.", True),
        ("Blue  Valley Health-Plan", True),
        ("Blue Valley Health Plan of Ohio", False),
    ],
)
def test_a_payer_name_is_matched_loosely(in_extract, same):
    from workbench.services.claims_sizings import other_payers

    found = other_payers([in_extract], "Blue Valley Health Plan", None)

    assert found == (() if same else (in_extract,))


def test_a_scenario_cannot_keep_another_payer_s_claims_sizing(web, payer_id, extract, tmp_path):
    web.sign_in("lead")
    response = import_file(web, WORKED.read_bytes(), "worked-example.yaml")
    scenario_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with web.db() as session:
        other = Organization(name="Blue Valley Health Plan", kind=OrganizationKind.PAYER)
        session.add(other)
        session.commit()
        other_id = other.id
    theirs = add_sizing(web, other_id, extract, tmp_path)
    page = f"/scenarios/{scenario_id}"
    fields = form_fields(web.get(page).get_data(as_text=True))
    before = {"name": fields["name"]}

    forged = web.post(
        page,
        {**fields, "organization": str(payer_id), "claims_sizing": str(theirs), "name": "Forged"},
        page=page,
    )

    assert forged.status_code == 409
    assert "the claims figures filled in are Blue Valley Health Plan" in forged.get_data(
        as_text=True
    )
    with web.db() as session:
        record = session.get(Scenario, scenario_id)
        assert record.claims_sizing_id is None
        assert record.name == before["name"] and record.organization_id is None
