"""The stage path's steps written in Python (funnel_tags.stage_path_steps) are the HTML of the template loop they
replaced, character for character: that loop is kept here as the reference."""

import pytest
from django.middleware.csrf import get_token
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from funnel.selectors import PathStage
from opportunities.models import Stage

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
