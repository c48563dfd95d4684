"""Two requests at once that both create the same row (issue 11, item 7): the first save of one
coverage row, and two organizations of one name. One wins; the other gets a 409 or a form error,
never a 500, and the database holds one row. Real concurrent requests: one signed-in browser per
thread, released together."""

import threading

from sqlalchemy import func, select

from tests.web.conftest import PAYER, Web, add_payer
from tests.web.test_organizations import code_id, row_fields
from workbench.models import CodeCoverage, Organization

ROUNDS = 6


def at_once(browsers: list[Web], url: str, forms: list[dict]) -> list[int]:
    """Post one form per browser, all released at the same moment; return the statuses."""
    tokens = [browser.token() for browser in browsers]
    start = threading.Barrier(len(browsers))
    statuses: list[int] = [0] * len(browsers)

    def send(index: int) -> None:
        start.wait(10)
        data = {"csrf_token": tokens[index], **forms[index]}
        statuses[index] = browsers[index].client.post(url, data=data).status_code

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(browsers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return statuses


def signed_in_browsers(app, accounts, count: int = 2) -> list[Web]:
    browsers = [Web(app.test_client(), accounts) for _ in range(count)]
    for browser in browsers:
        browser.sign_in("lead")
    return browsers


def test_the_first_save_of_a_coverage_row_sent_twice_at_once_saves_one(app, accounts, library):
    browsers = signed_in_browsers(app, accounts)
    code = code_id(browsers[0], "99492")
    for round_number in range(ROUNDS):
        organization_id = add_payer(browsers[0], name=f"Race Health Plan {round_number}")
        forms = [row_fields(code, status="covered"), row_fields(code, status="not_covered")]

        statuses = at_once(browsers, f"/organizations/{organization_id}/coverage", forms)

        assert sorted(statuses) in ([302, 302], [302, 409]), statuses
        with browsers[0].db() as session:
            rows = session.scalar(
                select(func.count())
                .select_from(CodeCoverage)
                .where(CodeCoverage.organization_id == organization_id)
            )
        assert rows == 1


def test_two_organizations_of_one_name_created_at_once_make_one(app, accounts, library):
    browsers = signed_in_browsers(app, accounts)
    for round_number in range(ROUNDS):
        form = {**PAYER, "name": f"Twin Health Plan {round_number}"}

        statuses = at_once(browsers, "/organizations/new", [form, form])

        assert sorted(statuses) == [302, 422], statuses
        with browsers[0].db() as session:
            named = select(func.count()).where(Organization.name == form["name"])
            assert session.scalar(named) == 1
