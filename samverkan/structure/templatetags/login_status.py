"""A person's login in a list (`{% login_status person states invitable %}`): has one, switched off, invited when,
or none, with "Bjud in" for those the user may invite. The view computes `states` (`logins.login_states`) and
`invitable` (`logins.invitable_ids`) for the whole list, so a row costs no query."""

from django import template

register = template.Library()


@register.inclusion_tag("structure/_login_status.html", takes_context=True)
def login_status(context, person, states, invitable):
    """The cell for `person`: their `LoginState` from `states` and whether `invitable` holds their id."""
    state = states.get(person.pk)
    request = context.get("request")
    return {
        "person": person,
        "state": state,
        "can_invite": person.pk in invitable
        and bool(person.email)
        and state is not None
        and state.kind not in ("active", "inactive"),
        "next": request.get_full_path() if request is not None else "",
    }
