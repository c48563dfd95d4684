"""The job page: shown only to its creator and to the roles that may edit; done means done."""

import pytest

from workbench.models import Job
from workbench.models.enums import JobStatus


def add_job(web, creator: str, **fields) -> int:
    """Record a claims sizing job started by the account holding `creator`'s role."""
    with web.db() as session:
        job = Job(kind="size_claims", params={}, created_by_id=web.accounts[creator].id, **fields)
        session.add(job)
        session.commit()
        return job.id


@pytest.mark.parametrize(
    ("creator", "reader", "status"),
    [
        ("lead", "lead", 200),
        ("admin", "admin", 200),  # an administrator's own sizing of files on the server
        ("admin", "lead", 200),  # a role that may edit sees every job
        ("lead", "viewer", 404),
        ("lead", "executive", 404),
        ("lead", "admin", 404),
    ],
)
def test_a_job_is_visible_to_its_creator_and_to_roles_that_may_edit(web, creator, reader, status):
    job_id = add_job(web, creator, status=JobStatus.FAILED, error="claims.csv row 3: bad")
    web.sign_in(reader)

    page = web.get(f"/jobs/{job_id}")
    polled = web.get(f"/jobs/{job_id}", headers={"HX-Request": "true"})

    assert (page.status_code, polled.status_code) == (status, status)
    if status == 404:
        assert "claims.csv" not in page.get_data(as_text=True) + polled.get_data(as_text=True)


def test_a_job_that_succeeded_sends_the_page_to_its_result(web, document_id):
    job_id = add_job(
        web, "lead", status=JobStatus.SUCCEEDED, result_type="document", result_id=document_id
    )
    web.sign_in("lead")

    page = web.get(f"/jobs/{job_id}")

    assert page.status_code == 302
    assert page.headers["Location"] == f"/documents/{document_id}"


def test_a_failed_job_says_so_in_its_heading(web):
    job_id = add_job(web, "lead", status=JobStatus.FAILED, error="claims.csv row 3: bad")
    web.sign_in("lead")

    page = web.get(f"/jobs/{job_id}").get_data(as_text=True)

    assert "<h1>The sizing failed</h1>" in page
    assert "Sizing the claims extract" not in page
