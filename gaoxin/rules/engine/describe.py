"""The Chinese reading of a rule set or of one criterion, as one sentence (for the editor and for officers)."""

from __future__ import annotations

from .ruleset import RuleSet
from .scoring import PointsNode
from .wording import join


def describe_criterion(ruleset: RuleSet, code: str) -> str:
    """One criterion or score item, e.g.
    "近三年研发费用总额占同期销售收入总额的比例不低于5%（最近一年销售收入不超过5000万元）、…"."""
    item = ruleset.criterion(code)
    return item.describe()


def describe_score(ruleset: RuleSet) -> str:
    if ruleset.score is None:
        return ""
    parts = [node.describe() for node in ruleset.score.walk()]
    return join(parts, "；")


def describe_ruleset(ruleset: RuleSet) -> str:
    """The whole rule set: name, source, validity, the decision and (if any) how the score is made up."""
    period = f"{ruleset.valid_from.isoformat()}起施行"
    if ruleset.valid_to is not None:
        period += f"，至{ruleset.valid_to.isoformat()}止"
    text = f"{ruleset.name}（{ruleset.source}；{period}）：{ruleset.decision.describe()}"
    if ruleset.score is not None:
        text += f"。其中{_score_sentence(ruleset.score)}"
    return text + "。"


def _score_sentence(root: PointsNode) -> str:
    return describe_score_tree(root)


def describe_score_tree(root: PointsNode) -> str:
    return join([node.describe() for node in root.walk()], "；")
