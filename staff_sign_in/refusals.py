"""The page a refused or failed sign-in ends on: what happened in plain words, and what to do."""

from dataclasses import dataclass

from django.template.response import TemplateResponse

# Set on the request by a backend that refuses a person, for the view to explain.
REFUSAL_ATTRIBUTE = "staff_sign_in_refusal"


@dataclass(frozen=True)
class Refusal:
    status: int
    title: str
    explanation: str


REFUSALS = {
    "no_role": Refusal(
        403,
        "You do not have access to this site",
        "You signed in, but your hospital account is not in any of the groups that may edit this "
        "site. If you need access, ask your manager or the IT service desk to add you to the right group.",
    ),
    "bad_state": Refusal(
        400,
        "This sign-in link has expired",
        "The sign-in did not start here, or it was used already. Go back to the sign-in page and start again.",
    ),
    "code_refused": Refusal(
        400,
        "The sign-in service did not accept this sign-in",
        "The hospital's sign-in service refused to confirm it, for example because the sign-in was "
        "already used. Go back to the sign-in page and start again.",
    ),
    "untrusted_token": Refusal(
        403,
        "This sign-in could not be trusted",
        "The answer from the hospital's sign-in service was not meant for this site, had expired, or "
        "was not signed. Nobody has been signed in. If it happens again, tell the IT service desk.",
    ),
    "cancelled": Refusal(
        403,
        "You are not signed in",
        "The hospital's sign-in service did not sign you in. Go back to the sign-in page to try again.",
    ),
    "inactive": Refusal(
        403,
        "This account is switched off",
        "An administrator of this site has switched your account off. Ask them if you need access again.",
    ),
    "directory_unavailable": Refusal(
        503,
        "The hospital directory is not answering",
        "Your user name and password could not be checked. Try again in a few minutes. If you are "
        "a local administrator with an emergency account, you can still sign in with its password.",
    ),
    "no_directory_id": Refusal(
        500,
        "This site cannot recognise directory accounts yet",
        "The hospital directory checked your password, but did not give this site what it needs to "
        "tell accounts apart. Nobody has been signed in. Tell the IT service desk.",
    ),
    "unavailable": Refusal(
        503,
        "The hospital sign-in service is not answering",
        "Try again in a few minutes. If you are a local administrator with an emergency account, you "
        "can still sign in with its password.",
    ),
}


def refused(request, reason: str) -> TemplateResponse:
    refusal = REFUSALS[reason]
    response = TemplateResponse(
        request, "staff_sign_in/refused.html", {"refusal": refusal, "reason": reason}, status=refusal.status
    )
    if reason == "unavailable":
        response["Retry-After"] = "60"
    return response
