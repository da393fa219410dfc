from django import forms

from .models import COMMENT_MAX_LENGTH


class FeedbackForm(forms.Form):
    page = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    helpful = forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")], coerce=lambda value: value == "yes", widget=forms.RadioSelect
    )
    comment = forms.CharField(
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": COMMENT_MAX_LENGTH}),
        help_text="Please do not include your name or any personal details.",
    )
