"""Staff notes on a record with a lifecycle (device exceptions, billing variances): each action's note is
appended to the record's notes, stamped with the time and the actor; an action without a note leaves them as
they are. The events keep each action's own note."""


def append_note(existing: str, note: str, actor: str, now) -> str:
    if not note:
        return existing
    line = f"[{now:%Y-%m-%d %H:%M} {actor}] {note}"
    return f"{existing}\n{line}" if existing else line
