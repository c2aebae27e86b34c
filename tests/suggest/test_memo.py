"""PerAnswer: derived data worked out once per live answer object, and forgotten with it."""

from __future__ import annotations

import gc
from dataclasses import dataclass, field

from depcheck.suggest.memo import PerAnswer


@dataclass(frozen=True)
class Answer:
    name: str
    versions: dict[str, int] = field(default_factory=dict)  # a dict field: not hashable, like the facts


def test_the_same_object_is_derived_once() -> None:
    calls: list[str] = []

    def derive(answer: Answer) -> str:
        calls.append(answer.name)
        return answer.name.upper()

    memo = PerAnswer(derive)
    first = Answer("boto3")

    assert [memo(first), memo(first), memo(first)] == ["BOTO3", "BOTO3", "BOTO3"]
    assert calls == ["boto3"]


def test_equal_objects_are_derived_each_from_their_own() -> None:
    calls: list[str] = []

    def derive(answer: Answer) -> str:
        calls.append(answer.name)
        return answer.name

    memo = PerAnswer(derive)
    one, two = Answer("numpy"), Answer("numpy")

    assert [memo(one), memo(two), memo(one), memo(two)] == ["numpy", "numpy", "numpy", "numpy"]
    assert calls == ["numpy", "numpy"]


def test_a_freed_answer_is_forgotten_and_its_identity_never_answers_for_another() -> None:
    memo = PerAnswer(lambda answer: answer.name)
    for number in range(300):
        # Objects made and dropped in turn often reuse one identity.
        assert memo(Answer(f"project-{number}")) == f"project-{number}"
    gc.collect()

    assert len(memo) == 0
