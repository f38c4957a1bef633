"""Background tasks of the structure, run by the django-tasks database worker (`samverkan worker`)."""

from django_tasks import task

from samverkan.structure import logins


@task()
def send_login_invitation(pk: int) -> bool:
    """Mail the link of LoginInvitation `pk` (logins.send_queued); a second run sends nothing."""
    return logins.send_queued(pk)
