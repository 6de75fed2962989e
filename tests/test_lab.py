"""JupyterLab as `camp lab` starts it: real server, real HTTP, nbgrader's panels see the camp's course."""

from __future__ import annotations

import json

import pytest
from conftest import http_get, running_lab

from grader.course import init_course

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("lab")]  # one server, one worker
TOKEN = "camp-test-token"


def _get(url: str):
    return http_get(url, TOKEN)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("lab-home")
    log = tmp_path_factory.mktemp("lab-log") / "lab.log"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CAMP_HOME", str(home))
        init_course()
        with running_lab(TOKEN, log=log) as base:
            yield base
    output = log.read_text(encoding="utf-8")
    assert "The exchange directory does not exist" not in output
    assert "is not a subdirectory of the notebook server root" not in output


def test_assignment_list_shows_released_assignments(server):
    """The participant's Assignments panel (nbgrader's /assignments API) lists the released assignment."""
    status, body = _get(server + "/assignments?course_id=camp")
    data = json.loads(body)
    assert status == 200 and data["success"], data
    released = [a["assignment_id"] for a in data["value"] if a["status"] == "released"]
    assert "00-start-here" in released


def test_formgrader_and_course_list_work(server):
    """The trainer's Formgrader shows the course, and the course list has no error."""
    status, body = _get(server + "/formgrader/api/assignments")
    assert status == 200
    assert "00-start-here" in [a["name"] for a in json.loads(body)]
    status, body = _get(server + "/courses")
    data = json.loads(body)
    assert data["success"] and "camp" in json.dumps(data["value"]), data


def test_news_is_off_and_the_start_lesson_opens(server):
    """JupyterLab's news pop-up is off; the default page is the Hindi start lesson, which exists."""
    status, body = _get(server + "/lab")
    assert status == 200
    assert '"news": {"disabled": true}' in body.replace('\\"', '"') or '"news":{"disabled":true}' in body
    status, body = _get(server + "/api/contents/lessons/00-start-here/00-start-here.hi.ipynb?content=0")
    assert status == 200


def test_nbgraders_english_validate_button_is_off(server):
    """Participants validate in the Hindi panel; nbgrader's English toolbar Validate is disabled in the Lab."""
    status, body = _get(server + "/lab")
    assert status == 200
    config = json.loads(
        body.split('id="jupyter-config-data" type="application/json">')[1].split("</script>")[0]
    )
    assert "@jupyter/nbgrader:validate-assignment" in config["disabledExtensions"], config[
        "disabledExtensions"
    ]
    assert "@jupyter/nbgrader:assignment-list" not in config["disabledExtensions"]
