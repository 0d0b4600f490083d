"""Running background tasks in-process, off the request path.

django-tasks ships an ImmediateBackend that runs a task in the caller's thread. This one runs it
on a small pool of background threads in the same process, so a web request that enqueues a
webhook delivery answers without waiting for the receiver. A deployment with a real worker
swaps it for a queue-backed backend in the TASKS setting; nothing else changes.
"""

from concurrent.futures import ThreadPoolExecutor

from django.db import close_old_connections, connections
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id

_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="tasks")


class ThreadBackend(ImmediateBackend):
    def enqueue(self, task, args, kwargs):
        self.validate_task(task)
        task_result = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        _pool.submit(self._run, task_result)
        return task_result

    def _run(self, task_result):
        close_old_connections()
        try:
            self._execute_task(task_result)
        finally:
            connections.close_all()


def runs_tasks_in_process():
    """Whether the default backend runs tasks in the process that enqueues them (thread,
    immediate): a command that exits first would take them with it."""
    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], ImmediateBackend)
