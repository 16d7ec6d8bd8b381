"""The stage path's steps and the stage's tasks written in Python (funnel_tags.stage_path_steps,
stage_checklist_items) are the HTML of the template loops they replaced, character for character: those loops are
kept here as the reference."""

from datetime import UTC, datetime

import pytest
from django.middleware.csrf import get_token
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone, translation

from funnel.models import StageTaskDone
from funnel.selectors import ChecklistItem, PathStage
from opportunities.models import Stage
from teams.models import User

OLD_LOOP = Template("""{% load i18n %}{% for step in panel.path %}
    <li class="fn-path-step fn-path-{{ step.state }}{% if step.blocked %} fn-path-blocked{% endif %}"{% if step.state == "current" %} aria-current="step"{% endif %}>
      {% if panel.may_move and step.state != "current" %}
      <form method="post" action="{{ move_url }}">{% csrf_token %}
        <input type="hidden" name="stage" value="{{ step.stage.code }}">
        <input type="hidden" name="next" value="{{ request.get_full_path }}">
        <button type="submit" class="fn-path-btn" title="{{ step.stage.tasks }}{% for message in step.blocked %} · {{ message }}{% endfor %}" data-testid="move-{{ step.stage.code }}">
          <span class="fn-path-code">{{ step.stage.code }}{% if step.blocked %} <i class="bi bi-lock-fill" aria-label="{% translate 'Entry requirement not met' %}"></i>{% endif %}</span>
          <span class="fn-path-name">{{ step.stage.name }}</span>
          <span class="fn-path-prob">{{ step.stage.probability }}%</span>
        </button>
      </form>
      {% else %}
      <div class="fn-path-btn" title="{{ step.stage.tasks }}">
        <span class="fn-path-code">{{ step.stage.code }}</span>
        <span class="fn-path-name">{{ step.stage.name }}</span>
        <span class="fn-path-prob">{{ step.stage.probability }}%</span>
      </div>
      {% endif %}
    </li>
    {% endfor %}""")  # noqa: E501
NEW = Template("{% load funnel_tags %}{% stage_path_steps panel move_url %}")


def _path():
    stages = [
        Stage(pk=1, code="01", name_zh="寻找 <联系人>", name_en="Find & \"contacts\"", tasks_zh="找人 & 需求",
              tasks_en="Find <people>", probability=10),
        Stage(pk=2, code="02", name_zh="确认需求", name_en="Needs", tasks_zh="", tasks_en="", probability=20),
        Stage(pk=3, code="0'3", name_zh="组织关系", name_en="Org", tasks_zh="组织", tasks_en="Org 'chart'",
              probability=30),
        Stage(pk=4, code="04", name_zh="目标", name_en="Goal", tasks_zh="目标", tasks_en="Goal", probability=100),
    ]
    return [PathStage(stage=stages[0], state="done"), PathStage(stage=stages[1], state="current"),
            PathStage(stage=stages[2], state="todo"),
            PathStage(stage=stages[3], state="todo", blocked=["先评估 <20 问>", "Bid & \"record\""])]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("may_move", [True, False])
@pytest.mark.parametrize("with_request", [True, False])
def test_stage_path_steps_are_the_template_loop(language, may_move, with_request):
    request = RequestFactory().get("/opportunities/7/", {"tab": "lines", "x": "<a&b>\""})
    context = {"panel": {"path": _path(), "may_move": may_move}, "move_url": "/funnel/opportunities/7/move/?a=1&b=2"}
    if with_request:
        context.update({"request": request, "csrf_token": get_token(request)})
    with translation.override(language):
        expected = OLD_LOOP.render(Context(context))
        assert NEW.render(Context(context)) == expected
    assert ("csrfmiddlewaretoken" in expected) is (may_move and with_request)


def test_an_empty_path_writes_nothing():
    context = Context({"panel": {"path": [], "may_move": True}, "move_url": "/m/"})
    assert NEW.render(context) == OLD_LOOP.render(context) == ""


