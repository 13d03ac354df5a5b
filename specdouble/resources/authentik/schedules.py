"""authentik's schedules and tasks (System Tasks), as its worker keeps them: each
app's own (cleaning expired objects, discovering blueprints, ...) and one per object of each
scheduled model per spec (an outpost's controller, an LDAP source's sync and connectivity
check), read from authentik's sources into `schedules.json` by the facts tool.

A write of a scheduled object keeps its schedules as `ScheduleSpec.update_or_create` does
(its `uid` follows the object's name; a new one gets its crontab, queued if the spec sends on
save); deleting the object deletes its schedules, each audited. The tasks are what the
schedules sent, with the logs authentik's middleware writes, and `tasks/tasks/status/` counts
them by the status authentik aggregates from a task's state and logs. Nothing here runs: the
mock has no worker, like the real server without one, whose schedules also never run.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import orjson

from specdouble.data.values import canonical_instant
from specdouble.resources.authentik import audit
from specdouble.resources.authentik.facts import ancestors, schedule_facts
from specdouble.rest.actions import Action, Answer, Body, Params
from specdouble.rest.auth import Principal
from specdouble.rest.resource import Resource, ResourceSpec, operation_names
from specdouble.state.store import Record

SCHEDULE = "Schedule"
DRAWN = re.compile(r"\{below (\d+)\}")
QUEUED = "queued"
"""What a schedule's last task says after a save sent it to a worker that never takes it."""


def specs_of(model: str) -> list[dict[str, Any]]:
    """The schedules each object of `model` has: its own class's, or those a class it
    inherits declares (a Docker connection's are `OutpostServiceConnection`'s)."""
    declared = schedule_facts()["models"]
    for name in [model, *ancestors().get(model, [])]:
        if name in declared:
            return declared[name]
    return []


def crontab(template: str, task: str) -> str:
    """A spec's crontab, each number authentik draws per install (`fqdn_rand`) drawn from the
    task instead: the same for the same schedule, every start."""
    position = iter(range(10))

    def drawn(match: re.Match[str]) -> str:
        material = f"{task}:{next(position)}".encode()
        return str(int(hashlib.sha256(material).hexdigest(), 16) % int(match.group(1)))

    return DRAWN.sub(drawn, template)


def row(
    spec: Mapping[str, Any],
    key: str,
    *,
    owner: tuple[str, str] | None = None,
    held: Mapping[str, Any] | None = None,
    pk: Any = None,
) -> dict[str, Any]:
    """A schedule as `tasks/schedules/` shows it (no `id`: the store gives it one)."""
    actor = spec["actor"]
    uid = actor
    if held is not None and spec.get("uid"):
        uid = f"{actor}:{held.get(spec['uid'], '')}"
    identifier = "None" if pk is None else str(pk)
    return {
        "id": key,
        "identifier": identifier,
        "uid": uid,
        "actor_name": actor,
        "rel_obj_app_label": owner[0] if owner else None,
        "rel_obj_model": owner[1] if owner else None,
        "rel_obj_id": None if pk is None else str(pk),
        "crontab": crontab(spec["crontab"], f"{actor}:{identifier}"),
        "paused": bool(spec.get("paused", False)),
        "description": schedule_facts()["actors"].get(actor) or None,
        "last_task_status": QUEUED if pk is not None and spec.get("send_on_save") else None,
    }


def start_rows(data: dict[str, list[Record]], models: Mapping[str, ResourceSpec]) -> None:
    """The install's schedules, in place of generated ones: the apps' own, then each
    scheduled object's (where the document has `tasks/schedules/`)."""
    schedules = models.get(SCHEDULE)
    if schedules is None or schedules.collection not in data:
        return
    drawn = data[schedules.collection]
    times = [r.get("next_run") for r in drawn if isinstance(r.get("next_run"), str)]
    made = [row(spec, "") for spec in schedule_facts()["own"]]
    for model, spec in sorted(models.items()):
        each = specs_of(model)
        label = audit.model_label(model)
        if not each or label is None or spec.collection == schedules.collection:
            continue
        for record in data.get(spec.collection, []):
            pk = _primary(record, spec)
            made += [row(s, "", owner=label, held=record, pk=pk) for s in each]
    for position, schedule in enumerate(made):
        schedule["id"] = _key(schedule)
        schedule["next_run"] = times[position % len(times)] if times else None
    data[schedules.collection] = made


def _key(schedule: Mapping[str, Any]) -> str:
    """A schedule's key, from what names it (`actor_name`, `identifier`)."""
    digest = hashlib.sha256(f"{schedule['actor_name']}:{schedule['identifier']}".encode())
    return str(uuid.UUID(bytes=digest.digest()[:16], version=4))


def followed(resources: list[Resource], actions: dict[str, Action]) -> None:
    """Wrap each scheduled model's writes so that they keep its objects' schedules (in
    place); nothing where the document has no schedules."""
    schedules = next((r for r in resources if r.spec.model == SCHEDULE), None)
    if schedules is None:
        return
    for resource in resources:
        each = specs_of(resource.spec.model)
        label = audit.model_label(resource.spec.model)
        if not each or label is None or resource is schedules:
            continue
        for operation_id, name in operation_names(resource.spec).items():
            action = actions.get(operation_id)
            if action is not None and name in ("create", "update", "partial_update", "destroy"):
                respond = _following(action, resource, schedules, each, label, name)
                actions[operation_id] = replace(action, respond=respond)


