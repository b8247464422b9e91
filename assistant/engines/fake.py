"""A fake engine with a queue of canned replies, for tests and evals of the faces."""

from __future__ import annotations

from collections import deque

from assistant.engines.base import DiagnoseRequest, Engine, register
from assistant.errors import EngineError
from assistant.schema import Diagnosis


@register("fake")
class FakeEngine(Engine):
    """Returns queued Diagnosis objects (or raises queued exceptions), in order."""

    def __init__(self) -> None:
        self.replies: deque[Diagnosis | Exception] = deque()
        self.requests: list[DiagnoseRequest] = []

    def queue(self, *replies: Diagnosis | Exception) -> None:
        self.replies.extend(replies)

    def diagnose(self, request: DiagnoseRequest) -> Diagnosis:
        self.requests.append(request)
        if not self.replies:
            raise EngineError("the fake engine has no queued reply")
        reply = self.replies.popleft()
        if isinstance(reply, Exception):
            raise reply
        return reply.model_copy(deep=True)
