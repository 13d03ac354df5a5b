"""authentik's schedules and tasks as plain functions over data."""

from __future__ import annotations

from specdouble.resources.authentik import schedules


def test_a_tasks_status_is_its_state_until_done_then_its_worst_log() -> None:
    info = {"log_level": "info"}
    assert schedules.aggregated("queued", [info]) == "queued"
    assert schedules.aggregated("done", [info]) == "info"
    assert schedules.aggregated("done", [info, {"log_level": "error"}, info]) == "error"
    assert schedules.aggregated("done", [{"log_level": "warning"}, info]) == "warning"
    assert schedules.aggregated("done", []) == "done"


def test_the_status_counts_every_status_authentik_lists() -> None:
    counted = schedules.status([{"aggregated_status": "info"}] * 2 + [{"aggregated_status": "x"}])
    assert list(counted) == list(schedules.STATUSES)
    assert counted["info"] == 2 and sum(counted.values()) == 2


def test_a_crontab_draws_each_number_below_its_bound_the_same_every_time() -> None:
    template = "{below 60} {below 24} * * {below 7}"
    drawn = schedules.crontab(template, "authentik.x:None")
    minute, hour, _, _, weekday = drawn.split()
    assert int(minute) < 60 and int(hour) < 24 and int(weekday) < 7
    assert schedules.crontab(template, "authentik.x:None") == drawn
    assert schedules.crontab("2-59/5 * * * *", "any") == "2-59/5 * * * *"


def test_an_objects_schedule_names_it_and_its_actor() -> None:
    spec = {"actor": "authentik.outposts.tasks.outpost_controller", "crontab": "1 * * * *"}
    made = schedules.row(
        {**spec, "uid": "name", "send_on_save": True},
        "",
        owner=("authentik_outposts", "outpost"),
        held={"name": "edge"},
        pk="p1",
    )
    assert made["uid"] == "authentik.outposts.tasks.outpost_controller:edge"
    assert (made["identifier"], made["rel_obj_id"], made["rel_obj_model"]) == (
        "p1",
        "p1",
        "outpost",
    )
    assert made["last_task_status"] == "queued"
    own = schedules.row(spec, "")
    assert (own["uid"], own["identifier"], own["rel_obj_id"]) == (spec["actor"], "None", None)
