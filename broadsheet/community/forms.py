from __future__ import annotations

import unicodedata

from django import forms

from broadsheet.community.models import Profile, Report


def _no_control_chars(value: str) -> str:
    """Refuse invisible format/control characters (e.g. right-to-left overrides used to spoof names)."""
    for ch in value:
        if ch not in "\n\t" and unicodedata.category(ch) in {"Cc", "Cf"}:
            raise forms.ValidationError("Please remove invisible or control characters.")
    return value


class CommentForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Your comment", strip=True)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_body(self) -> str:
        return _no_control_chars(self.cleaned_data["body"])


class ReportForm(forms.Form):
    reason = forms.ChoiceField(choices=Report.Reason.choices, widget=forms.RadioSelect)
    note = forms.CharField(max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           label="Anything the moderators should know (optional)")


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["display_name", "bio"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"display_name": "Shown next to your comments. Plain text.", "bio": "Plain text, 500 characters."}

    def clean_display_name(self) -> str:
        name = _no_control_chars(self.cleaned_data["display_name"].strip())
        if name.lower() in {"[deleted]", "deleted", "moderator", "admin"}:
            raise forms.ValidationError("Please choose another name.")
        return name

    def clean_bio(self) -> str:
        return _no_control_chars(self.cleaned_data["bio"])


class DeleteAccountForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput, label="Your password, to confirm")

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password
