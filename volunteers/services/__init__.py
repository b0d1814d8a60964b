"""Business rules. Services take model objects and values, never `request` or `session`,
and never commit: the route or CLI command commits once, so a rolled-back change sends no mail.
"""


class ServiceError(Exception):
    """A rule said no. `field` names the form field the message belongs next to, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


class ServiceErrors(ServiceError):
    """Several rules said no, each about its own field: shown all at once, so that fixing one
    does not uncover the next."""

    def __init__(self, errors: list[ServiceError]) -> None:
        super().__init__(errors[0].message, errors[0].field)
        self.errors = errors