def _following(
    action: Action,
    resource: Resource,
    schedules: Resource,
    specs: Sequence[dict[str, Any]],
    label: tuple[str, str],
    kind: str,
) -> Any:
    original = action.respond
    spec = resource.spec

    def respond(principal: Principal, key: str, params: Params, body: Body) -> Answer:
        before = resource.store.get(spec.collection, key) if key else None
        answer = original(principal, key, params, body)
        if not 200 <= answer.status < 300:
            return answer
        store, collection = schedules.store, schedules.spec.collection
        if kind == "destroy":
            for found in list(_owned(schedules, label, _primary(before or {}, spec) or key)):
                with store.writing():
                    store.delete(collection, str(found[schedules.spec.key]))
                _audited(principal, schedules, found)
            return answer
        held = orjson.loads(answer.body) if answer.body else {}
        pk = (_primary(held, spec) or key) if isinstance(held, dict) else key
        kept = {s["identifier"] + s["actor_name"]: s for s in _owned(schedules, label, str(pk))}
        for each in specs:
            made = row(each, "", owner=label, held=held, pk=pk)
            old = kept.get(made["identifier"] + made["actor_name"])
            with store.writing():
                if old is not None:  # updated: not its crontab (`update_values` leave it)
                    store.put(collection, {**old, "uid": made["uid"], "paused": made["paused"]})
                else:
                    made["id"] = _key(made)
                    made["next_run"] = canonical_instant(datetime.now(UTC))
                    store.insert(collection, made)
        return answer

    return respond


def _primary(record: Mapping[str, Any], spec: ResourceSpec) -> Any:
    """The object's primary key, which a schedule names (`str(instance.pk)`): a source's
    `pk`, not the slug its item path takes."""
    return record.get("pk", record.get(spec.key))


def _owned(schedules: Resource, label: tuple[str, str], key: str) -> Iterator[Record]:
    schedules.store.sync()
    for found in schedules.store.referencing(schedules.spec.collection, "rel_obj_id", str(key)):
        if (found.get("rel_obj_app_label"), found.get("rel_obj_model")) == label:
            yield found


def _audited(principal: Principal, schedules: Resource, schedule: Mapping[str, Any]) -> None:
    """A deleted schedule's event (`Schedule.__str__`: `Schedule <actor>:<uid>`)."""
    app = schedule_facts().get("label")
    if not app:
        return
    label = (app, SCHEDULE.lower())
    shown = {**schedule, "name": f"Schedule {schedule['actor_name']}:{schedule['uid']}"}
    audit.record_write(
        schedules.store,
        principal.user,
        "model_deleted",
        label,
        model_of=SCHEDULE,
        shown=shown,
        key_field=schedules.spec.key,
    )


# The tasks the schedules sent.

TASK = "Task"
TASKS = "tasks_tasks"
MIDDLEWARE = "authentik.tasks.middleware.TaskLogMiddleware"
STATUSES = (
    "queued",
    "consumed",
    "preprocess",
    "running",
    "postprocess",
    "rejected",
    "done",
    "info",
    "warning",
    "error",
)
"""`TaskStatus`, in the order `tasks/tasks/status/` lists them."""
WAITING_EVERY = 7
"""One task in this many is still queued (a worker-less install queues, and never runs)."""
LEVELS = {"error": 3, "warning": 2, "info": 1}


def aggregated(state: str, logs: Sequence[Mapping[str, Any]]) -> str:
    """A task's status as authentik's trigger computes it: its state until it is done, then
    the worst level its logs reached (`info` where it logged only that)."""
    if state != "done":
        return state
    worst = max((LEVELS.get(str(log.get("log_level")), 0) for log in logs), default=0)
    return {3: "error", 2: "warning", 1: "info"}.get(worst, "done")


def start_tasks(data: dict[str, list[Record]], models: Mapping[str, ResourceSpec]) -> None:
    """The generated tasks, made what the schedules sent (in place): each is one schedule's
    run, by its actor, about its object, in the default queue, with the logs authentik's
    middleware writes; most finished, some still queued."""
    tasks, schedules = models.get(TASK), models.get(SCHEDULE)
    if tasks is None or schedules is None or not data.get(schedules.collection):
        return
    sent = data[schedules.collection]
    for task in data.get(tasks.collection, []):
        key = str(task.get("message_id", ""))
        drawn = int(hashlib.sha256(key.encode()).hexdigest(), 16)
        schedule = sent[drawn % len(sent)]
        state = "queued" if drawn % WAITING_EVERY == 0 else "done"
        logs = _logs(state, str(task.get("mtime") or ""))
        task.update(
            {
                "queue_name": "default",
                "actor_name": schedule["actor_name"],
                "uid": schedule["uid"],
                "rel_obj_app_label": schedule["rel_obj_app_label"],
                "rel_obj_model": schedule["rel_obj_model"],
                "rel_obj_id": schedule["rel_obj_id"],
                "description": schedule["description"],
                "state": state,
                "retries": 0,
                "eta": None,
                "logs": logs,
                "previous_logs": [],
                "aggregated_status": aggregated(state, logs),
            }
        )


def _logs(state: str, at: str) -> list[dict[str, Any]]:
    events = ["Task has been queued"]
    if state == "done":
        events += ["Task is being processed", "Task finished processing without errors"]
    return [
        {
            "timestamp": at,
            "log_level": "info",
            "logger": MIDDLEWARE,
            "event": event,
            "attributes": {"delay": None} if position == 0 else {},
        }
        for position, event in enumerate(events)
    ]


def status(tasks: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """`tasks/tasks/status/`: how many tasks have each status."""
    counts = {name: 0 for name in STATUSES}
    for task in tasks:
        found = str(task.get("aggregated_status"))
        if found in counts:
            counts[found] += 1
    return counts
