"""The participant's questionnaire at /surveys/<token>/ (DESIGN.md): no login, the private link is the key."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from portal import tokens
from portal.ratelimits import form_rate_limit
from portal.surveys import services
from portal.surveys.forms import SurveyForm
from portal.surveys.models import SurveyInvitation


def _thanks(request, invitation, *, again: bool = False):
    return render(request, "portal/surveys/thanks.html", {"invitation": invitation, "again": again})


@tokens.private_page
@form_rate_limit("surveys.answer")
@require_http_methods(["GET", "HEAD", "POST"])
def survey(request, token: str):
    """GET: the questions; POST: record the answers once, then the thank-you page (also for a second try)."""
    invitation = tokens.get_by_token_or_404(SurveyInvitation.objects.select_related("questionnaire"), token)
    if invitation.answered_at is not None:
        return _thanks(request, invitation, again=request.method == "POST")
    form = SurveyForm(
        request.POST if request.method == "POST" else None, questions=invitation.questionnaire.questions.all()
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_survey_response(invitation=invitation, answers=form.answers())
        except services.AlreadyAnswered:  # answered in another tab meanwhile: nothing changed
            return _thanks(request, invitation, again=True)
        except ValidationError as error:  # the questions changed while the page was open
            form.add_error(None, error)
        else:
            return redirect("survey", token=token)
    return render(request, "portal/surveys/survey.html", {"invitation": invitation, "form": form})