OLD_CHECKLIST_LOOP = Template("""{% load i18n %}{% for item in panel.checklist %}
    <li class="fn-task{% if item.done %} fn-task-done{% endif %}" data-testid="task-{{ item.position }}">
      {% if panel.may_tick %}
      <form method="post" action="{{ task_url }}" hx-post="{{ task_url }}" hx-target="#fn-checklist-{{ opportunity.pk }}" hx-swap="outerHTML" class="d-inline">{% csrf_token %}
        <input type="hidden" name="position" value="{{ item.position }}"><input type="hidden" name="done" value="{% if item.done %}0{% else %}1{% endif %}">
        <button type="submit" class="btn btn-link btn-sm p-0 text-reset text-start text-decoration-none fn-task-btn" aria-pressed="{% if item.done %}true{% else %}false{% endif %}" title="{% if item.done %}{% translate 'Mark as not done' %}{% else %}{% translate 'Mark as done' %}{% endif %}" data-testid="task-toggle-{{ item.position }}">
          <i class="bi {% if item.done %}bi-check-square-fill text-success{% else %}bi-square{% endif %}" aria-hidden="true"></i> <span class="fn-task-text">{{ item.text }}</span></button>
      </form>
      {% else %}<i class="bi {% if item.done %}bi-check-square-fill text-success{% else %}bi-square{% endif %}" aria-hidden="true"></i> <span class="fn-task-text">{{ item.text }}</span>{% if item.done %} <span class="visually-hidden">{% translate "done" %}</span>{% endif %}{% endif %}
      {% if item.done %}{% with who=item.done.done_by|default:_("system") %}<span class="text-muted small text-nowrap fn-task-who" title="{% blocktranslate with when=item.done.done_at|date:'Y-m-d H:i' %}done by {{ who }} on {{ when }}{% endblocktranslate %}" data-testid="task-done-by-{{ item.position }}">· {{ who }} {{ item.done.done_at|date:"m-d" }}</span>{% endwith %}{% endif %}
    </li>
    {% endfor %}""")  # noqa: E501
NEW_CHECKLIST = Template("{% load funnel_tags %}{% stage_checklist_items panel task_url opportunity_pk %}")


def _checklist():
    when = datetime(2026, 3, 4, 23, 30, tzinfo=UTC)  # the next day in Shanghai
    return [
        ChecklistItem(position=0, text="查明 <需求> & \"预算\""),
        ChecklistItem(position=1, text="Org 'chart'", done=StageTaskDone(
            position=1, done_at=when, done_by=User(username="ob", first_name="O'Brien", last_name="<& Co>"))),
        ChecklistItem(position=2, text="系统勾选", done=StageTaskDone(position=2, done_at=when, done_by=None)),
        ChecklistItem(position=12, text="", done=StageTaskDone(position=12, done_at=timezone.now(),
                                                                  done_by=User(username="zw", display_name="张伟"))),
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("may_tick", [True, False])
def test_stage_checklist_items_are_the_template_loop(language, may_tick):
    request = RequestFactory().get("/opportunities/7/")
    context = {"panel": {"checklist": _checklist(), "may_tick": may_tick}, "opportunity": {"pk": 7},
               "opportunity_pk": 7, "task_url": "/funnel/opportunities/7/tasks/?a=1&b=2",
               "csrf_token": get_token(request)}
    with translation.override(language):
        expected = OLD_CHECKLIST_LOOP.render(Context(context))
        assert NEW_CHECKLIST.render(Context(context)) == expected
    assert ("csrfmiddlewaretoken" in expected) is may_tick
    assert "&lt;&amp; Co&gt;" in expected


def test_an_empty_checklist_writes_nothing():
    context = Context({"panel": {"checklist": [], "may_tick": True}, "task_url": "/t/", "opportunity_pk": 1})
    assert NEW_CHECKLIST.render(context) == OLD_CHECKLIST_LOOP.render(context) == ""
