"""Errors that teach.

A `UserError` is a mistake in what someone asked for (a bad size, an unknown model, an unreadable
image). Its message says what was expected and what was given; the CLI prints it and exits with
status 2, the HTTP API turns it into a 4xx. Anything else is a bug and keeps its traceback.
"""


class UserError(Exception):
    """A request that cannot be carried out as given; the message tells the user how to fix it."""


class ModelError(UserError):
    """A model name or directory that cannot be loaded."""


class NonFiniteLatentsError(Exception):
    """A sample's latents became NaN or infinite; the sample fails, its batch-mates do not."""

    def __init__(self, step: int, total: int):
        super().__init__(f"latents became non-finite (NaN or inf) at step {step} of {total}")
        self.step = step
        self.total = total
